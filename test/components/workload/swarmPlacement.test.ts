import { installMocks } from "../../helpers/pulumiMocks";

const engine = installMocks();

import fc from "fast-check";
import { ExistingDockerHost, validateWindowsContainer, WindowsContainer } from "../../../components";
import { PublishedPortRegistry } from "../../../components/host/host";
import { imageBuilds, isolationSupport, nodeLabels, nodeMatchesConstraints, PoolNode } from "../../../rules";
import { validateExistingDockerHostArgs } from "../../../components/host/existingDockerHost";

const tls = { caPem: "ca-pem", certPem: "cert-pem", keyPem: "key-pem" };
const mixed: PoolNode[] = [
    { name: "win-0", osBuild: 20348, hypervCapable: true },
    { name: "win-1", osBuild: 26100, hypervCapable: true },
    { name: "win-2", osBuild: 26100, hypervCapable: false },
];

function swarm(name: string, swarmNodes: PoolNode[] = mixed) {
    return new ExistingDockerHost(name, { endpoint: "tcp://10.1.2.3:2376", osBuild: 20348, hypervCapable: true, cpuCount: 4, ...tls, swarmNodes });
}

async function constraintsOf(resourceName: string) {
    await engine.settle();
    const service = engine.ofType("docker:index/service:Service").find((s) => s.name === resourceName)!;
    return service.inputs.taskSpec.placement;
}

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
});

describe("WindowsContainer on a swarm of several nodes (ExistingDockerHost swarmNodes)", () => {
    test("an untrusted ltsc2025 job: hyperv, and only on Hyper-V nodes at 26100", async () => {
        const h = swarm("pool-a");
        const job = new WindowsContainer("job", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2025" });
        expect(job.isolation).toBe("hyperv");
        expect(await constraintsOf("job-service")).toEqual({
            constraints: ["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true", "node.labels.windows-isolation.os-build!=20348"],
            platforms: [{ os: "windows", architecture: "amd64" }],
        });
        // The manager (osBuild 20348) alone could not run it: the decision is the pool's.
        expect(job.isolationReason).toMatch(/\(pool nodes win-1\)$/);
    });

    test("a trusted ltsc2019 app gets the cheapest mode some node can run: hyperv on every Hyper-V node", async () => {
        const app = new WindowsContainer("legacy", { host: swarm("pool-b"), image: "mcr.microsoft.com/windows/servercore:ltsc2019", trust: "trusted" });
        expect(app.isolation).toBe("hyperv");
        expect((await constraintsOf("legacy-service")).constraints).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    });

    test("a trusted ltsc2022 app runs in process isolation on every node", async () => {
        const app = new WindowsContainer("web", { host: swarm("pool-c"), image: "mcr.microsoft.com/windows/servercore:ltsc2022", trust: "trusted" });
        expect(app.isolation).toBe("process");
        expect((await constraintsOf("web-service")).constraints).toEqual(["node.platform.os==windows"]);
    });

    test("a single host (no swarmNodes) keeps exactly the platform constraint", async () => {
        const h = new ExistingDockerHost("single", { endpoint: "tcp://10.1.2.3:2376", osBuild: 20348, hypervCapable: true, ...tls });
        expect(h.swarmNodes()).toBeUndefined();
        new WindowsContainer("one", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022" });
        expect((await constraintsOf("one-service")).constraints).toEqual(["node.platform.os==windows"]);
    });

    test("a workload no node can run is an error before any resource, naming its needs and the nodes", async () => {
        const h = swarm("pool-d", [mixed[0], mixed[2]]);
        await engine.settle();
        engine.resources.length = 0;
        expect(() => new WindowsContainer("nope", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2025", isolation: "hyperv", trust: "trusted" })).toThrow(
            /WindowsContainer 'nope': no node of the pool can run this workload \(win-0: image build 26100 \(ltsc2025\) is newer than host build 20348 \(ltsc2022\).* \| win-2: isolation 'hyperv' needs a Hyper-V capable host/,
        );
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service")).toHaveLength(0);
    });

    test("untrusted + process is refused on a pool exactly as on one host", () => {
        expect(() => new WindowsContainer("bad", { host: swarm("pool-e"), image: "mcr.microsoft.com/windows/servercore:ltsc2022", isolation: "process" })).toThrow(
            "WindowsContainer 'bad': trust 'untrusted' requires isolation 'hyperv', got 'process'; set isolation: 'hyperv' (or leave it out), or declare the workload trust: 'trusted' if it really is",
        );
    });

    test("the swarm nodes are plain component inputs policies can read", async () => {
        swarm("pool-f");
        await engine.settle();
        const h = engine.ofType("windows-isolation:index:ExistingDockerHost").find((r) => r.name === "pool-f")!;
        expect(h.inputs.swarmNodes).toEqual(mixed);
    });
});

describe("swarmNodes validation", () => {
    const base = { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true };
    test.each([
        [[], /swarmNodes must list at least one node/],
        [[{ name: "a", osBuild: 20348, hypervCapable: true }, { name: "a", osBuild: 26100, hypervCapable: true }], /swarmNodes lists 'a' twice/],
        [[{ name: "", osBuild: 20348, hypervCapable: true }], /needs a name/],
        [[{ name: "old", osBuild: 14393, hypervCapable: true }], /swarmNodes 'old' has osBuild 14393, not a known Windows build current Docker engines run on/],
        [[{ name: "x", osBuild: 20348, hypervCapable: "yes" }], /swarmNodes 'x' has hypervCapable "yes"; use true or false/],
    ])("%j is refused", (swarmNodes, message) => {
        expect(validateExistingDockerHostArgs({ ...base, swarmNodes: swarmNodes as never }).join("; ")).toMatch(message);
        expect(() => new ExistingDockerHost("bad-pool", { ...base, swarmNodes: swarmNodes as never })).toThrow(message);
    });
});

describe("property: a WindowsContainer on a pool is placed exactly on the nodes able to run it", () => {
    const hostBuild = fc.constantFrom(17763, 20348, 22621, 26100);
    const pool = fc.array(fc.record({ osBuild: hostBuild, hypervCapable: fc.boolean() }), { minLength: 1, maxLength: 6 })
        .map((ns) => ns.map((n, i): PoolNode => ({ name: `n${i}`, ...n })));
    test("for every trust, requested mode, image build and pool", () => {
        fc.assert(
            fc.property(pool, fc.constantFrom("trusted" as const, "untrusted" as const), fc.constantFrom(undefined, "process" as const, "hyperv" as const), fc.constantFrom(...imageBuilds()), (nodes, trust, isolation, imageBuild) => {
                const v = validateWindowsContainer("w", {
                    image: "contoso/app:1.0",
                    imageOsBuild: imageBuild,
                    trust,
                    isolation,
                    host: { hostName: "pool", osBuild: 20348, hypervCapable: true, publishedPorts: new PublishedPortRegistry(), nodes },
                });
                const able = (mode: "process" | "hyperv") => nodes.filter((n) => (mode === "process" || n.hypervCapable) && isolationSupport(n.osBuild, imageBuild)[mode].supported);
                if (!v.ok) {
                    // Refused only when no node can run any mode the trust and request allow.
                    const modes = trust === "untrusted" ? (isolation === "process" ? [] : ["hyperv" as const]) : isolation ? [isolation] : ["process" as const, "hyperv" as const];
                    expect(modes.every((m) => able(m).length === 0)).toBe(true);
                    return;
                }
                const mode = v.plan.decision.isolation;
                if (trust === "untrusted") expect(mode).toBe("hyperv");
                if (isolation) expect(mode).toBe(isolation);
                if (trust === "trusted" && !isolation && able("process").length > 0) expect(mode).toBe("process");
                for (const n of nodes) {
                    expect(nodeMatchesConstraints({ platformOs: "windows", labels: nodeLabels(n) }, v.plan.constraints)).toBe(able(mode).includes(n));
                }
            }),
            { numRuns: 1500 },
        );
    });
});

describe("capacity of a swarm whose nodes declare cpuCount and memoryMb", () => {
    const sized: PoolNode[] = [
        { name: "win-0", osBuild: 20348, hypervCapable: true, cpuCount: 4, memoryMb: 16384 },
        { name: "win-1", osBuild: 26100, hypervCapable: true, cpuCount: 4, memoryMb: 16384 },
    ];
    const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
    const sizedSwarm = (name: string, extra: object = {}) =>
        new ExistingDockerHost(name, { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true, swarmNodes: sized, ...extra });

    test("workloads add up across the host; the one that over-commits is refused before its service", async () => {
        const h = sizedSwarm("cap-a");
        // 10 x (2048 + 1024 utility VM allowance) = 30720 MiB of 32768.
        new WindowsContainer("first", { host: h, image, memoryMb: 2048, cpus: 0.5, replicas: 10 });
        expect(h.swarmCapacity()!.demands).toEqual([{ name: "first", isolation: "hyperv", replicas: 10, memoryMb: 2048, cpus: 0.5, nodes: ["win-0", "win-1"] }]);
        expect(() => new WindowsContainer("second", { host: h, image, trust: "trusted", memoryMb: 4096 })).toThrow(
            "WindowsContainer 'second': capacity of host 'cap-a': workloads declare 34816 MiB and 5 CPUs in total (Hyper-V replicas with 1024 MiB utility VM allowance each), the pool has 32768 MiB and 8 vCPUs; add nodes, lower the declared resources, or set allowOvercommit: true",
        );
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service").filter((s) => s.name.startsWith("second"))).toHaveLength(0);
        expect(h.swarmCapacity()!.demands.map((d) => d.name)).toEqual(["first"]);
    });

    test("allowOvercommit lets the totals exceed the nodes; hypervOverheadMb changes the allowance", () => {
        const h = sizedSwarm("cap-b", { allowOvercommit: true });
        new WindowsContainer("big", { host: h, image, memoryMb: 2048, replicas: 20 });
        const lean = sizedSwarm("cap-c", { hypervOverheadMb: 0 });
        new WindowsContainer("fits", { host: lean, image, memoryMb: 2048, replicas: 16 });
        expect(() => new WindowsContainer("more", { host: lean, image, memoryMb: 2048 })).toThrow(/workloads declare 34816 MiB .*with 0 MiB utility VM allowance each/);
    });

    test("a replica larger than every node it may run on is refused even with allowOvercommit", () => {
        const h = sizedSwarm("cap-d", { allowOvercommit: true });
        expect(() => new WindowsContainer("fat", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2025", memoryMb: 16000 })).toThrow(
            "WindowsContainer 'fat': capacity of host 'cap-d': workload 'fat' needs 17024 MiB per replica (incl. 1024 MiB utility VM allowance), more than any node that may run it has (16384 MiB); lower memoryMb or add a larger node",
        );
    });

    test("nodes without declared capacity skip the check (nothing is guessed)", () => {
        const h = swarm("cap-e");
        new WindowsContainer("huge", { host: h, image, memoryMb: 1_000_000, replicas: 50 });
        expect(h.swarmCapacity()!.demands).toEqual([]);
    });

    test.each([
        [{ swarmNodes: [{ ...sized[0] }, { name: "win-1", osBuild: 26100, hypervCapable: true }] }, /declare cpuCount\/memoryMb on some nodes only/],
        [{ swarmNodes: [{ ...sized[0], memoryMb: 0 }] }, /swarmNodes 'win-0' has memoryMb 0; use a whole number >= 1/],
        [{ swarmNodes: sized, hypervOverheadMb: -5 }, /hypervOverheadMb -5 must be a number of MiB >= 0/],
        [{ allowOvercommit: true }, /allowOvercommit and hypervOverheadMb apply to the capacity check of swarmNodes/],
    ])("bad capacity arguments %j", (extra, message) => {
        expect(() => new ExistingDockerHost("cap-bad", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true, ...extra })).toThrow(message);
    });
});

describe("rolling updates", () => {
    test("overrides replace single defaults; the rollback keeps the pacing and pauses on failure", async () => {
        new WindowsContainer("ru", { host: swarm("ru-pool"), image: "mcr.microsoft.com/windows/servercore:ltsc2022", rollingUpdate: { parallelism: 2, delay: "1m", failureAction: "pause" } });
        await engine.settle();
        const s = engine.ofType("docker:index/service:Service").find((r) => r.name === "ru-service")!;
        expect(s.inputs.updateConfig).toEqual({ parallelism: 2, delay: "1m", monitor: "30s", failureAction: "pause", order: "stop-first" });
        expect(s.inputs.rollbackConfig).toEqual({ parallelism: 2, delay: "1m", monitor: "30s", failureAction: "pause", order: "stop-first" });
    });

    test.each([
        [{ parallelism: 0 }, /rollingUpdate.parallelism 0 must be a whole number >= 1/],
        [{ delay: "10 seconds" }, /rollingUpdate.delay "10 seconds" must be a duration like "10s"/],
        [{ monitor: 30 as never }, /rollingUpdate.monitor 30 must be a duration/],
        [{ failureAction: "retry" }, /rollingUpdate.failureAction "retry" must be 'rollback', 'pause' or 'continue'/],
    ])("bad rollingUpdate %j is refused before the service", (rollingUpdate, message) => {
        expect(() => new WindowsContainer("ru-bad", { host: swarm("ru-bad-pool"), image: "mcr.microsoft.com/windows/servercore:ltsc2022", rollingUpdate })).toThrow(message);
    });
});
