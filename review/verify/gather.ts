/**
 * Asks the engine (dockerode) for the facts `attest` judges. Nothing here decides anything;
 * every request is bounded so that a dead endpoint costs at most the timeout.
 */
import Docker from "dockerode";
import { ContainerFacts, EngineFacts, HostFacts, TaskFacts } from "../../components/windows";
import { Target } from "./target";

/** A failure to reach or understand the engine: exit 2, with a message naming the endpoint. */
export class EngineError extends Error {}

export function dockerFor(target: Target, timeoutMs: number): Docker {
    // docker-modem merges DOCKER_HOST/DOCKER_CERT_PATH defaults into whatever we pass, so every
    // connection field is set explicitly: the target alone decides where we connect.
    const common = { timeout: timeoutMs, connectionTimeout: timeoutMs, headers: {} };
    if (target.kind !== "tcp") {
        return new Docker({ ...common, socketPath: target.socketPath, host: undefined, port: undefined, protocol: "http", ca: undefined, cert: undefined, key: undefined });
    }
    return new Docker({
        ...common,
        host: target.host,
        port: target.port,
        protocol: "https",
        ca: target.tls.ca,
        cert: target.tls.cert,
        key: target.tls.key,
    });
}

const TLS_SERVER_UNTRUSTED = new Set([
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_SIGNATURE_FAILURE",
    "CERT_UNTRUSTED",
]);

/** One sentence that says which endpoint failed, how, and what to check. */
export function describeEngineError(err: unknown, target: Target, timeoutMs: number): string {
    const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string }; reason?: string };
    const code = e?.code ?? "";
    const text = String(e?.message ?? e).trim();
    const at = `cannot verify ${target.endpoint}`;
    if (e instanceof EngineError) return `${at}: ${e.message}`;
    if (code === "ECONNREFUSED") return `${at}: connection refused (nothing listens there; is the engine running and is the port right?)`;
    if (code === "ENOENT" && target.kind !== "tcp") return `${at}: no socket at ${target.socketPath} (is the engine running?)`;
    if (code === "EACCES" && target.kind !== "tcp") return `${at}: permission denied on ${target.socketPath} (run as a user allowed to use the engine)`;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `${at}: host name does not resolve (${code})`;
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${at}: host unreachable (${code})`;
    if (target.kind === "tcp") {
        if (TLS_SERVER_UNTRUSTED.has(code)) return `${at}: the engine's server certificate is not signed by the CA in ${target.tls.caSource} (${code})`;
        if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `${at}: the engine's server certificate is not issued for ${target.host} (${e.reason ?? text})`;
        if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return `${at}: the engine's server certificate is not valid now (${code})`;
        const notTls = /wrong[ _]version[ _]number|packet[ _]length[ _]too[ _]long|http[ _]request|unknown[ _]protocol/i.exec(code + " " + text);
        if (notTls) {
            return `${at}: the endpoint does not speak TLS (a plain-HTTP engine?); verify only talks to tcp engines over verified mutual TLS (${[code, notTls[0]].filter(Boolean).join(": ")})`;
        }
        if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|DECRYPT_ERROR|ACCESS_DENIED|HANDSHAKE_FAILURE)/i.test(code + " " + text)) {
            return `${at}: the engine refused our client certificate ${target.tls.certSource} (${code || text}); use a certificate signed by the CA the engine trusts`;
        }
        if (code === "ECONNRESET" || code === "EPIPE") {
            return `${at}: the engine closed the TLS connection (${code}); most often it refused our client certificate ${target.tls.certSource}`;
        }
        if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || code === "EPROTO") return `${at}: TLS failed (${code}: ${text})`;
    }
    if (/socket hang up/i.test(text) || code === "ECONNRESET") return `${at}: the engine closed the connection (${code || text})`;
    if (typeof e?.statusCode === "number") return `${at}: the engine answered HTTP ${e.statusCode} (${e.json?.message ?? text})`;
    if (/timeout|timed out|ETIMEDOUT/i.test(code + " " + text)) return `${at}: no answer within ${timeoutMs / 1000}s`;
    return `${at}: ${code ? `${code}: ` : ""}${text}`;
}

/** Resolves with the promise, or rejects after `ms` whatever the transport does. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EngineError(`no answer within ${ms / 1000}s (${what})`)), ms);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

function labelsOf(v: unknown): Record<string, string> {
    if (typeof v !== "object" || v === null) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}

/**
 * The task that currently stands for each slot of each service (the newest per replica slot,
 * or per node for global services): swarm keeps the history, and a refused task stays the
 * current one when the restart policy gives up. Slots beyond the replica count are gone.
 */
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

/** Facts for `attest`: engine info, every running container inspected, current swarm tasks. */
export async function gatherFacts(docker: Docker): Promise<HostFacts> {
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
    const containers: ContainerFacts[] = inspected.flatMap((c) =>
        c === undefined
            ? []
            : [{
                  id: c.Id,
                  name: c.Name.replace(/^\//, ""),
                  image: str(c.Config?.Image),
                  state: c.State?.Status ?? "unknown",
                  labels: labelsOf(c.Config?.Labels),
                  isolation: str((c.HostConfig as { Isolation?: unknown } | undefined)?.Isolation),
              }],
    );

    let tasks: TaskFacts[] = [];
    if (engine.swarmState === "active" && engine.swarmManager) {
        const [services, allTasks] = await Promise.all([docker.listServices(), docker.listTasks()]);
        tasks = currentTasks(services, allTasks as RawTask[]);
    }
    return { engine, containers, tasks };
}
