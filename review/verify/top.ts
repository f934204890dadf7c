/**
 * `GET /containers/{id}/top` (what `docker top` reads) -> PID and executable per process. On Windows
 * the engine answers with the titles Name, PID, CPU, Private Working Set (moby daemon/top_windows.go),
 * Name being the image file name ("ping.exe"), and refuses ps arguments. On Linux the default is
 * `ps -ef`, whose CMD column is the command line: its first word is whatever the process put in
 * argv[0] (`/a b/vmwp` reads as "/a"), so verify asks for `ps -o pid,comm` instead: the kernel's
 * name of the executable, the same field /proc/<pid>/stat holds. A CMD column is never read.
 */
import Docker from "dockerode";
import { ContainerProcess } from "../../rules";

/** The columns that hold an executable's name: Windows' Name, `ps -o comm`'s COMMAND. */
const NAME_TITLES = ["Name", "COMMAND"];

/** What verify asks a Linux engine's ps for (moby passes ps_args to ps with `-q <pids>`). */
export const LINUX_PS_ARGS = "-o pid,comm";

/** At most this many processes per container; a longer answer is unreadable, not a witness. */
export const MAX_TOP_PROCESSES = 10_000;

/** The processes, or undefined when the answer has no PID or executable column to read. */
export function parseTop(answer: unknown): ContainerProcess[] | undefined {
    const a = answer as { Titles?: unknown; Processes?: unknown } | undefined;
    if (!Array.isArray(a?.Titles) || !Array.isArray(a?.Processes)) return undefined;
    if (a.Processes.length > MAX_TOP_PROCESSES) return undefined;
    const titles = a.Titles as unknown[];
    const pidAt = titles.indexOf("PID");
    const nameAt = titles.findIndex((t) => NAME_TITLES.includes(String(t)));
    if (pidAt < 0 || nameAt < 0) return undefined;
    const out: ContainerProcess[] = [];
    for (const row of a.Processes as unknown[]) {
        if (!Array.isArray(row)) return undefined;
        const pid = typeof row[pidAt] === "string" && /^\d{1,10}$/.test(row[pidAt] as string) ? Number(row[pidAt]) : NaN;
        if (!Number.isSafeInteger(pid) || typeof row[nameAt] !== "string") return undefined;
        out.push({ pid, command: row[nameAt] as string });
    }
    return out;
}

/** `GET /containers/{id}/top`, asking a Linux engine for executables; undefined when the container is gone or the answer is unreadable. */
export async function containerTop(docker: Docker, id: string, osType: string): Promise<ContainerProcess[] | undefined> {
    try {
        return parseTop(await docker.getContainer(id).top(osType === "linux" ? { ps_args: LINUX_PS_ARGS } : {}));
    } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404 || status === 409) return undefined;
        throw err;
    }
}
