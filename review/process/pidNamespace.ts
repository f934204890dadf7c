/**
 * Runs a command in a PID namespace of its own whose life is tied to the process that started
 * it, so that nothing the command starts (a detached child, a `setsid` one, a double fork) can
 * outlive it: when the init of a PID namespace exits, the kernel kills every process left in it,
 * and the init's exit is reaped only after they are gone. The init is a shell (PID 1) that runs
 * the command as its child and exits with its status, or kills it when its stdin reaches EOF:
 * stdin is a pipe whose only writer is the starter, so the kernel closes it however the starter
 * ends, SIGKILL included. `--kill-child` also ends the init when `unshare` itself is killed, and
 * `--mount-proc` gives the namespace a /proc of its own (the command's /proc/self is its own).
 * As root the namespace is made directly; otherwise inside a user namespace that maps the user to
 * itself (`--map-current-user`). Where neither is allowed, `containmentProblem` says why and the
 * tool refuses to run the command (fail closed: a program that could outlive the plan could
 * rewrite its reports).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";

/**
 * `exec 3<&0`: fd 3 keeps the starter's pipe, as POSIX sh gives an asynchronous list /dev/null as
 * stdin. The first argument is the PWD the command gets (sh sets its own from its folder): the
 * starter's, so the command's environment is the one it was given.
 */
const INIT = [
    'p=$1; shift; if [ -n "$p" ]; then export PWD="$p"; else unset PWD; fi',
    "exec 3<&0 0</dev/null",
    '"$@" 3<&- & c=$!',
    '{ cat <&3 >/dev/null; kill -KILL "$c"; } &',
    "exec 3<&-",
    'wait "$c"',
].join("\n");

function unshareArgs(): string[] {
    const asRoot = process.getuid?.() === 0;
    return [...(asRoot ? [] : ["--user", "--map-current-user"]), "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL"];
}

let checked: string | undefined | null = null;

/** Why a PID namespace cannot be made here (undefined: it can). Checked once per process. */
export function containmentProblem(): string | undefined {
    if (checked !== null) return checked;
    const r = spawnSync("unshare", [...unshareArgs(), "--", "/bin/true"], { encoding: "utf8", timeout: 10_000 });
    checked =
        r.error || r.status !== 0
            ? `cannot start the program in a PID namespace of its own (unshare ${unshareArgs().join(" ")}: ${(r.error?.message ?? r.stderr).trim() || `exit ${r.status}`}); ` +
              "the plan runs a program only where nothing it starts can outlive the plan: run it as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / kernel.apparmor_restrict_unprivileged_userns=0)"
            : undefined;
    return checked;
}

/**
 * Starts `command args` in its own PID namespace, in `cwd` with `env`, stdin /dev/null, stdout
 * and stderr piped. The returned process is `unshare`, leader of its own process group; its exit
 * status is the command's, and once it has exited nothing of the namespace is left.
 */
export function spawnInPidNamespace(command: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
    return spawn("unshare", [...unshareArgs(), "--", "/bin/sh", "-c", INIT, "sh", opts.env.PWD ?? "", command, ...args], {
        cwd: opts.cwd,
        env: opts.env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
    });
}
