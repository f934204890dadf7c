import { installMocks } from "../../helpers/pulumiMocks";

const engine = installMocks();

import * as docker from "@pulumi/docker";
import { ExistingDockerHost, WindowsContainer, WindowsDockerHost, WindowsHostFacts } from "../../../components";

/**
 * What the engine hands a WindowsContainer constructed from another language: the host's plain
 * facts (the schema's WindowsDockerHost type), with no provider object. The cast stands for the
 * untyped wire value; everything after it is the component's own code.
 */
function factsFromAnotherLanguage(facts: WindowsHostFacts): WindowsDockerHost {
    return facts as unknown as WindowsDockerHost;
}

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
});

describe("WindowsContainer given only host facts (another Pulumi language)", () => {
    test("uses the Docker provider passed in the resource options, with explicit hyperv isolation", async () => {
        const provider = new docker.Provider("py-docker", { host: "tcp://10.9.9.9:2376" });
        const job = new WindowsContainer(
            "py-job",
            { host: factsFromAnotherLanguage({ hostName: "py-host", osBuild: 20348, hypervCapable: true }), image: "mcr.microsoft.com/windows/servercore:ltsc2022" },
            { providers: [provider] },
        );
        expect(job.isolation).toBe("hyperv");
        await engine.settle();
        const services = engine.ofType("docker:index/service:Service");
        expect(services.map((s) => s.name)).toEqual(["py-job-service"]);
        expect(services[0].provider).toMatch(/::py-docker::py-docker-id$/);
        expect(services[0].inputs.taskSpec.containerSpec.isolation).toBe("hyperv");
        expect(engine.ofType("windows-isolation:index:WindowsContainer")[0].inputs.host).toBe("py-host");
    });

    test("without a Docker provider it refuses before creating the service (no ambient engine)", async () => {
        expect(
            () => new WindowsContainer("orphan", { host: factsFromAnotherLanguage({ hostName: "py-host", osBuild: 20348, hypervCapable: true }), image: "mcr.microsoft.com/windows/servercore:ltsc2022" }),
        ).toThrow("WindowsContainer 'orphan': host 'py-host' brings no Docker provider; pass an ExistingDockerHost or ContainerHost as host, or (from another language) pass the host's Docker provider in the resource options' providers");
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service")).toEqual([]);
    });

    test("workloads naming the same fact host share its published-port registry", async () => {
        const provider = new docker.Provider("py-docker-2", { host: "tcp://10.9.9.8:2376" });
        const host = () => factsFromAnotherLanguage({ hostName: "py-shared", osBuild: 20348, hypervCapable: true });
        const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
        new WindowsContainer("first", { host: host(), image, ports: [{ target: 80, published: 8081 }] }, { providers: [provider] });
        expect(() => new WindowsContainer("second", { host: host(), image, ports: [{ target: 80, published: 8081 }] }, { providers: [provider] }))
            .toThrow("ports publishes 8081/tcp, which workload 'first' already publishes on host 'py-shared'");
    });

    test("a host created in this program keeps its own provider even when options name another", async () => {
        const other = new docker.Provider("other-docker", { host: "tcp://10.9.9.7:2376" });
        const host = new ExistingDockerHost("ts-host", { endpoint: "tcp://10.1.2.3:2376", osBuild: 20348, hypervCapable: true, caPem: "ca", certPem: "cert", keyPem: "key" });
        new WindowsContainer("ts-job", { host, image: "mcr.microsoft.com/windows/servercore:ltsc2022" }, { providers: [other] });
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service")[0].provider).toMatch(/::ts-host-docker::ts-host-docker-id$/);
    });
});

describe("ExistingDockerHost's own properties are its plain facts", () => {
    test("the provider, ready resources and port registry are accessors, not instance properties", () => {
        const host = new ExistingDockerHost("facts-host", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 26100, hypervCapable: false, cpuCount: 8 });
        const own = Object.keys(host).filter((k) => ["hostName", "osBuild", "hypervCapable", "cpuCount", "provider", "readyResources", "publishedPorts"].includes(k));
        expect(own.sort()).toEqual(["cpuCount", "hostName", "hypervCapable", "osBuild"]);
        expect(docker.Provider.isInstance(host.provider)).toBe(true);
        expect(host.readyResources).toEqual([]);
        expect(host.publishedPorts.ownerOf(80, "tcp")).toBeUndefined();
    });
});
