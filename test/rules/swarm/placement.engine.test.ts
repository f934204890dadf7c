/**
 * The placement constraints WindowsContainer writes, given to a real swarm (Debian's dockerd,
 * one node, swarm initialised by globalSetup): for each set of node labels, swarmkit's scheduler
 * must admit the node exactly when `nodeMatchesConstraints` (the reimplementation plan and the
 * property tests use) says so. The node is Linux, so `node.platform.os==windows` becomes
 * `==linux` here; the label constraints are exactly the rule's. The services use an image that
 * does not exist and carry no windows-isolation labels: no container is ever created, so the
 * verify tests on the same engine see nothing of them.
 */
import * as fs from "node:fs";
import Docker from "dockerode";
import { nodeMatchesConstraints, placementConstraints, PoolNode } from "../../../rules";
import { EngineState, STATE_ENV } from "../../helpers/engine/engine";

const state: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));
const docker = new Docker({ socketPath: state.unixEndpoint.replace("unix://", "") });

const pool: PoolNode[] = [
    { name: "a", osBuild: 17763, hypervCapable: true },
    { name: "b", osBuild: 20348, hypervCapable: true },
    { name: "c", osBuild: 26100, hypervCapable: false },
];
/** Constraint sets from the rule: every (mode, image build) this pool can run. */
const constraintSets = ([["process", 17763], ["process", 20348], ["process", 26100], ["hyperv", 17763], ["hyperv", 20348]] as const).map(([mode, image]) => {
    const placed = placementConstraints(pool, mode, image);
    if (!placed.ok) throw new Error(placed.message);
    return { label: `${mode}/${image}`, constraints: placed.constraints.map((c) => c.replace("node.platform.os==windows", "node.platform.os==linux")) };
});

const labelSets: Record<string, string>[] = [
    { "windows-isolation.os-build": "17763", "windows-isolation.hyperv": "true" },
    { "windows-isolation.os-build": "20348", "windows-isolation.hyperv": "TRUE" },
    { "windows-isolation.os-build": "26100", "windows-isolation.hyperv": "false" },
    { "windows-isolation.os-build": "26100" },
    {},
];

async function setNodeLabels(labels: Record<string, string>): Promise<void> {
    const info = await docker.info();
    const node = docker.getNode(info.Swarm.NodeID);
    const current = await node.inspect();
    await node.update({ version: current.Version.Index, ...current.Spec, Labels: labels });
}

/** "admitted" once the scheduler gave the task a node, "refused" when it says no node is suitable. */
async function schedulerVerdict(serviceId: string): Promise<"admitted" | "refused"> {
    const end = Date.now() + 180000; // a bound for a busy machine, not a measure
    while (Date.now() < end) {
        const tasks = await docker.listTasks({ filters: { service: [serviceId] } });
        const t = tasks[0] as { NodeID?: string; Status?: { State?: string; Err?: string } } | undefined;
        if (t?.NodeID) return "admitted";
        if (t?.Status?.State === "pending" && /no suitable node/.test(t.Status.Err ?? "")) return "refused";
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`service ${serviceId}: the scheduler decided nothing within 180 s`);
}

let original: Record<string, string>;
beforeAll(async () => {
    const info = await docker.info();
    original = (await docker.getNode(info.Swarm.NodeID).inspect()).Spec.Labels ?? {};
});
afterAll(async () => {
    await setNodeLabels(original);
});

test.each(labelSets)("node labels %j: swarm admits the node exactly when nodeMatchesConstraints says so", async (labels) => {
    await setNodeLabels(labels);
    const created = await Promise.all(constraintSets.map((set, i) => docker.createService({
        Name: `wi-placement-${Object.values(labels).join("-").toLowerCase() || "none"}-${i}`,
        TaskTemplate: {
            ContainerSpec: { Image: "wi-no-such-image:1", Command: ["/bin/true"] },
            Placement: { Constraints: set.constraints },
            RestartPolicy: { Condition: "none" },
        },
        Mode: { Replicated: { Replicas: 1 } },
    })));
    try {
        const actual = await Promise.all(created.map((s) => schedulerVerdict(s.id)));
        const predicted = constraintSets.map((set) => (nodeMatchesConstraints({ platformOs: "linux", labels }, set.constraints) ? "admitted" : "refused"));
        expect(Object.fromEntries(constraintSets.map((s, i) => [s.label, actual[i]]))).toEqual(Object.fromEntries(constraintSets.map((s, i) => [s.label, predicted[i]])));
    } finally {
        await Promise.all(created.map((s) => docker.getService(s.id).remove()));
    }
});

test("the label sets cover both verdicts for every constraint set (the comparison can fail either way)", () => {
    for (const set of constraintSets) {
        const verdicts = new Set(labelSets.map((labels) => nodeMatchesConstraints({ platformOs: "linux", labels }, set.constraints)));
        expect([set.label, [...verdicts].sort()]).toEqual([set.label, [false, true]]);
    }
});
