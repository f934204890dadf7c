/** Process facts from Linux /proc; elsewhere there is no /proc and every list is empty. */
import * as fs from "fs";

export interface ProcInfo {
    readonly pid: number;
    readonly ppid: number;
    readonly pgid: number;
    /** When the process started, in clock ticks after boot: with the pid, names it across pid reuse. */
    readonly startTicks: number;
    /** One letter, as in /proc/<pid>/stat: R, S, D, Z (zombie: already dead, only not reaped yet), ... */
    readonly state: string;
    readonly cmdline: string;
}

/** The process now holding `pid`, zombie or not; undefined when there is none. */
export function processInfo(pid: number): ProcInfo | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name is in parentheses and may itself hold spaces or parentheses.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        return { pid, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), startTicks: Number(fields[19]), cmdline };
    } catch {
        return undefined; // gone meanwhile, or not ours to read
    }
}

/**
 * Whether `pid` still runs (a zombie has ended) and, given the start time it had, is still that
 * process rather than a later one that reused the pid.
 */
export function isRunning(pid: number, startTicks?: number): boolean {
    const p = processInfo(pid);
    return p !== undefined && p.state !== "Z" && p.state !== "X" && (startTicks === undefined || p.startTicks === startTicks);
}

/** Every process that is still alive (zombies are dead: they hold no memory and run nothing). */
export function liveProcesses(): ProcInfo[] {
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc");
    } catch {
        return [];
    }
    return entries
        .filter((e) => /^\d+$/.test(e))
        .map((e) => processInfo(Number(e)))
        .filter((p): p is ProcInfo => p !== undefined && p.state !== "Z" && p.state !== "X");
}

export function groupMembers(pgid: number): ProcInfo[] {
    return liveProcesses().filter((p) => p.pgid === pgid);
}

/** Whether the process's environment (as it was started) holds `name=value`. */
export function hasEnv(pid: number, name: string, value: string): boolean {
    try {
        return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${name}=${value}`);
    } catch {
        return false;
    }
}
