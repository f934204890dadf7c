import fc from "fast-check";
import {
    attest,
    ContainerFacts,
    declaredIsolation,
    effectiveIsolation,
    EngineFacts,
    engineDefaultIsolation,
    HostFacts,
    ISOLATION_LABEL,
    parseWindowsKernelBuild,
    TaskFacts,
    TRUST_LABEL,
    VERIFY_RULES,
    WORKLOAD_LABEL,
} from "../../../rules";

const windows = (defaultIsolation?: string): EngineFacts => ({
    osType: "windows",
    operatingSystem: "Windows Server 2022 Datacenter",
    kernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)",
    defaultIsolation,
    swarmState: "active",
    swarmNodeId: "node1",
    swarmManager: true,
});
const linux: EngineFacts = { osType: "linux", operatingSystem: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0", defaultIsolation: "" };

const labels = (trust?: string, isolation?: string, workload = "w"): Record<string, string> => ({
    [WORKLOAD_LABEL]: workload,
    ...(trust !== undefined ? { [TRUST_LABEL]: trust } : {}),
    ...(isolation !== undefined ? { [ISOLATION_LABEL]: isolation } : {}),
});
const container = (name: string, l: Record<string, string>, isolation?: string): ContainerFacts => ({ id: `id-${name}`, name, state: "running", labels: l, isolation });
const facts = (engine: EngineFacts, containers: ContainerFacts[], tasks: TaskFacts[] = []): HostFacts => ({ engine, containers, tasks });
const ruled = (f: HostFacts) => attest(f).findings.map((x) => `${x.ruleId} ${x.subject.name}`).sort();

describe("engine default isolation", () => {
    test.each([
        [windows("hyperv"), "hyperv"],
        [windows("process"), "process"],
        [windows(""), "unknown"],
        [windows("default"), "unknown"],
        [windows(undefined), "unknown"],
        [linux, "none"],
        [{ ...linux, defaultIsolation: "hyperv" }, "none"],
    ] as const)("%j -> %s", (engine, expected) => {
        expect(engineDefaultIsolation(engine)).toBe(expected);
    });

    test("the Windows build comes from KernelVersion", () => {
        expect(parseWindowsKernelBuild("10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)")).toBe(20348);
        expect(parseWindowsKernelBuild("10.0 17763 (17763.1.amd64fre.rs5_release.180914-1434)")).toBe(17763);
        expect(parseWindowsKernelBuild("6.18.44-fc-v595")).toBeUndefined();
        expect(parseWindowsKernelBuild(undefined)).toBeUndefined();
        expect(attest(facts(windows("hyperv"), [])).engine).toMatchObject({ osBuild: 20348, osBuildName: "20348 (ltsc2022)" });
        expect(attest(facts(linux, [])).engine.osBuild).toBeUndefined();
    });
});

describe("effective isolation", () => {
    test.each([
        ["hyperv", windows("process"), "hyperv", "container"],
        ["process", windows("hyperv"), "process", "container"],
        ["default", windows("hyperv"), "hyperv", "engine-default"],
        ["", windows("process"), "process", "engine-default"],
        [undefined, windows("hyperv"), "hyperv", "engine-default"],
        ["default", windows(""), "unknown", "engine-default"],
        ["HyperV", windows("hyperv"), "unknown", "unreadable"],
        ["", linux, "none", "not-windows"],
        ["default", linux, "none", "not-windows"],
        ["hyperv", linux, "none", "not-windows"],
    ] as const)("HostConfig.Isolation %j on %j", (reported, engine, effective, via) => {
        expect(effectiveIsolation(reported, engine)).toEqual({ effective, via });
    });
});

describe("declared isolation", () => {
    test("no label at all: unlabelled, untrusted, hyperv", () => {
        expect(declaredIsolation({ "com.example": "x" })).toEqual({ labelled: false, trust: "untrusted", isolation: "hyperv", workload: undefined, problems: [] });
    });
    test("a labelled workload without trust or isolation fails closed", () => {
        expect(declaredIsolation({ [WORKLOAD_LABEL]: "w" })).toMatchObject({ labelled: true, trust: "untrusted", isolation: "hyperv", workload: "w", problems: [] });
    });
    test("unreadable values are replaced by their fail-closed value and reported", () => {
        const d = declaredIsolation(labels("maybe", "default"));
        expect(d).toMatchObject({ trust: "untrusted", isolation: "hyperv" });
        expect(d.problems).toEqual([
            "windows-isolation.trust='maybe' is not 'trusted' or 'untrusted' (read as untrusted)",
            "windows-isolation.isolation='default' is not 'process' or 'hyperv' (read as hyperv)",
        ]);
    });
});

describe("attest", () => {
    test("a hardened Windows host running everything as declared is proven, with no finding", () => {
        const a = attest(facts(windows("hyperv"), [
            container("web", labels("trusted", "process"), "process"),
            container("job", labels("untrusted", "hyperv"), "hyperv"),
            container("legacy", labels("trusted", "hyperv"), "default"),
        ]));
        expect(a.findings).toEqual([]);
        expect(a.proven).toBe(true);
        expect(a.containers.map((c) => [c.name, c.effective, c.via, c.proven])).toEqual([
            ["web", "process", "container", true],
            ["job", "hyperv", "container", true],
            ["legacy", "hyperv", "engine-default", true],
        ]);
    });

    test("an engine defaulting to process is a finding even when every workload is fine", () => {
        const a = attest(facts(windows("process"), [container("job", labels("untrusted", "hyperv"), "hyperv")]));
        expect(a.findings.map((f) => f.ruleId)).toEqual(["engine-default-isolation"]);
        expect(a.findings[0].message).toContain("reports default isolation 'process'");
        expect(a.proven).toBe(false);
    });

    test("an untrusted workload that got the process default is a mismatch and critical", () => {
        expect(ruled(facts(windows("process"), [container("job", labels("untrusted", "hyperv"), "")]))).toEqual([
            "engine-default-isolation Windows Server 2022 Datacenter",
            "isolation-mismatch job",
            "untrusted-requires-hyperv job",
        ]);
    });

    test("untrusted declared process and running process: critical, but no mismatch", () => {
        expect(ruled(facts(windows("hyperv"), [container("job", labels("untrusted", "process"), "process")]))).toEqual(["untrusted-requires-hyperv job"]);
    });

    test("trusted declared process but running hyperv: a mismatch, not critical", () => {
        const a = attest(facts(windows("hyperv"), [container("web", labels("trusted", "process"), "hyperv")]));
        expect(a.findings.map((f) => f.ruleId)).toEqual(["isolation-mismatch"]);
        expect(a.findings[0].message).toBe("container web declares windows-isolation.isolation='process' but runs with 'hyperv' (HostConfig.Isolation 'hyperv')");
    });

    test("an unlabelled container is listed as untrusted; only its isolation decides whether it fails", () => {
        const safe = attest(facts(windows("hyperv"), [container("hand", {}, "hyperv")]));
        expect(safe.findings.map((f) => [f.ruleId, f.level])).toEqual([["unlabelled-container", "warning"]]);
        expect(safe.proven).toBe(true);
        expect(safe.containers[0]).toMatchObject({ labelled: false, trust: "untrusted", declared: "hyperv" });
        expect(ruled(facts(windows("hyperv"), [container("hand", {}, "process")]))).toEqual(["unlabelled-container hand", "untrusted-requires-hyperv hand"]);
    });

    test("on a Linux engine nothing declared can be proven (fail closed)", () => {
        expect(ruled(facts(linux, [
            container("web", labels("trusted", "process"), "default"),
            container("job", labels("untrusted", "hyperv"), ""),
        ]))).toEqual([
            "engine-default-isolation Debian GNU/Linux 12 (bookworm)",
            "isolation-mismatch job",
            "isolation-mismatch web",
            "untrusted-requires-hyperv job",
        ]);
    });

    test("tasks: running here is covered by its container; refused or elsewhere is not verified", () => {
        const task = (id: string, over: Partial<TaskFacts>): TaskFacts => ({
            id, serviceName: `svc-${id}`, labels: labels("untrusted", "hyperv"), nodeId: "node1", desiredState: "running", state: "running", ...over,
        });
        const a = attest(facts(windows("hyperv"), [container("job", labels("untrusted", "hyperv"), "hyperv")], [
            task("here", { containerId: "id-job" }),
            task("gone", { containerId: "id-missing" }),
            task("refused", { state: "rejected", desiredState: "shutdown", error: "invalid isolation 'hyperv' on linux" }),
            task("remote", { nodeId: "node2", containerId: "abc" }),
            task("unlabelled", { labels: {}, state: "rejected" }),
        ]));
        expect(a.findings.map((f) => [f.ruleId, f.subject.name])).toEqual([
            ["task-not-verified", "svc-gone"],
            ["task-not-verified", "svc-refused"],
            ["task-not-verified", "svc-remote"],
        ]);
        expect(a.findings[1].message).toContain("is 'rejected' (desired 'shutdown'): invalid isolation 'hyperv' on linux");
        expect(a.findings[2].message).toContain("runs on node node2, not on this engine");
    });

    test("every finding's level is its rule's level", () => {
        const a = attest(facts(windows("process"), [container("hand", {}, "process"), container("bad", labels("x", "y"), "hyperv")]));
        expect(a.findings.length).toBeGreaterThan(3);
        for (const f of a.findings) expect(f.level).toBe(VERIFY_RULES[f.ruleId].level);
    });
});

describe("properties over every engine/label/isolation combination", () => {
    const engineArb = fc.oneof(
        fc.constantFrom("hyperv", "process", "", "default", "junk").map((d) => windows(d)),
        fc.constant(linux),
    );
    const labelArb = fc.record({
        trust: fc.constantFrom(undefined, "trusted", "untrusted", "maybe"),
        isolation: fc.constantFrom(undefined, "process", "hyperv", "default"),
        labelled: fc.boolean(),
    }).map(({ trust, isolation, labelled }) => (labelled ? labels(trust, isolation) : {}));
    const containerArb = fc.record({ l: labelArb, iso: fc.constantFrom(undefined, "", "default", "process", "hyperv", "HyperV") });
    const hostArb = fc.record({ engine: engineArb, cs: fc.array(containerArb, { maxLength: 6 }) }).map(({ engine, cs }) =>
        facts(engine, cs.map((c, i) => container(`c${i}`, c.l, c.iso))),
    );

    test("a proven container runs exactly as declared, and untrusted ones under Hyper-V", () => {
        fc.assert(fc.property(hostArb, (f) => {
            const a = attest(f);
            for (const c of a.containers.filter((x) => x.proven)) {
                expect(c.effective === "hyperv" || c.effective === "process").toBe(true);
                if (c.labelled) expect(c.effective).toBe(c.declared);
                if (c.trust === "untrusted") expect(c.effective).toBe("hyperv");
            }
        }), { numRuns: 500 });
    });

    test("an untrusted or unlabelled container not under Hyper-V always yields the critical finding", () => {
        fc.assert(fc.property(hostArb, (f) => {
            const a = attest(f);
            for (const c of a.containers.filter((x) => x.trust === "untrusted" && x.effective !== "hyperv")) {
                expect(a.findings.some((x) => x.ruleId === "untrusted-requires-hyperv" && x.subject.id === c.id)).toBe(true);
            }
        }), { numRuns: 500 });
    });

    test("the whole host is proven only on a Windows engine defaulting to hyperv with every container proven", () => {
        fc.assert(fc.property(hostArb, (f) => {
            const a = attest(f);
            expect(a.proven).toBe(f.engine.osType === "windows" && f.engine.defaultIsolation === "hyperv" && a.containers.every((c) => c.proven));
        }), { numRuns: 500 });
    });
});

describe("engine-unguarded", () => {
    const guarded = (plugins: readonly string[] | undefined, allowUnguarded?: boolean) => attest({ engine: { osType: "windows", operatingSystem: "WS2022", kernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)", defaultIsolation: "hyperv", swarmState: "inactive", authorizationPlugins: plugins }, containers: [], tasks: [] }, { allowUnguarded });
    test("an engine that lists the guard: no finding; none, or only others: an error naming what it lists (fail closed)", () => {
        expect(guarded(["windows-isolation-guard"]).findings).toEqual([]);
        expect(guarded(["windows-isolation-guard"]).proven).toBe(true);
        expect(guarded([]).findings.map((f) => [f.ruleId, f.level, f.message.split(" (")[0]])).toEqual([["engine-unguarded", "error", "engine lists no authorization plugin"]]);
        expect(guarded([]).proven).toBe(false);
        expect(guarded(["opa-docker-authz"]).findings[0].message).toMatch(/^engine lists authorization plugins 'opa-docker-authz' but not 'windows-isolation-guard'/);
        // Facts assembled without GET /info's plugin list are not judged (gatherFacts always sets it).
        expect(guarded(undefined).findings).toEqual([]);
    });
    test("--allow-unguarded makes it a warning that says so: the run is proven if nothing else is wrong", () => {
        const allowed = guarded(["opa-docker-authz"], true);
        expect(allowed.findings.map((f) => [f.ruleId, f.level])).toEqual([["engine-unguarded", "warning"]]);
        expect(allowed.findings[0].message).toMatch(/but not 'windows-isolation-guard'.*\(a warning: --allow-unguarded\)$/);
        expect(allowed.proven).toBe(true);
        expect(guarded(["windows-isolation-guard"], true).findings).toEqual([]);
    });
});
