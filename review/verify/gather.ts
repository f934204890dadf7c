/**
 * Asks the engine (dockerode) for the facts `attest` judges. Nothing here decides anything;
 * requests are bounded by the client (connect.ts) and the deadline (errors.ts).
 */
import Docker from "dockerode";
import { ACTIVE_TASK_STATES, ContainerFacts, EngineFacts, HostFacts, ImageFacts, TaskFacts } from "../../rules";
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
    /** swarmkit's store version when the task was last written; grows monotonically. */
    readonly Version?: { readonly Index?: number };
    readonly ServiceID?: string;
    readonly Slot?: number;
    readonly NodeID?: string;
    readonly DesiredState?: string;
    readonly Status?: { readonly State?: string; readonly Err?: string; readonly ContainerStatus?: { readonly ContainerID?: string } };
}

/**
 * A Go time (RFC 3339 with up to nine fraction digits, trailing zeros trimmed: "…:05Z",
 * "…:05.1Z", "…:05.123456789Z", or an offset) as nanoseconds since the epoch; undefined when it is
 * not one. Strings do not compare: "…:05Z" sorts after "…:05.5Z", "…:05.1Z" after "…:05.12Z".
 */
export function goTimeNanos(v: string | undefined): bigint | undefined {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(v ?? "");
    if (!m) return undefined;
    const seconds = Date.parse(`${m[1]}${m[3]}`);
    if (!Number.isFinite(seconds)) return undefined;
    return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/**
 * Whether task `a` was created after `b`: by `CreatedAt` parsed to the nanosecond (it never
 * changes), then by `Version.Index` (the store's write order; it moves on every status update, so
 * it only breaks ties), then by ID, so that the answer never depends on the order of the list.
 */
export function isNewerTask(a: RawTask, b: RawTask): boolean {
    const ta = goTimeNanos(a.CreatedAt);
    const tb = goTimeNanos(b.CreatedAt);
    if (ta !== tb) return tb === undefined || (ta !== undefined && ta > tb);
    const ia = a.Version?.Index ?? -1;
    const ib = b.Version?.Index ?? -1;
    if (ia !== ib) return ia > ib;
    return String(a.ID ?? "") > String(b.ID ?? "");
}

/** Desired states after which swarm no longer wants the task to run. */
const DESIRED_GONE = ["shutdown", "remove", "complete", "orphaned"];

/**
 * The tasks that stand for each slot of each service (per replica slot, or per node for global
 * services): every task that swarm still wants to run or that may still run code (an active
 * state, ACTIVE_TASK_STATES), and where a slot has none, its newest task (a refused task stays
 * the current one when the restart policy gives up). History is left out; a slot beyond the
 * replica count only shows tasks that may still run code.
 */
export function currentTasks(services: readonly Docker.Service[], allTasks: readonly RawTask[]): TaskFacts[] {
    const byId = new Map(services.map((s) => [s.ID, s]));
    const slots = new Map<string, RawTask[]>();
    for (const t of allTasks) {
        const service = t.ServiceID ? byId.get(t.ServiceID) : undefined;
        if (!service) continue;
        const key = `${t.ServiceID}/${t.Slot ?? t.NodeID}`;
        slots.set(key, [...(slots.get(key) ?? []), t]);
    }
    const current: RawTask[] = [];
    for (const tasks of slots.values()) {
        const replicas = byId.get(tasks[0].ServiceID!)!.Spec?.Mode?.Replicated?.Replicas;
        const beyond = replicas !== undefined && (tasks[0].Slot ?? 0) > replicas;
        const active = (t: RawTask) => ACTIVE_TASK_STATES.includes(String(t.Status?.State ?? ""));
        const wanted = tasks.filter((t) => active(t) || (!beyond && !DESIRED_GONE.includes(String(t.DesiredState ?? ""))));
        if (wanted.length > 0) current.push(...wanted);
        else if (!beyond) current.push(tasks.reduce((newest, t) => (isNewerTask(t, newest) ? t : newest)));
    }
    return current.map((t) => {
        const service = byId.get(t.ServiceID!)!;
        const template = service.Spec?.TaskTemplate as { ContainerSpec?: { Labels?: unknown; Isolation?: unknown } } | undefined;
        return {
            id: String(t.ID),
            serviceName: service.Spec?.Name ?? String(t.ServiceID),
            labels: { ...labelsOf(service.Spec?.Labels), ...labelsOf(template?.ContainerSpec?.Labels) },
            serviceIsolation: str(template?.ContainerSpec?.Isolation),
            ...(typeof t.Slot === "number" ? { slot: t.Slot } : {}),
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

/** `Plugins.Authorization` of GET /info: the names, [] when the engine lists none (null on 20.10). */
function authorizationPlugins(plugins: unknown): string[] {
    const list = plugins !== null && typeof plugins === "object" ? (plugins as { Authorization?: unknown }).Authorization : undefined;
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
}

/**
 * Facts for `attest`: engine info, every running container inspected, current swarm tasks, and
 * with `withProcesses` each container's process list (for the host-process witness).
 */
export async function gatherFacts(docker: Docker, withProcesses = false): Promise<HostFacts> {
    const { engine, containers } = await engineAndContainers(docker, withProcesses);
    let tasks: TaskFacts[] = [];
    if (engine.swarmState === "active" && engine.swarmManager) tasks = await tasksOf(docker);
    return { engine, containers, tasks };
}

/** Every current task of every service, as a manager lists them. */
export async function tasksOf(docker: Docker): Promise<TaskFacts[]> {
    const [services, allTasks] = await Promise.all([docker.listServices(), docker.listTasks()]);
    return currentTasks(services, allTasks as RawTask[]);
}

/** `GET /info` and every running container inspected (with `withProcesses`, its `top` too). */
export async function engineAndContainers(docker: Docker, withProcesses = false): Promise<{ engine: EngineFacts; containers: ContainerFacts[] }> {
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
        authorizationPlugins: authorizationPlugins(info.Plugins),
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
    // A Windows engine also says what each image is (Os, OsVersion, RepoDigests): verify judges the exact build it pulled.
    const images = engine.osType === "windows" ? await imageFactsOf(docker, inspected.flatMap((c) => (c?.Image ? [c.Image] : []))) : new Map<string, ImageFacts>();
    const processes = withProcesses ? await Promise.all(inspected.map((c) => (c ? containerTop(docker, c.Id, engine.osType) : undefined))) : [];
    const containers: ContainerFacts[] = inspected.flatMap((c, i) =>
        c === undefined
            ? []
            : [{
                  id: c.Id,
                  name: c.Name.replace(/^\//, ""),
                  image: str(c.Config?.Image),
                  imageId: str(c.Image),
                  state: c.State?.Status ?? "unknown",
                  labels: labelsOf(c.Config?.Labels),
                  isolation: str((c.HostConfig as { Isolation?: unknown } | undefined)?.Isolation),
                  startedAtMs: millis(c.State?.StartedAt),
                  ...(withProcesses ? { processes: processes[i] } : {}),
                  ...(c.Image && images.has(c.Image) ? { imageFacts: images.get(c.Image) } : {}),
              }],
    );
    return { engine, containers };
}

/** `GET /images/{id}/json` of each distinct image; an image the engine cannot describe (404) is left unjudged. */
async function imageFactsOf(docker: Docker, ids: readonly string[]): Promise<Map<string, ImageFacts>> {
    const out = new Map<string, ImageFacts>();
    for (const id of [...new Set(ids)].sort()) {
        try {
            const i = (await docker.getImage(id).inspect()) as { Os?: unknown; OsVersion?: unknown; RepoDigests?: unknown };
            out.set(id, {
                os: str(i.Os),
                osVersion: str(i.OsVersion),
                repoDigests: Array.isArray(i.RepoDigests) ? i.RepoDigests.filter((d): d is string => typeof d === "string") : undefined,
            });
        } catch (err) {
            if ((err as { statusCode?: number }).statusCode === 404) continue;
            throw err;
        }
    }
    return out;
}
