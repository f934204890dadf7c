/**
 * `verify` against a real two-node swarm (enginePair.ts: two Debian dockerd engines, one CA, a
 * manager and a worker linked by a veth pair). An unlabelled service whose task runs on the worker
 * is reported when verify asks only the manager; with the worker's endpoint too, each task is
 * judged on its own node: its container inspected on that node's engine.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { runVerify } from "../../../review/verify/main";
import { EngineState, IMAGE, STATE_ENV } from "../../helpers/engine/engine";
import { dockerOf, startSwarmPair, stopSwarmPair, SwarmPair } from "../../helpers/engine/enginePair";

let pair: SwarmPair | undefined;

async function verify(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runVerify(argv, {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

type Report = {
    exitCode: number;
    containers: { name: string; node?: string; labelled: boolean; effective: string }[];
    tasks: { serviceName: string; nodeId?: string; verified: boolean; labelled: boolean; serviceIsolation: string }[];
    nodes?: { endpoint: string; nodeId?: string }[];
    findings: { ruleId: string; subject: { kind: string; id: string; name: string }; message: string }[];
};

const HANDMADE = "wi-pool-handmade";
const JOB = "wi-pool-job";
const short = (name: string) => name.replace(/\.\d+\.[a-z0-9]{25}$/, "");

beforeAll(async () => {
    pair = await startSwarmPair();
    const m = dockerOf(pair.manager);
    const service = (name: string, role: "worker" | "manager", labels: Record<string, string>) =>
        m.createService({
            Name: name,
            Labels: labels,
            TaskTemplate: {
                ContainerSpec: { Image: IMAGE, Command: ["/bin/sleep", "3600"], Labels: labels, Isolation: "default", StopSignal: "SIGKILL" },
                Placement: { Constraints: [`node.role==${role}`] },
                RestartPolicy: { Condition: "none" },
            },
            Mode: { Replicated: { Replicas: 1 } },
        });
    // Started by hand on the pool, no windows-isolation label: the case the merge base let pass.
    await service(HANDMADE, "worker", {});
    await service(JOB, "manager", { "windows-isolation.workload": "job", "windows-isolation.trust": "trusted", "windows-isolation.isolation": "process" });
    const end = Date.now() + 180000; // a bound for a busy machine, not a measure
    for (;;) {
        const tasks = (await m.listTasks()) as { Status?: { State?: string } }[];
        if (tasks.length === 2 && tasks.every((t) => t.Status?.State === "running")) break;
        if (Date.now() > end) throw new Error(`pool services not running within 180 s: ${JSON.stringify(tasks.map((t) => t.Status))}`);
        await new Promise((r) => setTimeout(r, 200));
    }
});

afterAll(async () => {
    if (pair) await stopSwarmPair(pair);
});

const managerArgs = () => ["--endpoint", pair!.manager.tcpEndpoint, "--tls-dir", pair!.clientTls, "--json"];

test("against the manager alone, the unlabelled service's task on the worker is task-not-verified", async () => {
    const r = await verify(managerArgs());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const report: Report = JSON.parse(r.stdout);
    const handmade = report.findings.filter((f) => f.subject.name === HANDMADE);
    expect(handmade.map((f) => f.ruleId)).toEqual(["task-not-verified"]);
    expect(handmade[0].message).toContain(`(no windows-isolation.* label, so untrusted) is 'running' and runs on node ${pair!.workerNodeId}, not on this engine`);
    expect(report.tasks.map((t) => [t.serviceName, t.nodeId, t.verified])).toEqual([
        [HANDMADE, pair!.workerNodeId, false],
        [JOB, pair!.managerNodeId, true],
    ]);
    // Only the manager's own container was inspected.
    expect(report.containers.map((c) => [short(c.name), c.node])).toEqual([[JOB, pair!.managerNodeId]]);
});

test("with the worker's endpoint too, each task is judged on its own node", async () => {
    const r = await verify([...managerArgs(), "--node-endpoint", pair!.worker.tcpEndpoint]);
    expect(r.stderr).toBe("");
    // A Linux engine proves no Windows isolation: still exit 1, but for what each node shows.
    expect(r.code).toBe(1);
    const report: Report = JSON.parse(r.stdout);
    expect(report.findings.filter((f) => f.ruleId === "task-not-verified")).toEqual([]);
    expect(report.tasks.map((t) => [t.serviceName, t.nodeId, t.verified])).toEqual([
        [HANDMADE, pair!.workerNodeId, true],
        [JOB, pair!.managerNodeId, true],
    ]);
    expect(report.containers.map((c) => [short(c.name), c.node, c.labelled, c.effective]).sort()).toEqual([
        [HANDMADE, pair!.workerNodeId, false, "none"],
        [JOB, pair!.managerNodeId, true, "none"],
    ]);
    expect(report.nodes).toEqual([expect.objectContaining({ endpoint: pair!.worker.tcpEndpoint, nodeId: pair!.workerNodeId })]);
    const sorted = (xs: string[][]) => [...xs].sort((a, b) => (a.join() < b.join() ? -1 : 1));
    expect(sorted(report.findings.map((f) => [f.ruleId, f.subject.kind === "engine" ? f.subject.id : short(f.subject.name)]))).toEqual(sorted([
        ["engine-default-isolation", pair!.managerNodeId],
        ["engine-default-isolation", pair!.workerNodeId],
        // Neither test engine has the guard as its authorization plugin.
        ["engine-unguarded", pair!.managerNodeId],
        ["engine-unguarded", pair!.workerNodeId],
        ["isolation-mismatch", JOB],
        ["unlabelled-container", HANDMADE],
        ["untrusted-requires-hyperv", HANDMADE],
    ]));
});

test("an engine of another swarm, or the same node twice, is refused before anything is judged (exit 2)", async () => {
    const other: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));
    const foreign = await verify([...managerArgs(), "--node-endpoint", other.unixEndpoint]);
    expect(foreign.code).toBe(2);
    expect(foreign.stdout).toBe("");
    expect(foreign.stderr).toMatch(new RegExp(`^verify: cannot verify ${other.unixEndpoint}: its swarm node \\S+ is not a node of the swarm ${pair!.manager.tcpEndpoint} manages`));
    const twice = await verify([...managerArgs(), "--node-endpoint", pair!.worker.tcpEndpoint, "--node-endpoint", pair!.worker.unixEndpoint]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`it is the same swarm node (${pair!.workerNodeId}) as ${pair!.worker.tcpEndpoint}`);
});

test("the pool run signed: the check verifies the signature, each container's subject is its image as its own node reports it, and the claims fail as the run did", async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const dir = fs.mkdtempSync(path.join(pair!.manager.dir, "attest-"));
    const key = path.join(dir, "key.pem");
    const pub = path.join(dir, "pub.pem");
    const file = path.join(dir, "pool.attestation.json");
    fs.writeFileSync(key, privateKey.export({ type: "sec1", format: "pem" }) as string);
    fs.writeFileSync(pub, publicKey.export({ type: "spki", format: "pem" }) as string);
    const r = await verify([...managerArgs(), "--node-endpoint", pair!.worker.tcpEndpoint, "--attest", file, "--key", key]);
    expect(r.code).toBe(1);
    const statement = JSON.parse(Buffer.from(JSON.parse(fs.readFileSync(file, "utf8")).payload, "base64").toString("utf8"));
    const imageOn = async (e: EngineState, service: string) => {
        const [c] = await dockerOf(e).listContainers({ filters: { label: [`com.docker.swarm.service.name=${service}`] } });
        return { name: c.Names[0].replace(/^\//, ""), imageId: (await dockerOf(e).getContainer(c.Id).inspect()).Image };
    };
    const onWorker = await imageOn(pair!.worker, HANDMADE);
    const onManager = await imageOn(pair!.manager, JOB);
    const subjects = Object.fromEntries(statement.subject.map((s: { name: string; digest: { sha256: string } }) => [s.name, `sha256:${s.digest.sha256}`]));
    expect(subjects[`container:${pair!.workerNodeId}/${onWorker.name}`]).toBe(onWorker.imageId);
    expect(subjects[`container:${pair!.managerNodeId}/${onManager.name}`]).toBe(onManager.imageId);
    expect(statement.predicate.engines.map((e: { endpoint: string; node: string }) => [e.endpoint, e.node])).toEqual([
        [pair!.manager.tcpEndpoint, pair!.managerNodeId],
        [pair!.worker.tcpEndpoint, pair!.workerNodeId],
    ]);
    const check = await verify(["--check-attestation", file, "--key", pub, "--json"]);
    expect(check.code).toBe(1);
    const out = JSON.parse(check.stdout);
    expect(out.signature).toBe("good");
    expect(out.failures.map((f: { subject: string }) => f.subject)).toContain(`container:${pair!.workerNodeId}/${onWorker.name}`);
});
