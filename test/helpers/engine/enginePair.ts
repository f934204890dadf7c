/**
 * A real two-node swarm for the pool tests: two test engines (engine.ts, each in namespaces of its
 * own) that share one CA, as a pool's nodes do, joined by a veth pair made from inside the first
 * engine's network namespace straight into the second's (the host network never sees it). The
 * first is the manager, the second joins as a worker. Started once per test file that needs it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";
import { EngineState, makeCertificates, startEngine, stopEngine } from "./engine";
import { makeEngineDir } from "./engineDir";
import { enter } from "./namespace";

/** A private /24 for the link; it exists only between the two engines' namespaces. */
const MANAGER_ADDRESS = "10.213.77.1";
const WORKER_ADDRESS = "10.213.77.2";

export interface SwarmPair {
    readonly manager: EngineState;
    readonly worker: EngineState;
    readonly managerNodeId: string;
    readonly workerNodeId: string;
    /** Both engines' client TLS bundle (one CA signed both engines' certificates). */
    readonly clientTls: string;
    /** The shared certificates' dir, removed by stopSwarmPair. */
    readonly pkiDir: string;
}

export const dockerOf = (e: EngineState): Docker => new Docker({ socketPath: e.unixEndpoint.replace("unix://", ""), timeout: 30000 });

/** iproute2's ip (busybox's applet cannot name a veth's peer); .ci/run installs it when missing. */
function ipCommand(): string {
    for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])) {
        const p = path.join(dir, "ip");
        if (dir && fs.existsSync(p)) return p;
    }
    throw new Error("the pool tests need 'ip' (Debian package iproute2) to link the two engines; .ci/run installs it");
}

function ipIn(init: number, ...args: string[]): void {
    execFileSync("nsenter", [...enter(init, ["net"]), ipCommand(), ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + timeoutMs; // a bound for a busy machine, not a measure
    let last: unknown;
    while (Date.now() < end) {
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what}: not within ${timeoutMs / 1000} s (${String(last ?? "no answer")})`);
}

export async function startSwarmPair(): Promise<SwarmPair> {
    ipCommand(); // before any engine starts: a missing tool is named, nothing is left to stop
    const pkiDir = makeEngineDir();
    const tls = makeCertificates(pkiDir);
    const started = await Promise.allSettled([startEngine({ workloads: false, tls }), startEngine({ workloads: false, tls })]);
    const engines = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) {
        await Promise.all(engines.map(stopEngine));
        fs.rmSync(pkiDir, { recursive: true, force: true });
        throw failed.reason;
    }
    const [manager, worker] = engines;
    try {
        ipIn(manager.pids.init, "link", "add", "wi-pool0", "type", "veth", "peer", "name", "wi-pool1", "netns", String(worker.pids.init));
        ipIn(manager.pids.init, "addr", "add", `${MANAGER_ADDRESS}/24`, "dev", "wi-pool0");
        ipIn(manager.pids.init, "link", "set", "wi-pool0", "up");
        ipIn(worker.pids.init, "addr", "add", `${WORKER_ADDRESS}/24`, "dev", "wi-pool1");
        ipIn(worker.pids.init, "link", "set", "wi-pool1", "up");
        const m = dockerOf(manager);
        const w = dockerOf(worker);
        await m.swarmInit({ ListenAddr: `${MANAGER_ADDRESS}:2377`, AdvertiseAddr: `${MANAGER_ADDRESS}:2377` });
        const token = (await m.swarmInspect()).JoinTokens.Worker as string;
        await w.swarmJoin({ ListenAddr: `${WORKER_ADDRESS}:2377`, AdvertiseAddr: WORKER_ADDRESS, RemoteAddrs: [`${MANAGER_ADDRESS}:2377`], JoinToken: token });
        const managerNodeId = (await m.info()).Swarm.NodeID as string;
        const workerNodeId = (await w.info()).Swarm.NodeID as string;
        await until("the worker ready in the manager's node list", 180000, async () => {
            const nodes = (await m.listNodes()) as { ID: string; Status?: { State?: string } }[];
            return nodes.some((n) => n.ID === workerNodeId && n.Status?.State === "ready") ? true : undefined;
        });
        return { manager, worker, managerNodeId, workerNodeId, clientTls: tls.client, pkiDir };
    } catch (e) {
        await stopSwarmPair({ manager, worker, pkiDir });
        throw e;
    }
}

export async function stopSwarmPair(pair: Pick<SwarmPair, "manager" | "worker" | "pkiDir">): Promise<void> {
    const stopped = await Promise.allSettled([stopEngine(pair.manager), stopEngine(pair.worker)]);
    fs.rmSync(pair.pkiDir, { recursive: true, force: true });
    const failed = stopped.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
}
