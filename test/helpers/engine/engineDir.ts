/**
 * The engine's temp dir, named after the process that owns it:
 * /tmp/wi-engine-<pid namespace>-<pid>-<start>-XXXXXX, where <start> is the owner's start time
 * (clock ticks after boot), so that a reused pid is not taken for the owner, and <pid namespace>
 * the inode of the PID namespace the pid means something in (a suite in another one, sharing
 * /tmp, cannot judge the owner and leaves the dir alone). The name is set in the one mkdtemp that
 * creates the dir, so no other suite ever sees one of ours without its owner. The engine dies
 * with its owner (namespace.ts), so a dir whose owner is gone is a leftover of a killed run, and
 * the next start removes it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isRunning, processInfo } from "../../../review/process/procfs";

const PREFIX = "wi-engine-";
const OWNED = /^wi-engine-(\d+)-(\d+)-(\d+)-[^-]+$/;

/** The inode of this process's PID namespace ("pid:[4026531836]"). */
export function pidNamespace(): number {
    return Number(/\d+/.exec(fs.readlinkSync("/proc/self/ns/pid"))![0]);
}

export interface Owner {
    readonly pid: number;
    readonly startTicks: number;
}

export function ownerOf(pid: number): Owner {
    const p = processInfo(pid);
    if (!p) throw new Error(`engine dir: process ${pid} has no /proc entry to name it by`);
    return { pid, startTicks: p.startTicks };
}

/** The prefix mkdtemp completes; exported for tests that make dirs of other owners. */
export const dirPrefix = (owner: Owner, tmp = os.tmpdir(), pidNs = pidNamespace()): string => path.join(tmp, `${PREFIX}${pidNs}-${owner.pid}-${owner.startTicks}-`);

export function makeEngineDir(owner: Owner = ownerOf(process.pid), tmp = os.tmpdir()): string {
    return fs.mkdtempSync(dirPrefix(owner, tmp));
}

/**
 * Whether `name` (an engine dir's, or the cgroup named after it) belongs to an engine whose owner
 * has ended. A name without an owner in it (made by an older engine.ts, maybe still running) never is.
 */
export function isStale(name: string): boolean {
    const m = OWNED.exec(name);
    return m !== null && Number(m[1]) === pidNamespace() && !isRunning(Number(m[2]), Number(m[3]));
}

/** Removes every engine dir under `tmp` whose owner has ended; returns them. */
export function removeStaleEngineDirs(tmp = os.tmpdir()): string[] {
    const removed: string[] = [];
    for (const name of fs.readdirSync(tmp)) {
        if (!isStale(name)) continue;
        const dir = path.join(tmp, name);
        // force: another suite starting at the same time may be removing the same leftover.
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
    }
    return removed;
}
