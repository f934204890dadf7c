/**
 * The kernel's own evidence, as Microsoft's "Hyper-V isolation" page shows it by hand: a
 * process-isolated container's processes are host processes (`docker top` PID 3964 `ping` is the
 * host's `Get-Process -Name ping` Id 3964), while a Hyper-V isolated container's processes are not
 * on the host at all and a `vmwp` worker process stands for its utility VM
 * (MicrosoftDocs/Virtualization-Documentation, virtualization/windowscontainers/manage-containers/hyperv-container.md).
 * Pure: the engine's process list of one container against one host process list.
 */

/** One row of `GET /containers/{id}/top`: the PID and the command as the engine shows them. */
export interface ContainerProcess {
    readonly pid: number;
    /** Windows: the `Name` column ("ping.exe"); Linux: the `CMD` column ("/bin/sleep 3600"). */
    readonly command: string;
}

/** One process of the host, as Get-Process (Id, ProcessName, StartTime) or /proc shows it. */
export interface HostProcess {
    readonly pid: number;
    readonly name: string;
    /** Milliseconds since the epoch, when the source knows it. */
    readonly startTimeMs?: number;
}

/** The host's process list and where it came from (named in every verdict and report). */
export interface HostProcessList {
    /** e.g. "--host-processes host.json", "/proc of this machine", "Azure Run Command on <vm id>". */
    readonly source: string;
    readonly processes: readonly HostProcess[];
}

export type WitnessVerdict = "shares-host-kernel" | "kernel-isolated" | "inconclusive";

export interface Witness {
    readonly verdict: WitnessVerdict;
    /** Where the host list came from. */
    readonly source: string;
    /** One sentence naming the exact fields the verdict used. */
    readonly reason: string;
    /** Container PIDs found on the host with the same name (and a start time that fits). */
    readonly matchedPids: readonly number[];
    /** Host PIDs of VM worker processes (vmwp), the utility VMs of Hyper-V isolated containers. */
    readonly vmWorkerPids: readonly number[];
}

/** Host process names that stand for a Hyper-V VM (the utility VM of a Hyper-V isolated container). */
export const VM_WORKER_PROCESS_NAMES: readonly string[] = ["vmwp"];

/**
 * How long before the container's `State.StartedAt` one of its processes may have started: the
 * engine creates the first process, then records StartedAt. A host process with the same PID that
 * started earlier than this is an older process whose PID the container's process reused.
 */
export const START_TIME_SLACK_MS = 10_000;

/** "C:\\Windows\\System32\\PING.EXE -t", "ping.exe", "PING", "/bin/sleep 3600" -> "ping", "ping", "ping", "sleep". */
export function processName(command: string): string {
    const first = command.trim().split(/\s+/)[0] ?? "";
    const base = first.split(/[\\/]/).pop() ?? "";
    return base.replace(/\.exe$/i, "").toLowerCase();
}

const list = (pids: readonly number[]) => pids.join(", ");

/**
 * The verdict for one running container. `top` is undefined when the engine could not list the
 * container's processes; `startedAtMs` is its `State.StartedAt`.
 */
export function witnessContainer(top: readonly ContainerProcess[] | undefined, startedAtMs: number | undefined, host: HostProcessList): Witness {
    const vmWorkerPids = host.processes.filter((p) => VM_WORKER_PROCESS_NAMES.includes(processName(p.name))).map((p) => p.pid);
    const base = { source: host.source, vmWorkerPids };
    const inconclusive = (reason: string, matchedPids: readonly number[] = []): Witness => ({ ...base, verdict: "inconclusive", reason, matchedPids });
    if (host.processes.length === 0) return inconclusive(`the host process list (${host.source}) is empty`);
    if (top === undefined) return inconclusive("GET /containers/{id}/top gave no process list");
    if (top.length === 0) return inconclusive("GET /containers/{id}/top listed no processes");

    const byPid = new Map<number, HostProcess[]>();
    for (const p of host.processes) byPid.set(p.pid, [...(byPid.get(p.pid) ?? []), p]);
    const matched: number[] = [];
    const reused: string[] = [];
    const absent: number[] = [];
    for (const c of top) {
        const name = processName(c.command);
        const same = (byPid.get(c.pid) ?? []).filter((h) => processName(h.name) === name);
        if (same.length === 0) {
            absent.push(c.pid);
            continue;
        }
        const early = same.find((h) => h.startTimeMs !== undefined && startedAtMs !== undefined && h.startTimeMs < startedAtMs - START_TIME_SLACK_MS);
        if (early) reused.push(`PID ${c.pid} '${name}' started ${new Date(early.startTimeMs!).toISOString()}, before the container's State.StartedAt ${new Date(startedAtMs!).toISOString()}`);
        else matched.push(c.pid);
    }
    const fields = `top PID + process name against the host's Id + ProcessName${host.processes.some((p) => p.startTimeMs !== undefined) && startedAtMs !== undefined ? " (+ StartTime vs State.StartedAt)" : ""} from ${host.source}`;
    if (reused.length > 0) return inconclusive(`PID reused: ${reused.join("; ")} (${fields})`, matched);
    if (matched.length === top.length) {
        return { ...base, verdict: "shares-host-kernel", matchedPids: matched, reason: `all ${top.length} process(es) of GET /containers/{id}/top (PID ${list(matched)}) are host processes with the same Id and name (${fields})` };
    }
    if (matched.length > 0) {
        return inconclusive(`${matched.length} of ${top.length} process(es) (PID ${list(matched)}) are host processes with the same Id and name, PID ${list(absent)} are not (${fields}); a process may have ended between the two lists`, matched);
    }
    if (vmWorkerPids.length === 0) {
        return inconclusive(`none of the ${top.length} process(es) of GET /containers/{id}/top (PID ${list(absent)}) is a host process, but the host list has no VM worker process (${VM_WORKER_PROCESS_NAMES.join(", ")}), so it may be another machine's or filtered (${fields})`);
    }
    return {
        ...base,
        verdict: "kernel-isolated",
        matchedPids: [],
        reason: `none of the ${top.length} process(es) of GET /containers/{id}/top (PID ${list(absent)}) is a host process, and the host runs VM worker process(es) ${VM_WORKER_PROCESS_NAMES.join("/")} Id ${list(vmWorkerPids)} (${fields})`,
    };
}
