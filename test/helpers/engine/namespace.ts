/**
 * The engine's own PID, mount and network namespaces, whose life is tied to the process that
 * started them. `unshare --pid --fork` makes a shell the namespace's init (PID 1); when the init of
 * a PID namespace exits, the kernel kills every process left in it (dockerd, containerd, the shims
 * that are built to outlive dockerd, the containers) and the mount namespace, with every mount
 * dockerd made, goes with its last process. The init ends when either dockerd exits or its stdin
 * reaches EOF: stdin is a pipe whose only writer is the starting process, so the kernel closes it
 * however that process ends, SIGKILL included. (PR_SET_PDEATHSIG alone would not do: it fires when
 * the parent *thread* exits, and unshare, the init's parent, outlives a killed starter.)
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { liveProcesses, ProcInfo } from "../../../review/process/procfs";

/**
 * The init's script: `command` runs as its child; fd 3 keeps the starter's pipe because POSIX sh
 * gives an asynchronous list /dev/null as stdin. `wait` ends the init when dockerd ends, and the
 * watcher ends dockerd at EOF.
 */
export function initScript(setup: string, command: string): string {
    return [
        "exec 3<&0 0</dev/null",
        `${setup} || exit 1`,
        `${command} 3<&- & d=$!`,
        '{ cat <&3 >/dev/null; kill -KILL "$d"; } &',
        "exec 3<&-",
        'wait "$d"',
    ].join("\n");
}

/**
 * Starts the namespaces: `--kill-child` also ends the init (SIGKILL) when unshare itself is killed;
 * `--mount-proc` gives the namespace a /proc of its own, so that dockerd's `ps` (docker top) and
 * containerd agree on its PIDs.
 */
export function startNamespaces(script: string, out: number): ChildProcess {
    return spawn("unshare", ["--pid", "--fork", "--mount-proc", "--net", "--cgroup", "--kill-child=SIGKILL", "--", "/bin/sh", "-c", script], {
        stdio: ["pipe", out, out],
    });
}

/** The namespace's init as this machine sees it: unshare's only child, once it has forked. */
export function findInit(unsharePid: number): number | undefined {
    return liveProcesses().find((p) => p.ppid === unsharePid)?.pid;
}

function nsLink(pid: number, kind: "pid" | "mnt" | "net"): string | undefined {
    try {
        return fs.readlinkSync(`/proc/${pid}/ns/${kind}`);
    } catch {
        return undefined; // gone, or a kernel thread
    }
}

/** Every live process in the same `kind` namespace as `pid` (none when `pid` is gone). */
export function sameNamespace(pid: number, kind: "pid" | "mnt" | "net"): ProcInfo[] {
    const ns = nsLink(pid, kind);
    return ns === undefined ? [] : liveProcesses().filter((p) => nsLink(p.pid, kind) === ns);
}

/** This machine's pid of the process the namespace of `init` calls `nsPid` (NSpid: outermost first). */
export function hostPid(init: number, nsPid: number): number | undefined {
    for (const p of sameNamespace(init, "pid")) {
        try {
            const nspid = /^NSpid:\s+(.+)$/m.exec(fs.readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1].split(/\s+/);
            if (nspid && Number(nspid[nspid.length - 1]) === nsPid) return p.pid;
        } catch {
            // ended meanwhile
        }
    }
    return undefined;
}

/** The namespace's /proc, as this machine reaches it (through the init's root). */
export const namespaceProc = (init: number): string => `/proc/${init}/root/proc`;

/**
 * nsenter arguments that run a command inside the engine's namespaces of those kinds, in `wd`
 * (entering a mount namespace otherwise starts it in /).
 */
export function enter(init: number, kinds: ("pid" | "mount" | "net")[], wd?: string): string[] {
    return ["--target", String(init), ...kinds.map((k) => `--${k}`), ...(wd ? [`--wd=${wd}`] : []), "--"];
}
