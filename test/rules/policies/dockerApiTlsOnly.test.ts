import { dockerEndpointProblem } from "../../../rules/policies/dockerApiTlsOnly";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

describe("dockerEndpointProblem", () => {
    const tls = { caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" };
    test("tcp with all three: ok; with one missing: names it", () => {
        expect(dockerEndpointProblem({ host: "tcp://h:2376", ...tls })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "tcp://h:2376", ...tls, keyMaterial: undefined })).toMatch(/\(keyMaterial missing\)/);
    });
    test("certPath counts as TLS material; npipe/ssh/unix are not network TLS questions", () => {
        expect(dockerEndpointProblem({ host: "tcp://h:2376", certPath: "/certs" })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "npipe:////./pipe/docker_engine" })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "ssh://admin@h" })).toBeUndefined();
    });
    test("an endpoint outside Docker's grammar (http://, a bare host:port) may be tcp: TLS required", () => {
        expect(dockerEndpointProblem({ host: "http://h:2375" })).toMatch(/^Docker endpoint 'http:\/\/h:2375' \(not a unix, npipe or ssh endpoint, so possibly tcp\) without mutual TLS/);
        expect(dockerEndpointProblem({ host: "h:2376", ...tls })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "tcp://h:2376/" })).toMatch(/^Docker endpoint 'tcp:\/\/h:2376\/' is tcp without mutual TLS/);
    });
    test("values unknown until deploy: material counts as set, an endpoint may be tcp", () => {
        const later = UNKNOWN_UNTIL_DEPLOY;
        expect(dockerEndpointProblem({ host: "tcp://h:2376", caMaterial: later, certMaterial: later, keyMaterial: later })).toBeUndefined();
        expect(dockerEndpointProblem({ host: later, caMaterial: later, certMaterial: later, keyMaterial: later })).toBeUndefined();
        expect(dockerEndpointProblem({ host: later })).toMatch(/^Docker endpoint \(not known until deploy, so possibly tcp\) without mutual TLS \(caMaterial, certMaterial, keyMaterial missing\)/);
    });
});
