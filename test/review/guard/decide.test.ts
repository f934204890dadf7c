/**
 * The guard's decision on requests as the daemon forwards them: what passes, what is refused and
 * with which rule, including the fail-closed cases (no body, bad body, unknown endpoint).
 */
import { decide, Decision } from "../../../review/guard/decide";
import { AuthZRequest } from "../../../review/guard/protocol";
import { DEFAULT_SETTINGS, GuardSettings } from "../../../review/guard/settings";

const TRUST = "windows-isolation.trust";
const local = { user: "", authNMethod: "" };
const tls = (cn: string) => ({ user: cn, authNMethod: "TLS" });

function req(method: string, uri: string, body?: unknown, caller = local): AuthZRequest {
    const raw = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    return { ...caller, method, uri, body: raw };
}

const rules = (d: Decision) => (d.allow ? [] : d.findings.map((f) => f.rule));
const messages = (d: Decision) => (d.allow ? "" : d.findings.map((f) => f.message).join("\n"));
const judge = (r: AuthZRequest, s: Partial<GuardSettings> = {}) => decide(r, { ...DEFAULT_SETTINGS, ...s });

const untrustedHyperv = { Image: "x", Labels: { [TRUST]: "untrusted" }, HostConfig: { Isolation: "hyperv" } };

describe("containers/create", () => {
    test("untrusted + process: untrusted-requires-hyperv, naming the field", () => {
        const d = judge(req("POST", "/v1.44/containers/create", { Image: "x", HostConfig: { Isolation: "process" } }));
        expect(rules(d)).toEqual(["untrusted-requires-hyperv"]);
        expect(messages(d)).toMatch(/requires HostConfig.Isolation 'hyperv', got 'process'/);
    });
    test("untrusted + hyperv passes; 'HyperV' is Hyper-V to Docker", () => {
        expect(judge(req("POST", "/containers/create", untrustedHyperv))).toEqual({ allow: true });
        expect(judge(req("POST", "/containers/create", { ...untrustedHyperv, HostConfig: { Isolation: "HyperV" } }))).toEqual({ allow: true });
    });
    test("isolation unset: refused unless the settings state the daemon default", () => {
        const body = { Image: "x", HostConfig: {} };
        expect(messages(judge(req("POST", "/containers/create", body)))).toMatch(/is not set/);
        expect(judge(req("POST", "/containers/create", body), { daemonDefaultIsolation: "hyperv" })).toEqual({ allow: true });
        expect(judge(req("POST", "/containers/create", { Image: "x", HostConfig: { Isolation: "default" } }), { daemonDefaultIsolation: "hyperv" })).toEqual({ allow: true });
        expect(messages(judge(req("POST", "/containers/create", body), { daemonDefaultIsolation: "process" }))).toMatch(/daemon default, which the guard's settings state is 'process'/);
    });
    test("host access on an untrusted create: the engine pipe, a host bind, a device, privileged, host network", () => {
        const d = judge(req("POST", "/containers/create", {
            ...untrustedHyperv,
            HostConfig: {
                Isolation: "hyperv",
                Binds: ["\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine", "C:\\ProgramData\\docker:C:\\d:ro", "data:C:\\data"],
                Mounts: [{ Type: "npipe", Source: "\\\\.\\pipe\\docker_engine", Target: "\\\\.\\pipe\\docker_engine" }, { Type: "volume", Source: "cache", Target: "C:\\cache" }],
                Devices: [{ PathOnHost: "class/5B45201D-F2F2-4F3B-85BB-30FF1F953599", PathInContainer: "" }],
                Privileged: true,
                CapAdd: ["SYS_ADMIN"],
                NetworkMode: "host",
            },
        }));
        expect(rules(d).every((r) => r === "untrusted-no-host-access")).toBe(true);
        const m = messages(d);
        expect(m).toMatch(/HostConfig.Binds\[0\].volumeName "\\\\\\\\.\\\\pipe\\\\docker_engine"/);
        expect(m).toMatch(/HostConfig.Binds\[1\].volumeName "C:\\\\ProgramData\\\\docker"/);
        expect(m).not.toMatch(/Binds\[2\]/);
        expect(m).toMatch(/HostConfig.Mounts\[0\] type "npipe"/);
        expect(m).not.toMatch(/Mounts\[1\]/);
        expect(m).toMatch(/HostConfig.Devices\[0\].hostPath/);
        expect(m).toMatch(/HostConfig.Privileged true/);
        expect(m).toMatch(/HostConfig.CapAdd \["SYS_ADMIN"\]/);
        expect(m).toMatch(/HostConfig.NetworkMode "host"/);
        expect(d.allow ? 0 : d.findings.length).toBe(7);
    });
    test("host-config fields at the top level (read by Linux daemons without HostConfig) are judged too", () => {
        const d = judge(req("POST", "/containers/create", { Image: "x", Labels: { [TRUST]: "untrusted" }, Isolation: "process", Binds: ["/var/run/docker.sock:/s"] }));
        expect(messages(d)).toMatch(/requires Isolation 'hyperv', got 'process'/);
        expect(messages(d)).toMatch(/Binds\[0\].volumeName "\/var\/run\/docker.sock"/);
    });
    test("trusted label from an identity the settings do not name: trusted-identity", () => {
        const body = { Image: "x", Labels: { [TRUST]: "trusted" }, HostConfig: { Isolation: "process" } };
        const d = judge(req("POST", "/containers/create", body, tls("ci-job")), { trustedIdentities: ["ops"] });
        expect(rules(d)).toEqual(["trusted-identity"]);
        expect(messages(d)).toMatch(/client identity 'ci-job' \(TLS\) may not create workloads labelled windows-isolation.trust=trusted/);
        expect(judge(req("POST", "/containers/create", body, tls("ops")), { trustedIdentities: ["ops"] })).toEqual({ allow: true });
        // Locally (no TLS) only with localTrusted; a TLS caller named like nothing is never local.
        expect(rules(judge(req("POST", "/containers/create", body, local), { trustedIdentities: ["ops"] }))).toEqual(["trusted-identity"]);
        expect(judge(req("POST", "/containers/create", body, local), { localTrusted: true })).toEqual({ allow: true });
        expect(rules(judge(req("POST", "/containers/create", body, tls("")), { localTrusted: true }))).toEqual(["trusted-identity"]);
    });
    test("a trust label that is no level counts as untrusted and is named", () => {
        const d = judge(req("POST", "/containers/create", { Image: "x", Labels: { [TRUST]: "mostly" }, HostConfig: { Isolation: "hyperv" } }));
        expect(rules(d)).toEqual(["untrusted-requires-hyperv"]);
        expect(messages(d)).toMatch(/trust 'mostly' is not a trust level/);
    });
});

describe("containers/create: gMSA and volumes-from", () => {
    test("a credentialspec security option is refused for untrusted work, other options pass", () => {
        const d = judge(req("POST", "/containers/create", { ...untrustedHyperv, HostConfig: { Isolation: "hyperv", SecurityOpt: ["no-new-privileges", "CredentialSpec=file://webapp01.json"] } }));
        expect(rules(d)).toEqual(["untrusted-no-host-access"]);
        expect(messages(d)).toMatch(/^HostConfig.SecurityOpt\[1\] sets a credentialspec/);
        expect(judge(req("POST", "/containers/create", { ...untrustedHyperv, HostConfig: { Isolation: "hyperv", SecurityOpt: ["no-new-privileges"] } }))).toEqual({ allow: true });
    });
    test("VolumesFrom: one finding per container named, as the policy reports each volumes[i].fromContainer", () => {
        const d = judge(req("POST", "/containers/create", { ...untrustedHyperv, HostConfig: { Isolation: "hyperv", VolumesFrom: ["a", "", "b:ro"] } }));
        expect(messages(d).split("\n").map((m) => m.split(" ")[0])).toEqual(["HostConfig.VolumesFrom[0]", "HostConfig.VolumesFrom[2]"]);
    });
});

describe("field names as the daemon's Go decoder matches them (case-insensitive, with its folds)", () => {
    const hyperv = { daemonDefaultIsolation: "hyperv" as const };
    test.each([
        ["lower-case keys", { image: "x", hostconfig: { isolation: "process" } }, /HostConfig.Isolation 'hyperv', got 'process'/],
        ["upper-case keys", { IMAGE: "x", HOSTCONFIG: { ISOLATION: "process" } }, /got 'process'/],
        ["a long s (U+017F) in Isolation", { Image: "x", HostConfig: { "Iſolation": "process" } }, /got 'process'/],
        ["mount fields in other cases", { Image: "x", HostConfig: { Isolation: "hyperv", Mounts: [{ TYPE: "npipe", source: "\\\\.\\pipe\\docker_engine", Target: "x" }] } }, /type "npipe"/],
        ["a Kelvin sign (U+212A) in NetworkMode", { Image: "x", HostConfig: { Isolation: "hyperv", "Networ\u212aMode": "host" } }, /NetworkMode "host"/],
        ["lower-case binds", { Image: "x", HostConfig: { Isolation: "hyperv", binds: ["C:\\:C:\\h"] } }, /Binds\[0\]/],
    ])("%s cannot hide a field, even where the daemon default is hyperv", (_, body, why) => {
        const d = judge(req("POST", "/containers/create", body), hyperv);
        expect(d.allow).toBe(false);
        expect(messages(d)).toMatch(why);
    });
    test("two keys that are one field to Go are refused, not guessed", () => {
        const d = judge(req("POST", "/containers/create", { Image: "x", HostConfig: { Isolation: "hyperv", isolation: "process" } }), hyperv);
        expect(rules(d)).toEqual(["guard-unreadable-request"]);
        expect(messages(d)).toMatch(/keys "Isolation" and "isolation" are one field \(Isolation\) to the daemon/);
    });
    test("a key given twice (the daemon merges both into one struct) is refused", () => {
        const body = '{"Image":"x","HostConfig":{"Isolation":"process"},"HostConfig":{"Binds":[]}}';
        const d = judge(req("POST", "/containers/create", body), hyperv);
        expect(rules(d)).toEqual(["guard-unreadable-request"]);
        expect(messages(d)).toMatch(/the key "HostConfig" twice in one object/);
        // The same key in different objects, in lists, and in strings is no duplicate.
        expect(judge(req("POST", "/containers/create", '{"Image":"x","Labels":{"a":"{\\"a\\":1,\\"a\\":2}"},"HostConfig":{"Isolation":"hyperv","Mounts":[{"Type":"volume","Source":"aa"},{"Type":"volume","Source":"bb"}]}}'))).toEqual({ allow: true });
    });
    test("service specs too", () => {
        const d = judge(req("POST", "/services/create", { taskTemplate: { containerspec: { Image: "x", ISOLATION: "process" } } }), hyperv);
        expect(messages(d)).toMatch(/TaskTemplate.ContainerSpec.Isolation 'hyperv', got 'process'/);
    });
});

describe("fail closed", () => {
    test.each([
        ["no body (Content-Length 0, CVE-2024-41110)", undefined, /without a body/],
        ["an empty body", "", /without a body/],
        ["a body that is not JSON", "{not json", /not JSON/],
        ["a body that is a list", "[]", /the body is a list, not an object/],
        ["HostConfig that is a string", { HostConfig: "x" }, /HostConfig is string, not an object/],
        ["labels that are a list", { Labels: ["a"], HostConfig: { Isolation: "hyperv" } }, /Labels \["a"\] is not a label map/],
    ])("containers/create with %s is refused", (_, body, why) => {
        const d = judge(req("POST", "/containers/create", body));
        expect(rules(d)).toEqual(["guard-unreadable-request"]);
        expect(messages(d)).toMatch(why);
    });
    test("a body over the daemon's forward limit is refused", () => {
        const d = judge(req("POST", "/services/create", `{"Name":"${"a".repeat(4 * 1024 * 1024)}"}`));
        expect(messages(d)).toMatch(/over the 4194304 bytes the guard judges/);
    });
    test("a service update without a body is refused", () => {
        expect(rules(judge(req("POST", "/v1.41/services/abc/update?version=3")))).toEqual(["guard-unreadable-request"]);
    });
    test("a path that cannot be decoded is refused", () => {
        expect(messages(judge(req("POST", "/containers/%E0%A4%A/create", untrustedHyperv)))).toMatch(/cannot be decoded/);
    });
    test("unknown endpoints that may start something are refused; BuildKit's /grpc and /session too", () => {
        for (const p of ["/grpc", "/session", "/containers/x/frobnicate", "/v1.99/newthing/run"]) expect(rules(judge(req("POST", p)))).toEqual(["guard-unreadable-request"]);
        expect(rules(judge(req("PATCH", "/containers/x")))).toEqual(["guard-unreadable-request"]);
    });
    test("an error inside the guard is a refusal naming guard-error", () => {
        const explode = new Proxy(DEFAULT_SETTINGS, { get: () => { throw new Error("boom"); } });
        const d = decide(req("POST", "/containers/create", { Image: "x", Labels: { [TRUST]: "trusted" } }), explode);
        expect(rules(d)).toEqual(["guard-error"]);
        expect(messages(d)).toMatch(/the guard failed while judging POST \/containers\/create \(boom\), so it refuses the request/);
    });
});

describe("path variants address the same endpoint", () => {
    test.each(["/containers/create", "/v1.44/containers/create", "/V1.41/CONTAINERS/Create", "//containers//create/", "/containers%2Fcreate", "/v1.41/./containers/x/../create?name=a", "/%63ontainers/create"])("%s", (uri) => {
        expect(rules(judge(req("POST", uri, { Image: "x", HostConfig: { Isolation: "process" } })))).toEqual(["untrusted-requires-hyperv"]);
    });
});

describe("what passes unjudged", () => {
    test.each([
        ["GET", "/v1.44/containers/json"],
        ["GET", "/info"],
        ["POST", "/containers/abc/exec"],
        ["POST", "/exec/abc/start"],
        ["POST", "/v1.41/containers/abc/start"],
        ["POST", "/containers/abc/stop"],
        ["DELETE", "/containers/abc?force=true"],
        ["POST", "/images/create?fromImage=x"],
        ["POST", "/volumes/create"],
        ["POST", "/networks/create"],
        ["PUT", "/containers/abc/archive?path=/x"],
        ["POST", "/swarm/init"],
    ])("%s %s", (method, uri) => {
        expect(judge(req(method, uri))).toEqual({ allow: true });
    });
    test("a start with a host config, or at an API version before 1.24, is refused", () => {
        expect(judge(req("POST", "/containers/abc/start", "{}"))).toEqual({ allow: true });
        expect(rules(judge(req("POST", "/containers/abc/start", { Privileged: true })))).toEqual(["guard-unreadable-request"]);
        expect(rules(judge(req("POST", "/v1.23/containers/abc/start")))).toEqual(["guard-unreadable-request"]);
    });
});

describe("services", () => {
    const svc = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({ Name: "s", Labels: labels, TaskTemplate: { ContainerSpec: { Image: "x", ...spec } } });
    test("untrusted + process refused; untrusted + hyperv passes; trust from the container spec or the service", () => {
        expect(messages(judge(req("POST", "/services/create", svc({ Isolation: "process" }))))).toMatch(/TaskTemplate.ContainerSpec.Isolation 'hyperv', got 'process'/);
        expect(judge(req("POST", "/services/create", svc({ Isolation: "hyperv" })))).toEqual({ allow: true });
        expect(judge(req("POST", "/services/create", svc({ Isolation: "process", Labels: { [TRUST]: "trusted" } })), { localTrusted: true })).toEqual({ allow: true });
        // Labels that disagree mean untrusted (labelTrust.ts).
        expect(rules(judge(req("POST", "/services/create", svc({ Isolation: "process", Labels: { [TRUST]: "trusted" } }, { [TRUST]: "untrusted" })), { localTrusted: true }))).toEqual(["untrusted-requires-hyperv"]);
    });
    test("an update is judged like a create; rollback=previous is refused", () => {
        expect(rules(judge(req("POST", "/v1.44/services/abc/update?version=9", svc({ Isolation: "process" }))))).toEqual(["untrusted-requires-hyperv"]);
        expect(messages(judge(req("POST", "/services/abc/update?version=9&rollback=previous", svc({ Isolation: "hyperv" }))))).toMatch(/rollback=previous/);
    });
    test("mounts, capabilities and the host network on an untrusted service", () => {
        const d = judge(req("POST", "/services/create", {
            TaskTemplate: {
                ContainerSpec: { Image: "x", Isolation: "hyperv", Mounts: [{ Type: "bind", Source: "C:\\", Target: "C:\\h" }], CapabilityAdd: ["CAP_NET_ADMIN"] },
                Networks: [{ Target: "host" }],
            },
        }));
        expect(rules(d)).toEqual(["untrusted-no-host-access", "untrusted-no-host-access", "untrusted-no-host-access"]);
    });
    test("a gMSA credential spec and a host-mode port on an untrusted service: refused, naming each field; ingress and an empty spec pass", () => {
        const body = {
            TaskTemplate: { ContainerSpec: { Image: "x", Isolation: "hyperv", Privileges: { CredentialSpec: { File: "webapp01.json" } } } },
            EndpointSpec: { Ports: [{ TargetPort: 80, PublishMode: "ingress" }, { TargetPort: 443, PublishMode: "host" }] },
        };
        const d = judge(req("POST", "/services/create", body));
        expect(rules(d)).toEqual(["untrusted-no-host-access", "untrusted-no-host-access"]);
        expect(messages(d)).toMatch(/^TaskTemplate.ContainerSpec.Privileges.CredentialSpec is set: the workload acts on the network as the host's group managed service account/m);
        expect(messages(d)).toMatch(/^EndpointSpec.Ports\[1\].publishMode 'host' binds the port on the host's own interfaces/m);
        expect(judge(req("POST", "/services/create", { ...body, TaskTemplate: { ContainerSpec: { Image: "x", Isolation: "hyperv", Privileges: { CredentialSpec: { File: "" } } } }, EndpointSpec: { Ports: [{ TargetPort: 80 }] } }))).toEqual({ allow: true });
        // The same service from a trusted label and a trusted caller: trusted work may use the host's identity.
        expect(judge(req("POST", "/services/create", { ...body, Labels: { [TRUST]: "trusted" } }), { localTrusted: true })).toEqual({ allow: true });
    });
    test("a service without a container spec, or a plugin service, is refused", () => {
        expect(messages(judge(req("POST", "/services/create", { TaskTemplate: {} })))).toMatch(/has no TaskTemplate.ContainerSpec/);
        expect(rules(judge(req("POST", "/services/create", { TaskTemplate: { Runtime: "plugin", PluginSpec: { Name: "p" } } })))).toEqual(["guard-not-allowed"]);
    });
});

describe("builds, plugins, swarm join", () => {
    test("a build is judged from its isolation and labels query parameters", () => {
        expect(messages(judge(req("POST", "/v1.41/build?t=x&isolation=process")))).toMatch(/requires isolation 'hyperv', got 'process'/);
        expect(judge(req("POST", "/build?isolation=hyperv"))).toEqual({ allow: true });
        const labels = encodeURIComponent(JSON.stringify({ [TRUST]: "trusted" }));
        expect(rules(judge(req("POST", `/build?isolation=process&labels=${labels}`)))).toEqual(["trusted-identity"]);
        expect(judge(req("POST", `/build?isolation=process&labels=${labels}`), { localTrusted: true })).toEqual({ allow: true });
        expect(rules(judge(req("POST", "/build?isolation=hyperv&labels=%7Bnot")))).toEqual(["guard-unreadable-request"]);
    });
    test("plugin installs and swarm joins are refused unless the settings allow them", () => {
        for (const p of ["/plugins/pull?remote=x", "/plugins/create?name=x", "/plugins/x/upgrade", "/plugins/vieux/sshfs/set"]) {
            expect(rules(judge(req("POST", p)))).toEqual(["guard-not-allowed"]);
            expect(judge(req("POST", p), { allowPluginInstall: true })).toEqual({ allow: true });
        }
        expect(rules(judge(req("POST", "/swarm/join", { RemoteAddrs: ["m:2377"] })))).toEqual(["guard-not-allowed"]);
        expect(judge(req("POST", "/swarm/join", {}), { allowSwarmJoin: true })).toEqual({ allow: true });
    });
    test("allowLocalSwarmJoin (a pool node's bootstrap): the local pipe may join, a client certificate may not, whatever name it has", () => {
        const join = { RemoteAddrs: ["10.40.0.10:2377"] };
        expect(judge(req("POST", "/v1.44/swarm/join", join, local), { allowLocalSwarmJoin: true })).toEqual({ allow: true });
        for (const caller of [tls("windows-isolation-ci"), tls("windows-isolation-deployer"), tls("")]) {
            const refused = judge(req("POST", "/v1.44/swarm/join", join, caller), { allowLocalSwarmJoin: true });
            expect(rules(refused)).toEqual(["guard-not-allowed"]);
            expect(messages(refused)).toMatch(/allowLocalSwarmJoin admits local callers only/);
        }
        // Off by default, for local callers too.
        expect(rules(judge(req("POST", "/swarm/join", join, local)))).toEqual(["guard-not-allowed"]);
    });
});
