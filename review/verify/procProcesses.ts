/**
 * This machine's own process list from /proc, for a local Linux engine: Id, name (the kernel's name
 * of the executable, `comm` in /proc/<pid>/stat: what `ps -o comm` shows for `docker top`, and not
 * argv[0], which a process writes itself) and start time (field 22 of /proc/<pid>/stat, clock ticks
 * after boot; boot time from /proc/stat btime). The machine's name is the host name in
 * /proc/sys/kernel/hostname, what the engine reports as GET /info Name.
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
        const name = pstat.slice(pstat.indexOf("(") + 1, close);
        const ticks = Number(pstat.slice(close + 2).split(" ")[19]);
        processes.push(bootMs !== undefined && Number.isFinite(ticks) ? { pid, name, startTimeMs: bootMs + (ticks * 1000) / CLOCK_TICKS_PER_SECOND } : { pid, name });
    }
    const hostname = readOrUndefined(path.join(proc, "sys", "kernel", "hostname"))?.trim();
    return { source: PROC_SOURCE, processes, ...(hostname ? { machineName: hostname } : {}), totalProcesses: processes.length };
}
