/**
 * Every child process the review tools start. Each is started `detached`, so it leads its own
 * process group: ending the group also ends whatever the child started itself (a program's own
 * subprocesses, a pack server's workers). A group counts as ended only when no live process is
 * left in it, so a tool that has ended its children leaves nothing behind when it exits.
 * `endChildrenOnExit` does that on every exit path of a tool, SIGINT and SIGTERM included.
 */
import { ChildProcess } from "child_process";
import { groupMembers } from "./procfs";

const live = new Set<ChildProcess>();

function exited(child: ChildProcess): boolean {
    return child.exitCode !== null || child.signalCode !== null;
}

/** Registers a child started with `detached: true` (so its pid is its process group id). */
export function track<T extends ChildProcess>(child: T): T {
    live.add(child);
    return child;
}

/** Sends `signal` to the child's whole process group (synchronous: usable from an exit handler). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        // ESRCH: the group is gone already.
    }
}

const exitOf = (child: ChildProcess) => new Promise<void>((resolve) => (exited(child) || child.pid === undefined ? resolve() : child.once("exit", () => resolve())));

/** Resolves once no live process is left in the group (what the child started may outlive it by a moment). */
async function groupGone(pgid: number): Promise<void> {
    // Bounded: a process stuck in the kernel cannot hold the tool forever.
    for (let i = 0; i < 250 && groupMembers(pgid).length > 0; i++) {
        try {
            process.kill(-pgid, "SIGKILL");
        } catch {
            return;
        }
        await new Promise((r) => setTimeout(r, 20));
    }
}

/**
 * Ends the child's process group and resolves once it is gone. SIGTERM first lets a pack server
 * close its port; SIGKILL follows after `graceMs`, and for whatever else is left in the group.
 */
export async function endGroup(child: ChildProcess, graceMs = 2000): Promise<void> {
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    signalGroup(child, exited(child) ? "SIGKILL" : "SIGTERM");
    await exitOf(child);
    clearTimeout(timer);
    signalGroup(child, "SIGKILL");
    if (child.pid !== undefined) await groupGone(child.pid);
    live.delete(child);
}

/** Ends every registered child's group and waits for each. */
export async function endAll(): Promise<void> {
    await Promise.all([...live].map((c) => endGroup(c)));
}

/** Kills every registered child's group at once, synchronously (the last resort of an `exit` handler). */
export function killAll(): void {
    for (const c of live) signalGroup(c, "SIGKILL");
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * For a tool's entry point: on SIGINT/SIGTERM/SIGHUP every registered child's group is killed
 * and waited for before the tool exits (128 + the signal number); on any other exit (normal,
 * `process.exit`, an uncaught error) whatever is still registered is killed.
 */
let installed = false;
/** The exit code of a stop by signal under way: the tool then exits only once its children are gone. */
let stoppingWith: number | undefined;

/**
 * For a tool's entry point, in place of `process.exit(code)`: while a stop by signal is under way
 * the tool's own end (its run failing as its children are killed) must not exit first, with
 * another code, before the children are gone; the stop exits with the signal's code.
 */
export function exitUnlessStopping(code: number): void {
    if (stoppingWith === undefined) process.exit(code);
}

export function endChildrenOnExit(tool: string): void {
    // Once per process, whichever entry point (the tool's own, or `windows-isolation <tool>`) gets here first.
    if (installed) return;
    installed = true;
    process.on("exit", killAll);
    for (const [signal, code] of Object.entries(SIGNAL_EXIT) as [NodeJS.Signals, number][]) {
        process.once(signal, () => {
            stoppingWith ??= code;
            const n = live.size;
            process.stderr.write(`${tool}: stopped by ${signal}${n > 0 ? `; ending ${n} child process group(s)` : ""}\n`);
            killAll();
            void Promise.all([...live].map((c) => endGroup(c, 0))).finally(() => process.exit(stoppingWith));
        });
    }
}
