/**
 * The kernel's own evidence, as Microsoft's "Hyper-V isolation" page shows it by hand: a
 * process-isolated container's processes are host processes (`docker top` PID 3964 `ping` is the
 * host's `Get-Process -Name ping` Id 3964), while a Hyper-V isolated container's processes are not
 * on the host at all and a `vmwp` worker process stands for its utility VM
 * (MicrosoftDocs/Virtualization-Documentation, virtualization/windowscontainers/manage-containers/hyperv-container.md).
 *
 * Absence proves nothing on its own: a list that is filtered, partial or from another machine
 * also lacks the container's processes. So the list must first prove that it is complete and from
 * the engine's machine (witnessHost.ts), and `kernel-isolated` needs positive evidence for each
 * container: its utility VM's worker process (a mapping through the host compute service), or at
 * least as many VM workers as containers that need one (a count, and said to be one).
 * Pure: the engine's process lists of all containers against one host process list.
 */
import { hostListProblems, HostIdentity } from "./witnessHost";

/** One row of `GET /containers/{id}/top`: the PID and the executable as the engine shows them. */
export interface ContainerProcess {
    readonly pid: number;
    /** Windows: the `Name` column ("ping.exe"); Linux: `ps -o pid,comm`'s COMMAND column ("sleep"). */
    readonly command: string;
}

/** One process of the host, as Get-Process (Id, ProcessName, StartTime) or /proc shows it. */
export interface HostProcess {
    readonly pid: number;
    readonly name: string;
    /** Milliseconds since the epoch, when the source knows it. */
    readonly startTimeMs?: number;
}

/** A VM worker process and the VM id its command line carries (`vmwp.exe <VM GUID>`). */
export interface VmWorker {
    readonly pid: number;
    readonly vmId: string;
}

/** A host compute system (hcsshim schema1 ContainerProperties: `Id`, `RuntimeId`). */
export interface ComputeSystem {
    /** dockerd names a container's compute system after the container id. */
    readonly id: string;
    /** The utility VM's id: the GUID its vmwp carries. */
    readonly runtimeId: string;
}

/** The host's process list and where it came from (named in every verdict and report). */
export interface HostProcessList {
    /** e.g. "--host-processes host.json", "/proc of this machine", "Azure Run Command on <vm id>". */
    readonly source: string;
    readonly processes: readonly HostProcess[];
    /** The machine's host name, as the list says (compared with GET /info Name). */
    readonly machineName?: string;
    /** dockerd's PID from its pid file, when the source read it. */
    readonly dockerdPid?: number;
    /** When the source reported it: every process the host had; `processes` may hold only those asked for. */
    readonly totalProcesses?: number;
    /** vmwp processes with the VM id from their command lines, when the source could read them. */
    readonly vmWorkers?: readonly VmWorker[];
    /** The host compute service's systems, when the source could list them. */
    readonly computeSystems?: readonly ComputeSystem[];
}

export type WitnessVerdict = "shares-host-kernel" | "kernel-isolated" | "inconclusive";

/** What a `kernel-isolated` stands on: this container's own VM worker, or only a count of them. */
export type WitnessEvidence = "vm-mapping" | "vm-count";

export interface Witness {
    readonly verdict: WitnessVerdict;
    /** Where the host list came from. */
    readonly source: string;
    /** One sentence naming the exact fields the verdict used. */
    readonly reason: string;
    /** Container PIDs found on the host with the same name (and a start time that fits). */
    readonly matchedPids: readonly number[];
    /** Host PIDs of VM worker processes (vmwp) that are none of the containers' own processes. */
    readonly vmWorkerPids: readonly number[];
    /** With kernel-isolated: whether a mapping or only a count stands behind it. */
    readonly evidence?: WitnessEvidence;
    /** With a mapping: the vmwp PID that runs this container's utility VM. */
    readonly vmWorkerPid?: number;
}

/** One running container as the witness needs it. */
export interface WitnessTarget {
    readonly id: string;
    /** undefined when the engine could not list the container's processes. */
    readonly processes?: readonly ContainerProcess[];
    /** `State.StartedAt`. */
    readonly startedAtMs?: number;
}

/** Host process names that stand for a Hyper-V VM (the utility VM of a Hyper-V isolated container). */
export const VM_WORKER_PROCESS_NAMES: readonly string[] = ["vmwp"];

/**
 * How long before the container's `State.StartedAt` one of its processes may have started: the
 * engine creates the first process, then records StartedAt. A host process with the same PID that
 * started earlier than this is an older process whose PID the container's process reused.
 */
export const START_TIME_SLACK_MS = 10_000;

/**
 * The executable's name, the one notion both sides share: "ping.exe", "PING", "C:\\Windows\\System32\\PING.EXE"
 * -> "ping"; "my app.exe" -> "my app". Never the first word of a command line: a container whose
 * executable is `/a b/vmwp` must not be read as "a" on one side and "vmwp" on the other.
 */
export function processName(executable: string): string {
    const base = executable.trim().replace(/\s+/g, " ").split(/[\\/]/).pop() ?? "";
    return base.replace(/\.exe$/i, "").toLowerCase();
}

/** The host list indexed once (PID -> processes), shared by every container. */
export interface HostIndex {
    readonly byPid: ReadonlyMap<number, readonly HostProcess[]>;
}

export function indexHost(host: HostProcessList): HostIndex {
    const byPid = new Map<number, HostProcess[]>();
    for (const p of host.processes) {
        const same = byPid.get(p.pid);
        if (same) same.push(p);
        else byPid.set(p.pid, [p]);
    }
    return { byPid };
}

const list = (pids: readonly number[]) => pids.join(", ");
const iso = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

type Comparison =
    | { readonly kind: "no-top"; readonly reason: string }
    | { readonly kind: "reused"; readonly matched: number[]; readonly reason: string }
    | { readonly kind: "partial"; readonly matched: number[]; readonly reason: string }
    | { readonly kind: "shares"; readonly matched: number[]; readonly reason: string }
    | { readonly kind: "absent"; readonly absent: number[] };

function compare(t: WitnessTarget, index: HostIndex, fields: string): Comparison {
    if (t.processes === undefined) return { kind: "no-top", reason: "GET /containers/{id}/top gave no process list" };
    if (t.processes.length === 0) return { kind: "no-top", reason: "GET /containers/{id}/top listed no processes" };
    const matched: number[] = [];
    const reused: string[] = [];
    const absent: number[] = [];
    for (const c of t.processes) {
        const name = processName(c.command);
        const same = (index.byPid.get(c.pid) ?? []).filter((h) => processName(h.name) === name);
        if (same.length === 0) {
            absent.push(c.pid);
            continue;
        }
        const early = same.find((h) => h.startTimeMs !== undefined && t.startedAtMs !== undefined && h.startTimeMs < t.startedAtMs - START_TIME_SLACK_MS);
        if (early) reused.push(`PID ${c.pid} '${name}' started ${iso(early.startTimeMs!)}, before the container's State.StartedAt ${iso(t.startedAtMs!)}`);
        else matched.push(c.pid);
    }
    const n = t.processes.length;
    if (reused.length > 0) return { kind: "reused", matched, reason: `PID reused: ${reused.join("; ")} (${fields})` };
    if (matched.length === n) return { kind: "shares", matched, reason: `all ${n} process(es) of GET /containers/{id}/top (PID ${list(matched)}) are host processes with the same Id and name (${fields})` };
    if (matched.length > 0) {
        return { kind: "partial", matched, reason: `${matched.length} of ${n} process(es) (PID ${list(matched)}) are host processes with the same Id and name, PID ${list(absent)} are not (${fields}); a process may have ended between the two lists` };
    }
    return { kind: "absent", absent };
}

/**
 * The verdict for every running container, in the order given. `engine` is what GET /info says
 * (OS type, host name): the list must match it before any verdict but `inconclusive` is given.
 */
export function witnessContainers(targets: readonly WitnessTarget[], host: HostProcessList, engine: HostIdentity): Witness[] {
    const index = indexHost(host);
    // A PID that belongs to a container is the container's, never the host's VM worker.
    const containerPids = new Set(targets.flatMap((t) => (t.processes ?? []).map((p) => p.pid)));
    const vmWorkers = host.processes.filter((p) => VM_WORKER_PROCESS_NAMES.includes(processName(p.name)) && !containerPids.has(p.pid));
    const vmWorkerPids = vmWorkers.map((p) => p.pid);
    const base = { source: host.source, vmWorkerPids };
    const inconclusive = (reason: string, matchedPids: readonly number[] = []): Witness => ({ ...base, verdict: "inconclusive", reason, matchedPids });

    const problems = hostListProblems(host, index, engine);
    if (problems.length > 0) {
        const why = `the host list (${host.source}) is not proven complete and from the engine's machine: ${problems.join("; ")}`;
        return targets.map(() => inconclusive(why));
    }
    const fields = `top PID + process name against the host's Id + ProcessName${host.processes.some((p) => p.startTimeMs !== undefined) ? " (+ StartTime vs State.StartedAt)" : ""} from ${host.source}`;
    const compared = targets.map((t) => compare(t, index, fields));
    // Containers none of whose processes is a host process: each needs a utility VM of its own.
    const claimants = compared.filter((c) => c.kind === "absent").length;
    const workerOf = new Map((host.vmWorkers ?? []).filter((w) => vmWorkerPids.includes(w.pid)).map((w) => [w.vmId.toLowerCase(), w.pid]));
    const systemOf = new Map((host.computeSystems ?? []).map((s) => [s.id.toLowerCase(), s.runtimeId.toLowerCase()]));

    return targets.map((t, i): Witness => {
        const c = compared[i];
        if (c.kind === "no-top") return inconclusive(c.reason);
        if (c.kind === "reused" || c.kind === "partial") return inconclusive(c.reason, c.matched);
        if (c.kind === "shares") return { ...base, verdict: "shares-host-kernel", matchedPids: c.matched, reason: c.reason };
        const none = `none of the ${c.absent.length} process(es) of GET /containers/{id}/top (PID ${list(c.absent)}) is a host process`;
        if (host.computeSystems !== undefined) {
            const runtimeId = systemOf.get(t.id.toLowerCase());
            if (runtimeId === undefined) return inconclusive(`${none}, but the host compute service lists no compute system ${t.id} (${fields})`);
            const pid = workerOf.get(runtimeId);
            if (pid === undefined) return inconclusive(`${none}, but no vmwp on the host carries compute system ${t.id}'s RuntimeId ${runtimeId} (${fields})`);
            return {
                ...base,
                verdict: "kernel-isolated",
                matchedPids: [],
                evidence: "vm-mapping",
                vmWorkerPid: pid,
                reason: `${none}; the host compute service runs it as compute system ${t.id} with RuntimeId ${runtimeId}, the VM of vmwp PID ${pid} (${fields})`,
            };
        }
        if (vmWorkerPids.length === 0) return inconclusive(`${none}, but the host runs no VM worker process (${VM_WORKER_PROCESS_NAMES.join(", ")}) that is not a container's own (${fields})`);
        if (vmWorkerPids.length < claimants) {
            return inconclusive(`${none}, but ${claimants} containers have no process on the host and only ${vmWorkerPids.length} VM worker process(es) (vmwp Id ${list(vmWorkerPids)}) run, so not each has a utility VM (${fields})`);
        }
        return {
            ...base,
            verdict: "kernel-isolated",
            matchedPids: [],
            evidence: "vm-count",
            reason: `${none}, and ${vmWorkerPids.length} VM worker process(es) (vmwp Id ${list(vmWorkerPids)}) run for the ${claimants} container(s) without a host process: a count, not a mapping of this container to its VM (${fields})`,
        };
    });
}
