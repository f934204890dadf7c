import { dockerEndpointProblems } from "../../../rules/policies/dockerApiTlsOnly";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

const later = UNKNOWN_UNTIL_DEPLOY;

describe("dockerEndpointProblems", () => {
    const tls = { caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" };
    test("tcp with all three: ok; with one missing: names it", () => {
        expect(dockerEndpointProblems({ host: "tcp://h:2376", ...tls })).toEqual([]);
        expect(dockerEndpointProblems({ host: "tcp://h:2376", ...tls, keyMaterial: undefined })).toEqual([expect.stringMatching(/\(keyMaterial missing\)/)]);
    });
    test("certPath counts as TLS material; npipe/ssh/unix are not network TLS questions", () => {
        expect(dockerEndpointProblems({ host: "tcp://h:2376", certPath: "/certs" })).toEqual([]);
        expect(dockerEndpointProblems({ host: "npipe:////./pipe/docker_engine" })).toEqual([]);
        expect(dockerEndpointProblems({ host: "ssh://admin@h" })).toEqual([]);
    });
    test("an endpoint outside Docker's grammar (http://, a bare host:port) may be tcp: TLS required", () => {
        expect(dockerEndpointProblems({ host: "http://h:2375" })).toEqual([expect.stringMatching(/^Docker endpoint 'http:\/\/h:2375' \(not a unix, npipe or ssh endpoint, so possibly tcp\) without mutual TLS/)]);
        expect(dockerEndpointProblems({ host: "h:2376", ...tls })).toEqual([]);
        expect(dockerEndpointProblems({ host: "tcp://h:2376/" })).toEqual([expect.stringMatching(/^Docker endpoint 'tcp:\/\/h:2376\/' is tcp without mutual TLS/)]);
    });
    test("an endpoint unknown until deploy may be tcp: literal material passes, none fails", () => {
        expect(dockerEndpointProblems({ host: later, ...tls })).toEqual([]);
        expect(dockerEndpointProblems({ host: later })).toEqual([expect.stringMatching(/^Docker endpoint \(not known until deploy, so possibly tcp\) without mutual TLS \(caMaterial, certMaterial, keyMaterial missing\)/)]);
    });
});

describe("material or certPath not known until deploy counts as not set (empty at deploy is plain tcp)", () => {
    const cases: [string, Record<string, unknown>, RegExp | undefined][] = [
        ["all three material unknown", { caMaterial: later, certMaterial: later, keyMaterial: later }, /\(caMaterial, certMaterial, keyMaterial missing; caMaterial, certMaterial, keyMaterial are not known until deploy and may be empty then, which the provider reads as plain tcp\)/],
        ["certPath unknown", { certPath: later }, /\(caMaterial, certMaterial, keyMaterial missing; certPath is not known until deploy/],
        ["one material unknown, two literal", { caMaterial: "ca", certMaterial: "cert", keyMaterial: later }, /\(keyMaterial missing; keyMaterial is not known until deploy/],
        ["certPath empty, material unknown", { certPath: "", caMaterial: later, certMaterial: later, keyMaterial: later }, /without mutual TLS/],
        ["literal material beside an unknown certPath", { certPath: later, caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" }, undefined],
        ["unknown material of a host component's generated CA", { caMaterial: later, certMaterial: later, keyMaterial: later, materialFromGeneratedCa: true }, undefined],
        ["an unknown certPath of a host component's provider still fails when material is missing", { certPath: "", materialFromGeneratedCa: true }, /missing\)/],
    ];
    test.each(cases)("%s", (_, facts, expected) => {
        for (const host of ["tcp://h:2376", later]) {
            const problems = dockerEndpointProblems({ host, ...facts });
            if (expected) expect(problems).toEqual([expect.stringMatching(expected)]);
            else expect(problems).toEqual([]);
        }
    });
});

describe("a Docker context overrides host: the endpoint is unknown to every review (violation)", () => {
    const tls = { caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" };
    test.each([
        ["a named context beside a safe npipe host", { host: "npipe:////./pipe/docker_engine", context: "prod-engine" }, /^Docker context 'prod-engine' overrides host: .*~\/\.docker\/contexts.*; remove context and set host/],
        ["a context with full TLS material", { host: "tcp://h:2376", context: "prod-engine", ...tls }, /^Docker context 'prod-engine' overrides host/],
        ["a context not known until deploy", { host: "tcp://h:2376", context: later, ...tls }, /^Docker context \(not known until deploy\) overrides host/],
    ])("%s", (_, facts, expected) => {
        expect(dockerEndpointProblems(facts)).toEqual([expect.stringMatching(expected)]);
    });
    test("an empty context is no context (the provider reads '' as unset)", () => {
        expect(dockerEndpointProblems({ host: "npipe:////./pipe/docker_engine", context: "" })).toEqual([]);
    });
});

describe("a provider plugin from another download server is someone else's code (violation)", () => {
    test.each([
        ["https://plugins.example.com/docker", /^the Docker provider plugin comes from pluginDownloadURL 'https:\/\/plugins.example.com\/docker', not Pulumi's own release/],
        [later, /pluginDownloadURL \(not known until deploy\)/],
    ])("%s", (url, expected) => {
        expect(dockerEndpointProblems({ host: "npipe:////./pipe/docker_engine", pluginDownloadURL: url })).toEqual([expect.stringMatching(expected)]);
    });
    test("no pluginDownloadURL (or an empty one): Pulumi's own release", () => {
        expect(dockerEndpointProblems({ host: "npipe:////./pipe/docker_engine", pluginDownloadURL: "" })).toEqual([]);
    });
});
