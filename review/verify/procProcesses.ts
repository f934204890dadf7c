/**
 * This machine's own process list from /proc, for a local Linux engine: Id, name (argv[0]'s base
 * name, like the CMD column `docker top` shows; comm when a kernel thread has no argv) and start
 * time (field 22 of /proc/<pid>/stat, clock ticks after boot; boot time from /proc/stat btime).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HostProcess, HostProcessList } from "../../rules";

/** USER_HZ: 100 on every Linux architecture the engine runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS_PER_SECOND = 100;

export const PROC_SOURCE = "/proc of this machine";

function readOrUndefined(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        // The process ended between readdir and read: it is simply not on the list.
        return undefined;
    }
}

/** Every process /proc shows now. Throws (naming /proc) only when /proc itself is unreadable. */
export function readProcProcesses(proc = "/proc"): HostProcessList {
    const stat = fs.readFileSync(path.join(proc, "stat"), "utf8");
    const btime = /^btime (\d+)$/m.exec(stat);
    const bootMs = btime ? Number(btime[1]) * 1000 : undefined;
    const processes: HostProcess[] = [];
    for (const entry of fs.readdirSync(proc)) {
        if (!/^\d+$/.test(entry)) continue;
        const pid = Number(entry);
        const pstat = readOrUndefined(path.join(proc, entry, "stat"));
        if (pstat === undefined) continue;
        // "pid (comm) state ...": comm may hold spaces and parentheses, so split at the last ')'.
        const close = pstat.lastIndexOf(")");
        const comm = pstat.slice(pstat.indexOf("(") + 1, close);
        const rest = pstat.slice(close + 2).split(" ");
        const ticks = Number(rest[19]);
        const argv0 = (readOrUndefined(path.join(proc, entry, "cmdline")) ?? "").split("\0")[0];
        const name = argv0 ? path.basename(argv0) : comm;
        processes.push(bootMs !== undefined && Number.isFinite(ticks) ? { pid, name, startTimeMs: bootMs + (ticks * 1000) / CLOCK_TICKS_PER_SECOND } : { pid, name });
    }
    return { source: PROC_SOURCE, processes };
}
