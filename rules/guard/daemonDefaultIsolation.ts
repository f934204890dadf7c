/**
 * The default isolation a daemon.json sets (`exec-opts: ["isolation=<mode>"]`), which the guard's
 * settings may state as `daemonDefaultIsolation` only when it is true: a stated `hyperv` lets
 * untrusted work with an unset isolation pass, so a daemon that really defaults to `process`
 * (Windows Server's default) would run it without Hyper-V.
 */
export type DaemonDefaultIsolation = "hyperv" | "process";

/** The mode named by the first `isolation=` exec-opt (case as dockerd reads it), or undefined. */
export function daemonDefaultIsolation(execOpts: readonly string[]): DaemonDefaultIsolation | undefined {
    const opt = execOpts.map((o) => /^isolation=(.+)$/i.exec(o)?.[1]?.toLowerCase()).find((v) => v !== undefined);
    return opt === "hyperv" || opt === "process" ? opt : undefined;
}

/**
 * Whether settings that state `stated` may run with a daemon whose exec-opts give `configured`:
 * stating nothing is always safe (unset isolation is then judged as unset); stating a mode needs
 * the daemon to set that very mode.
 */
export function statedDefaultHolds(stated: DaemonDefaultIsolation | undefined, configured: DaemonDefaultIsolation | undefined): boolean {
    return stated === undefined || stated === configured;
}
