/**
 * Asks the engine (dockerode) for the facts `attest` judges. Nothing here decides anything;
 * requests are bounded by the client (connect.ts) and the deadline (errors.ts).
 */
import Docker from "dockerode";
import { ContainerFacts, EngineFacts, HostFacts, TaskFacts } from "../../rules";
import { EngineError } from "./errors";
import { containerTop } from "./top";

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

function labelsOf(v: unknown): Record<string, string> {
    if (typeof v !== "object" || v === null) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}

/** The Task fields used here (moby api/swagger.yaml `Task`); @types/dockerode leaves them out. */
export interface RawTask {
    readonly ID?: string;
    readonly CreatedAt?: string;
    readonly ServiceID?: string;
    readonly Slot?: number;
    readonly NodeID?: string;
    readonly DesiredState?: string;
    readonly Status?: { readonly State?: string; readonly Err?: string; readonly ContainerStatus?: { readonly ContainerID?: string } };
}

/**
 * The task that currently stands for each slot of each service (the newest per replica slot,
 * or per node for global services): swarm keeps the history, and a refused task stays the
 * current one when the restart policy gives up. Slots beyond the replica count are gone.
 */
export function currentTasks(services: readonly Docker.Service[], allTasks: readonly RawTask[]): TaskFacts[] {
    const byId = new Map(services.map((s) => [s.ID, s]));
    const current = new Map<string, RawTask>();
    for (const t of allTasks) {
        const service = t.ServiceID ? byId.get(t.ServiceID) : undefined;
        if (!service) continue;
        const replicas = service.Spec?.Mode?.Replicated?.Replicas;
        if (replicas !== undefined && (t.Slot ?? 0) > replicas) continue;
        const key = `${t.ServiceID}/${t.Slot ?? t.NodeID}`;
        const prev = current.get(key);
        if (!prev || String(t.CreatedAt ?? "") > String(prev.CreatedAt ?? "")) current.set(key, t);
    }
    return [...current.values()].map((t) => {
        const service = byId.get(t.ServiceID!)!;
        const template = service.Spec?.TaskTemplate as { ContainerSpec?: { Labels?: unknown } } | undefined;
        return {
            id: String(t.ID),
            serviceName: service.Spec?.Name ?? String(t.ServiceID),
            labels: { ...labelsOf(service.Spec?.Labels), ...labelsOf(template?.ContainerSpec?.Labels) },
            nodeId: str(t.NodeID),
            desiredState: String(t.DesiredState),
            state: String(t.Status?.State ?? "unknown"),
            error: str(t.Status?.Err),
            containerId: str(t.Status?.ContainerStatus?.ContainerID),
        };
    });
}

function millis(v: unknown): number | undefined {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    return Number.isFinite(t) && t > 0 ? t : undefined;
}

/**
 * Facts for `attest`: engine info, every running container inspected, current swarm tasks, and
 * with `withProcesses` each container's process list (for the host-process witness).
 */
export async function gatherFacts(docker: Docker, withProcesses = false): Promise<HostFacts> {
    const info = await docker.info();
    if (typeof info !== "object" || info === null || typeof info.OSType !== "string") {
        throw new EngineError("the answer to GET /info is not a Docker engine's (no OSType)");
    }
    const swarm = (info.Swarm ?? {}) as { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
    const engine: EngineFacts = {
        osType: info.OSType,
        operatingSystem: str(info.OperatingSystem),
        kernelVersion: str(info.KernelVersion),
        defaultIsolation: str(info.Isolation),
        serverVersion: str(info.ServerVersion),
        swarmState: str(swarm.LocalNodeState),
        swarmNodeId: str(swarm.NodeID) || undefined,
        swarmManager: swarm.ControlAvailable === true,
        name: str(info.Name),
    };

    const listed = await docker.listContainers();
    const inspected = await Promise.all(
        listed.map(async (c) => {
            try {
                return await docker.getContainer(c.Id).inspect();
            } catch (err) {
                // Gone between list and inspect: no longer running, nothing to prove.
                if ((err as { statusCode?: number }).statusCode === 404) return undefined;
                throw err;
            }
        }),
    );
    const processes = withProcesses ? await Promise.all(inspected.map((c) => (c ? containerTop(docker, c.Id, engine.osType) : undefined))) : [];
    const containers: ContainerFacts[] = inspected.flatMap((c, i) =>
        c === undefined
            ? []
            : [{
                  id: c.Id,
                  name: c.Name.replace(/^\//, ""),
                  image: str(c.Config?.Image),
                  state: c.State?.Status ?? "unknown",
                  labels: labelsOf(c.Config?.Labels),
                  isolation: str((c.HostConfig as { Isolation?: unknown } | undefined)?.Isolation),
                  startedAtMs: millis(c.State?.StartedAt),
                  ...(withProcesses ? { processes: processes[i] } : {}),
              }],
    );

    let tasks: TaskFacts[] = [];
    if (engine.swarmState === "active" && engine.swarmManager) {
        const [services, allTasks] = await Promise.all([docker.listServices(), docker.listTasks()]);
        tasks = currentTasks(services, allTasks as RawTask[]);
    }
    return { engine, containers, tasks };
}
