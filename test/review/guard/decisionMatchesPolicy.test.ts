/**
 * Property: for generated workloads, the guard's decision on the Docker API body equals the policy
 * pack's verdict on the same workload written as a Pulumi resource, host privileges, gMSA
 * credential specs and host-mode ports included. Two ways: the policies' own
 * functions on many specs (fast-check), and one batch of generated specs through the real pack
 * over gRPC (the pack as the CLI starts it). Settings: no stated daemon default, and the caller
 * may create trusted work (the pack has no notion of a caller).
 */
import * as fc from "fast-check";
import { untrustedNoHostAccessProblems } from "../../../policy/untrustedNoHostAccess";
import { untrustedRequiresHypervProblems } from "../../../policy/untrustedRequiresHyperv";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE } from "../../../policy/types";
import { decide } from "../../../review/guard/decide";
import { DEFAULT_SETTINGS } from "../../../review/guard/settings";
import { findingsOf, resource, usePack } from "../../helpers/policyPack";

const TRUST = "windows-isolation.trust";
const settings = { ...DEFAULT_SETTINGS, localTrusted: true };

const trustValue = fc.constantFrom(undefined, "trusted", "untrusted", "maybe");
const isolation = fc.constantFrom(undefined, "hyperv", "HyperV", "process", "PROCESS", "default", "", "bogus");
const mountType = fc.constantFrom("volume", "tmpfs", "bind", "npipe", "BIND", "Volume", "cluster");
const source = fc.constantFrom("data", "cache_1", "C:\\data", "\\\\.\\pipe\\docker_engine", "", "/var/run/docker.sock", "-x");
const mounts = fc.option(fc.array(fc.record({ type: mountType, source, target: fc.constant("C:\\m") }), { maxLength: 3 }), { nil: undefined });

const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const capAdds = optional(fc.constantFrom<string[]>([], ["NET_ADMIN"], ["SYS_ADMIN", "NET_RAW"]));
const namespaceMode = optional(fc.constantFrom("", "nat", "private", "host", "HOST", "container:db"));

interface Spec {
    readonly specTrust?: string;
    readonly serviceTrust?: string;
    readonly isolation?: string;
    readonly mounts?: readonly { type: string; source: string; target: string }[];
    readonly credentialSpec?: { file?: string; registry?: string };
    readonly ports?: readonly { targetPort: number; publishMode?: string }[];
    readonly capAdds?: string[];
    readonly networks?: readonly string[];
}
const serviceSpec: fc.Arbitrary<Spec> = fc.record({
    specTrust: trustValue,
    serviceTrust: trustValue,
    isolation,
    mounts,
    credentialSpec: optional(fc.constantFrom({ file: "webapp01.json" }, { registry: "webapp01" }, { file: "" }, {})),
    ports: optional(fc.array(fc.record({ targetPort: fc.constant(443), publishMode: optional(fc.constantFrom("ingress", "host", "HOST")) }), { maxLength: 2 })),
    capAdds,
    networks: optional(fc.array(fc.constantFrom("overlay1", "host", "nat"), { maxLength: 2 })),
});

const list = (t: string | undefined) => (t === undefined ? undefined : [{ label: TRUST, value: t }]);
const map = (t: string | undefined) => (t === undefined ? undefined : { [TRUST]: t });

/** The docker.Service a Pulumi program declares. */
function serviceProps(s: Spec): Record<string, unknown> {
    return {
        name: "svc",
        labels: list(s.serviceTrust),
        taskSpec: {
            containerSpec: { image: "x", isolation: s.isolation, labels: list(s.specTrust), mounts: s.mounts, privileges: s.credentialSpec && { credentialSpec: s.credentialSpec }, capAdds: s.capAdds },
            networksAdvanceds: s.networks?.map((name) => ({ name })),
        },
        endpointSpec: s.ports && { ports: s.ports },
    };
}

/** The same service as the provider sends it to the Engine API. */
function serviceBody(s: Spec): unknown {
    return {
        Name: "svc",
        Labels: map(s.serviceTrust),
        TaskTemplate: {
            ContainerSpec: {
                Image: "x",
                Isolation: s.isolation,
                Labels: map(s.specTrust),
                Mounts: s.mounts?.map((m) => ({ Type: m.type, Source: m.source, Target: m.target })),
                Privileges: s.credentialSpec && { CredentialSpec: { File: s.credentialSpec.file, Registry: s.credentialSpec.registry } },
                CapabilityAdd: s.capAdds,
            },
            Networks: s.networks?.map((Target) => ({ Target })),
        },
        EndpointSpec: s.ports && { Ports: s.ports.map((p) => ({ TargetPort: p.targetPort, PublishMode: p.publishMode })) },
    };
}

interface ContainerSpec {
    readonly trust?: string;
    readonly mounts?: readonly { type: string; source: string; target: string }[];
    readonly volumes?: readonly { hostPath?: string; volumeName?: string; fromContainer?: string; containerPath?: string }[];
    readonly devices?: readonly { hostPath: string; containerPath: string }[];
    readonly securityOpts?: readonly string[];
    readonly privileged?: boolean;
    readonly capAdds?: string[];
    readonly networkMode?: string;
    readonly pidMode?: string;
    readonly ipcMode?: string;
    readonly usernsMode?: string;
    readonly cgroupnsMode?: string;
}
const volume = fc.oneof(
    fc.record({ hostPath: fc.constantFrom("C:\\data", "\\\\.\\pipe\\docker_engine", "/srv/x"), containerPath: fc.constant("C:\\v") }),
    fc.record({ volumeName: fc.constantFrom("data", "cache_1", "C:\\x", "-bad"), containerPath: fc.constant("C:\\v") }),
    fc.record({ fromContainer: fc.constantFrom("builder", "other_1") }),
);
const containerSpec: fc.Arbitrary<ContainerSpec> = fc.record({
    trust: trustValue,
    mounts,
    volumes: fc.option(fc.array(volume, { maxLength: 2 }), { nil: undefined }),
    devices: fc.option(fc.array(fc.record({ hostPath: fc.constant("class/5B45201D-F2F2-4F3B-85BB-30FF1F953599"), containerPath: fc.constant("") }), { maxLength: 1 }), { nil: undefined }),
    securityOpts: optional(fc.array(fc.constantFrom("credentialspec=file://webapp01.json", "CredentialSpec=registry://x", "isolation=hyperv", "no-new-privileges"), { maxLength: 2 })),
    privileged: optional(fc.boolean()),
    capAdds,
    networkMode: namespaceMode,
    pidMode: namespaceMode,
    ipcMode: namespaceMode,
    usernsMode: namespaceMode,
    cgroupnsMode: namespaceMode,
});

function containerProps(c: ContainerSpec): Record<string, unknown> {
    const { trust, capAdds: adds, ...inputs } = c;
    return { name: "ctr", image: "x", labels: list(trust), ...inputs, capabilities: adds && { adds } };
}

/** As the provider sends a docker.Container: volumes become `Binds` strings (no isolation field). */
function containerBody(c: ContainerSpec): unknown {
    return {
        Image: "x",
        Labels: map(c.trust),
        HostConfig: {
            Mounts: c.mounts?.map((m) => ({ Type: m.type, Source: m.source, Target: m.target })),
            Binds: c.volumes?.filter((v) => v.fromContainer === undefined).map((v) => `${v.hostPath ?? v.volumeName}:${v.containerPath}`),
            VolumesFrom: c.volumes?.filter((v) => v.fromContainer !== undefined).map((v) => v.fromContainer),
            Devices: c.devices?.map((d) => ({ PathOnHost: d.hostPath, PathInContainer: d.containerPath, CgroupPermissions: "rwm" })),
            SecurityOpt: c.securityOpts,
            Privileged: c.privileged,
            CapAdd: c.capAdds,
            NetworkMode: c.networkMode,
            PidMode: c.pidMode,
            IpcMode: c.ipcMode,
            UsernsMode: c.usernsMode,
            CgroupnsMode: c.cgroupnsMode,
        },
    };
}

const guard = (path: string, body: unknown) => decide({ user: "", authNMethod: "", method: "POST", uri: path, body: Buffer.from(JSON.stringify(body)) }, settings);
const ruleCount = (d: ReturnType<typeof guard>, rule: string) => (d.allow ? 0 : d.findings.filter((f) => f.rule === rule).length);

function policyProblems(type: string, props: Record<string, unknown>): { hyperv: number; host: number } {
    return { hyperv: untrustedRequiresHypervProblems(type, props)!.length, host: untrustedNoHostAccessProblems(type, props)!.length };
}

test("services: the guard refuses exactly what the policies report, finding for finding", () => {
    fc.assert(
        fc.property(serviceSpec, (s) => {
            const policy = policyProblems(DOCKER_SERVICE_TYPE, serviceProps(s));
            const d = guard("/v1.44/services/create", serviceBody(s));
            expect(d.allow).toBe(policy.hyperv + policy.host === 0);
            expect({ hyperv: ruleCount(d, "untrusted-requires-hyperv"), host: ruleCount(d, "untrusted-no-host-access") }).toEqual(policy);
        }),
        { numRuns: 400, seed: 22 },
    );
});

test("containers: the guard refuses exactly what the policies report (no isolation in the body: untrusted is refused)", () => {
    fc.assert(
        fc.property(containerSpec, (c) => {
            const policy = policyProblems(DOCKER_CONTAINER_TYPE, containerProps(c));
            const d = guard("/containers/create", containerBody(c));
            expect(d.allow).toBe(policy.hyperv + policy.host === 0);
            expect(ruleCount(d, "untrusted-no-host-access")).toBe(policy.host);
        }),
        { numRuns: 400, seed: 22 },
    );
});

describe("through the real policy pack", () => {
    const pack = usePack();
    test("one batch of generated services: the pack's mandatory findings and the guard's decision agree", async () => {
        const specs = fc.sample(serviceSpec, { numRuns: 60, seed: 2222 });
        const resources = specs.map((s, i) => resource(DOCKER_SERVICE_TYPE, `svc${i}`, serviceProps(s)));
        const e = await pack().run(resources);
        specs.forEach((s, i) => {
            const name = `svc${i}`;
            const reported = ["untrusted-requires-hyperv", "untrusted-no-host-access"].some((p) => findingsOf(e, p, resources).some(([n]) => n === name));
            expect({ name, allow: guard("/services/create", serviceBody(s)).allow }).toEqual({ name, allow: !reported });
        });
    });
});
