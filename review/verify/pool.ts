/**
 * A whole swarm pool in one run: the engine verify asks first, plus every node given with
 * --node-endpoint (or the stack's nodeEndpoints with --all-nodes). Each engine is asked for its
 * own running containers; a manager among them lists every task of every service; the rules
 * (rules/attestation/tasks.ts) judge each task on the node it runs on. Only facts are gathered
 * here: which engines are the same swarm's nodes is checked, nothing is judged.
 */
import Docker from "dockerode";
import { HostFacts, NodeFacts } from "../../rules";
import { dockerFor } from "./connect";
import { EngineError } from "./errors";
import { engineAndContainers, tasksOf } from "./gather";
import { Target } from "./target";

/** A failure on one engine of the pool: main names that engine's endpoint (exit 2). */
export class TargetError extends Error {
    constructor(
        readonly target: Target,
        readonly cause: unknown,
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
    }
}

async function on<T>(target: Target, work: Promise<T>): Promise<T> {
    try {
        return await work;
    } catch (err) {
        throw new TargetError(target, err);
    }
}

/**
 * Facts of the engine at `home` and of every engine at `nodes`, all nodes of one swarm. Refused
 * (TargetError with an EngineError): a node not in a swarm, not a node of the manager's swarm,
 * two endpoints that reach the same node, or no manager among them to list the tasks.
 */
export async function gatherPoolFacts(home: Target, nodes: readonly Target[], timeoutMs: number, withProcesses: boolean): Promise<HostFacts> {
    const targets = [home, ...nodes];
    const clients = new Map<Target, Docker>(targets.map((t) => [t, dockerFor(t, timeoutMs)]));
    const gathered = await Promise.all(targets.map((t, i) => on(t, engineAndContainers(clients.get(t)!, i === 0 && withProcesses))));
    const seen = new Map<string, Target>();
    for (const [i, t] of targets.entries()) {
        const engine = gathered[i].engine;
        if (engine.swarmState !== "active" || !engine.swarmNodeId) {
            throw new TargetError(t, new EngineError(`the engine is not an active swarm node (Swarm.LocalNodeState '${engine.swarmState ?? ""}'); --node-endpoint names the engines of one swarm's nodes`));
        }
        const twin = seen.get(engine.swarmNodeId);
        if (twin) throw new TargetError(t, new EngineError(`it is the same swarm node (${engine.swarmNodeId}) as ${twin.endpoint}; give each node once`));
        seen.set(engine.swarmNodeId, t);
    }
    const managerAt = targets.findIndex((_, i) => gathered[i].engine.swarmManager);
    if (managerAt < 0) {
        throw new TargetError(home, new EngineError("none of the engines given is a swarm manager, and only a manager lists the pool's tasks; give a manager's endpoint first (--endpoint, or node 0 of the stack)"));
    }
    const manager = targets[managerAt];
    const client = clients.get(manager)!;
    const [tasks, members] = await on(manager, Promise.all([tasksOf(client), client.listNodes()]));
    const memberIds = new Set((members as { ID?: string }[]).map((n) => n.ID));
    for (const [i, t] of targets.entries()) {
        if (!memberIds.has(gathered[i].engine.swarmNodeId)) {
            throw new TargetError(t, new EngineError(`its swarm node ${gathered[i].engine.swarmNodeId} is not a node of the swarm ${manager.endpoint} manages; every endpoint must be a node of the same swarm`));
        }
    }
    const others: NodeFacts[] = nodes.map((t, i) => ({ endpoint: t.endpoint, ...gathered[i + 1] }));
    return { engine: gathered[0].engine, containers: gathered[0].containers, tasks, nodes: others };
}
