/**
 * The whole pool (rules/attestation/tasks.ts through attest): every current task of every
 * service, labelled or not, judged on the node it runs on; the service spec's isolation against
 * what the task's container got.
 */
import fc from "fast-check";
import { ACTIVE_TASK_STATES, attest, ContainerFacts, EngineFacts, HostFacts, ISOLATION_LABEL, NodeFacts, TaskFacts, TRUST_LABEL, VERIFY_RULES, WORKLOAD_LABEL } from "../../../rules";

const windows = (nodeId: string, defaultIsolation = "hyperv", manager = true): EngineFacts => ({
    osType: "windows",
    operatingSystem: "Windows Server 2022 Datacenter",
    kernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)",
    defaultIsolation,
    swarmState: "active",
    swarmNodeId: nodeId,
    swarmManager: manager,
});
const labels = (trust: string, isolation: string): Record<string, string> => ({ [WORKLOAD_LABEL]: "w", [TRUST_LABEL]: trust, [ISOLATION_LABEL]: isolation });
const container = (name: string, l: Record<string, string>, isolation: string): ContainerFacts => ({ id: `id-${name}`, name, state: "running", labels: l, isolation });
const task = (id: string, over: Partial<TaskFacts>): TaskFacts => ({
    id, serviceName: `svc-${id}`, labels: {}, nodeId: "leader", desiredState: "running", state: "running", serviceIsolation: "hyperv", ...over,
});
const pool = (tasks: TaskFacts[], home: ContainerFacts[], nodes: NodeFacts[] = []): HostFacts => ({ engine: windows("leader"), containers: home, tasks, ...(nodes.length ? { nodes } : {}) });
const pairs = (f: HostFacts) => attest(f).findings.map((x) => [x.ruleId, x.subject.name]);

describe("tasks on other nodes", () => {
    test("an unlabelled service's running task on a node verify did not reach is reported (silent on the merge base)", () => {
        const a = attest(pool([task("handmade", { nodeId: "worker", containerId: "c1", serviceIsolation: "process" })], []));
        expect(a.findings.map((f) => [f.ruleId, f.subject.kind, f.subject.name])).toEqual([["task-not-verified", "task", "svc-handmade"]]);
        expect(a.findings[0].message).toContain("(no windows-isolation.* label, so untrusted)");
        expect(a.findings[0].message).toContain("runs on node worker, not on this engine, and verify did not reach that node's engine; give --node-endpoint");
        expect(a.proven).toBe(false);
        expect(a.tasks).toEqual([expect.objectContaining({ id: "handmade", labelled: false, trust: "untrusted", nodeId: "worker", serviceIsolation: "process", verified: false })]);
    });

    test.each(ACTIVE_TASK_STATES)("an unlabelled task '%s' on an unreached node may run code: reported", (state) => {
        expect(pairs(pool([task("t", { nodeId: "worker", state })], []))).toEqual([["task-not-verified", "svc-t"]]);
    });

    test.each(["new", "pending", "rejected", "failed", "shutdown", "complete"])("an unlabelled task '%s' runs nothing: listed, no finding", (state) => {
        const a = attest(pool([task("t", { nodeId: state === "pending" ? undefined : "worker", state })], []));
        expect(a.findings).toEqual([]);
        expect(a.tasks.map((t) => [t.id, t.verified])).toEqual([["t", false]]);
    });

    test("with the worker's engine reached, its task is judged there: its container's findings, the task verified", () => {
        const worker: NodeFacts = { endpoint: "tcp://10.0.0.5:2376", engine: windows("worker", "hyperv", false), containers: [container("svc-job.1.x", {}, "process")] };
        const a = attest(pool([task("job", { nodeId: "worker", containerId: "id-svc-job.1.x", serviceIsolation: "process" })], [], [worker]));
        expect(pairs({ ...pool([], []), engine: windows("leader") })).toEqual([]);
        expect(a.findings.map((f) => [f.ruleId, f.subject.name])).toEqual([
            ["unlabelled-container", "svc-job.1.x"],
            ["untrusted-requires-hyperv", "svc-job.1.x"],
        ]);
        expect(a.containers.map((c) => [c.name, c.node, c.effective])).toEqual([["svc-job.1.x", "worker", "process"]]);
        expect(a.tasks.map((t) => [t.id, t.verified, t.effective])).toEqual([["job", true, "process"]]);
        expect(a.nodes).toEqual([expect.objectContaining({ endpoint: "tcp://10.0.0.5:2376", nodeId: "worker" })]);
    });

    test("a task is judged on its own node only: a container with its id on another engine does not prove it", () => {
        const worker: NodeFacts = { endpoint: "tcp://w:2376", engine: windows("worker"), containers: [] };
        const a = attest(pool([task("job", { nodeId: "worker", containerId: "id-job", labels: labels("untrusted", "hyperv") })], [container("job", labels("untrusted", "hyperv"), "hyperv")], [worker]));
        expect(pairs({ engine: windows("leader"), containers: [], tasks: [] })).toEqual([]);
        expect(a.findings.map((f) => f.ruleId)).toEqual(["task-not-verified"]);
        expect(a.findings[0].message).toContain("on node worker (tcp://w:2376), and no running container of that engine is its container");
    });

    test("each node's engine is judged on its own: a worker defaulting to process isolation is a finding", () => {
        const worker: NodeFacts = { endpoint: "tcp://w:2376", engine: windows("worker", "process", false), containers: [] };
        const a = attest(pool([], [], [worker]));
        expect(a.findings.map((f) => [f.ruleId, f.subject.id])).toEqual([["engine-default-isolation", "worker"]]);
    });
});

describe("the service spec's isolation against the container's", () => {
    test.each([
        // [spec, container's HostConfig.Isolation, engine default, finding?]
        ["hyperv", "hyperv", "hyperv", false],
        ["hyperv", "process", "hyperv", true],
        ["process", "hyperv", "hyperv", true],
        ["default", "hyperv", "hyperv", false],
        ["default", "process", "hyperv", true],
        ["", "", "process", false],
        ["hyperv", "default", "process", true],
        ["hyperv", "default", "hyperv", false],
    ] as const)("spec '%s', container '%s', engine default '%s': mismatch %s", (spec, got, engineDefault, mismatch) => {
        const f: HostFacts = {
            engine: windows("leader", engineDefault),
            containers: [container("svc.1.x", labels("trusted", "process"), got)],
            tasks: [task("t", { containerId: "id-svc.1.x", serviceIsolation: spec, labels: labels("trusted", "process") })],
        };
        const found = attest(f).findings.filter((x) => x.ruleId === "service-isolation-mismatch");
        expect(found.length).toBe(mismatch ? 1 : 0);
        if (mismatch) expect(found[0].message).toContain(`TaskTemplate.ContainerSpec.Isolation '${spec}'`);
    });
});

describe("properties", () => {
    const stateArb = fc.constantFrom(...ACTIVE_TASK_STATES, "pending", "rejected", "shutdown");
    const taskArb = fc.record({
        labelled: fc.boolean(),
        node: fc.constantFrom("leader", "worker", "far"),
        state: stateArb,
        present: fc.boolean(),
        spec: fc.constantFrom("hyperv", "process", "default"),
    });
    const poolArb = fc.record({ tasks: fc.array(taskArb, { maxLength: 6 }), workerReached: fc.boolean() }).map(({ tasks, workerReached }) => {
        const home: ContainerFacts[] = [];
        const workerContainers: ContainerFacts[] = [];
        const ts = tasks.map((t, i) => {
            const c = container(`c${i}`, t.labelled ? labels("untrusted", "hyperv") : {}, "hyperv");
            if (t.present && t.node === "leader") home.push(c);
            if (t.present && t.node === "worker") workerContainers.push(c);
            return task(`t${i}`, { nodeId: t.node, state: t.state, containerId: c.id, labels: c.labels, serviceIsolation: t.spec });
        });
        const nodes: NodeFacts[] = workerReached ? [{ endpoint: "tcp://w:2376", engine: windows("worker"), containers: workerContainers }] : [];
        return pool(ts, home, nodes);
    });

    test("a task that may run code is either verified on its own node or reported; every task is listed once", () => {
        fc.assert(fc.property(poolArb, (f) => {
            const a = attest(f);
            expect(a.tasks.map((t) => t.id).sort()).toEqual(f.tasks.map((t) => t.id).sort());
            for (const t of a.tasks) {
                const reported = a.findings.some((x) => x.ruleId === "task-not-verified" && x.subject.id === t.id);
                const onNode = t.nodeId === "leader" ? f.containers : (f.nodes ?? []).find((n) => n.engine.swarmNodeId === t.nodeId)?.containers;
                const runsThere = t.state === "running" && (onNode ?? []).some((c) => c.id === t.containerId);
                expect(t.verified).toBe(runsThere);
                if (!runsThere && (t.labelled || ACTIVE_TASK_STATES.includes(t.state))) expect(reported).toBe(true);
                if (t.verified) expect(reported).toBe(false);
            }
            for (const x of a.findings) expect(x.level).toBe(VERIFY_RULES[x.ruleId].level);
        }), { numRuns: 300 });
    });

    test("the task list is in a stable order, whatever order the engine listed them in", () => {
        fc.assert(fc.property(poolArb, (f) => {
            const reversed = attest({ ...f, tasks: [...f.tasks].reverse() });
            expect(reversed.tasks).toEqual(attest(f).tasks);
        }), { numRuns: 100 });
    });
});
