import { installMocks, secretValue } from "../../helpers/pulumiMocks";

const engine = installMocks();

import { ExistingDockerHost, ExistingDockerHostArgs, validateExistingDockerHostArgs } from "../../../components";

const good: ExistingDockerHostArgs = { endpoint: "tcp://winhost.corp.example:2376", osBuild: 20348, hypervCapable: true, caPem: "ca", certPem: "cert", keyPem: "key" };

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
});

test("a tcp host with TLS material: the component and one docker provider with secret material", async () => {
    const h = new ExistingDockerHost("onprem", { ...good, cpuCount: 8 });
    expect([h.hostName, h.osBuild, h.hypervCapable, h.cpuCount, h.readyResources]).toEqual(["onprem", 20348, true, 8, []]);
    await engine.settle();
    expect(engine.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
        "pulumi:providers:docker onprem-docker",
        "windows-isolation:index:ExistingDockerHost onprem",
    ]);
    expect(engine.ofType("pulumi:providers:docker")[0].inputs).toEqual({
        host: "tcp://winhost.corp.example:2376",
        caMaterial: secretValue("ca"),
        certMaterial: secretValue("cert"),
        keyMaterial: secretValue("key"),
    });
    expect(engine.ofType("windows-isolation:index:ExistingDockerHost")[0].inputs).toEqual({
        endpoint: "tcp://winhost.corp.example:2376",
        osBuild: 20348,
        hypervCapable: true,
        cpuCount: 8,
    });
});

test("a named pipe needs no TLS material", async () => {
    new ExistingDockerHost("devbox", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 22621, hypervCapable: true });
    await engine.settle();
    expect(engine.ofType("pulumi:providers:docker")[0].inputs).toEqual({ host: "npipe:////./pipe/docker_engine" });
});

describe("bad input: a clear error before the provider exists", () => {
    test.each<[string, Partial<ExistingDockerHostArgs>, RegExp]>([
        ["tcp without any TLS material", { caPem: undefined, certPem: undefined, keyPem: undefined }, /endpoint 'tcp:\/\/winhost.corp.example:2376' is tcp without TLS material \(caPem, certPem, keyPem missing\).*set caPem, certPem and keyPem/],
        ["tcp without the key", { keyPem: undefined }, /\(keyPem missing\)/],
        ["plain-text port 2375 without TLS", { endpoint: "tcp://10.0.0.4:2375", caPem: undefined, certPem: undefined, keyPem: undefined }, /is tcp without TLS material/],
        ["an http URL", { endpoint: "http://winhost:2375" }, /endpoint 'http:\/\/winhost:2375' is not a Docker endpoint this host accepts/],
        ["a unix socket", { endpoint: "unix:///var/run/docker.sock" }, /is not a Docker endpoint this host accepts/],
        ["port out of range", { endpoint: "tcp://winhost:70000" }, /has port 70000, outside 1-65535/],
        ["TLS material on a named pipe", { endpoint: "npipe:////./pipe/docker_engine" }, /is a named pipe, where caPem\/certPem\/keyPem do nothing/],
        ["an unknown build", { osBuild: 20350 }, /osBuild 20350 is not a Windows build this project knows/],
        ["a 2016 host", { osBuild: 14393 }, /osBuild 14393 \(ltsc2016\) is older than 17763 \(ltsc2019\)/],
        ["hypervCapable as a string", { hypervCapable: "yes" as never }, /hypervCapable "yes" must be true or false/],
        ["cpuCount 0", { cpuCount: 0 }, /cpuCount 0 must be a whole number >= 1/],
    ])("%s", async (_title, change, message) => {
        expect(validateExistingDockerHostArgs({ ...good, ...change }).join("; ")).toMatch(message);
        expect(() => new ExistingDockerHost("bad", { ...good, ...change })).toThrow(message);
        await engine.settle();
        expect(engine.ofType("pulumi:providers:docker")).toHaveLength(0);
    });

    test("the good arguments have no problems", () => {
        expect(validateExistingDockerHostArgs(good)).toEqual([]);
    });

    test("a trailing slash after the port is Docker's grammar, accepted as by verify", () => {
        expect(validateExistingDockerHostArgs({ ...good, endpoint: "tcp://winhost.corp.example:2376/" })).toEqual([]);
    });
});
