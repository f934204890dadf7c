/**
 * Is the host list the whole list of the engine's own machine? Without that, a container's
 * processes missing from it prove nothing (the list may be `Get-Process -Name vmwp` alone, or
 * another node's). A complete list of the engine's machine holds the kernel's own process
 * (Windows: `System`, PID 4; Linux: PID 1), the engine (`dockerd`, at the PID its pid file names
 * when the source read it), and names the machine GET /info calls `Name`.
 */
import type { HostIndex, HostProcessList } from "./witness";

/** What GET /info says about the machine the engine runs on. */
export interface HostIdentity {
    /** `OSType`. */
    readonly osType: string;
    /** `Name`: the engine's host name. */
    readonly machineName?: string;
}

/** The kernel's own process on each OS: Windows' `System` is PID 4; Linux's init is PID 1. */
export const KERNEL_PROCESS: Readonly<Record<"windows" | "linux", { readonly pid: number; readonly name?: string; readonly shown: string }>> = {
    windows: { pid: 4, name: "system", shown: "'System' process with Id 4" },
    linux: { pid: 1, shown: "process with Id 1 (init)" },
};

export const ENGINE_PROCESS_NAME = "dockerd";

const nameOf = (n: string) => n.trim().replace(/\.exe$/i, "").toLowerCase();

/** Why the list cannot stand for the engine's machine; empty when it can. */
export function hostListProblems(host: HostProcessList, index: HostIndex, engine: HostIdentity): string[] {
    const problems: string[] = [];
    if (host.processes.length === 0) return [`it lists no process`];
    const kernel = engine.osType === "windows" ? KERNEL_PROCESS.windows : KERNEL_PROCESS.linux;
    const atKernelPid = index.byPid.get(kernel.pid) ?? [];
    if (!atKernelPid.some((p) => kernel.name === undefined || nameOf(p.name) === kernel.name)) {
        problems.push(`no ${kernel.shown}`);
    }
    if (host.dockerdPid !== undefined) {
        if (!(index.byPid.get(host.dockerdPid) ?? []).some((p) => nameOf(p.name) === ENGINE_PROCESS_NAME)) {
            problems.push(`no '${ENGINE_PROCESS_NAME}' process with Id ${host.dockerdPid}, the PID in the engine's pid file`);
        }
    } else if (!host.processes.some((p) => nameOf(p.name) === ENGINE_PROCESS_NAME)) {
        problems.push(`no '${ENGINE_PROCESS_NAME}' process`);
    }
    if (host.machineName === undefined) problems.push("it does not name the machine it was taken on");
    else if (engine.machineName === undefined || engine.machineName === "") problems.push("GET /info gave no Name to compare the machine with");
    else if (host.machineName.trim().toLowerCase() !== engine.machineName.trim().toLowerCase()) {
        problems.push(`it was taken on '${host.machineName}', but the engine runs on '${engine.machineName}' (GET /info Name)`);
    }
    return problems;
}
