/**
 * `GET /containers/{id}/top` (what `docker top` reads) -> PID and command per process. The engine
 * answers `{ Titles, Processes }`: on Windows the titles are Name, PID, CPU, Private Working Set
 * (moby daemon/top_windows.go); on Linux they are `ps -ef`'s, UID PID PPID C STIME TTY TIME CMD.
 */
import { ContainerProcess } from "../../rules";

const NAME_TITLES = ["Name", "CMD", "COMMAND"];

/** The processes, or undefined when the answer has no PID or command column to read. */
export function parseTop(answer: unknown): ContainerProcess[] | undefined {
    const a = answer as { Titles?: unknown; Processes?: unknown } | undefined;
    if (!Array.isArray(a?.Titles) || !Array.isArray(a?.Processes)) return undefined;
    const titles = a.Titles as unknown[];
    const pidAt = titles.indexOf("PID");
    const nameAt = titles.findIndex((t) => NAME_TITLES.includes(String(t)));
    if (pidAt < 0 || nameAt < 0) return undefined;
    const out: ContainerProcess[] = [];
    for (const row of a.Processes as unknown[]) {
        if (!Array.isArray(row)) return undefined;
        const pid = Number(row[pidAt]);
        if (!Number.isInteger(pid) || pid < 0 || typeof row[nameAt] !== "string") return undefined;
        out.push({ pid, command: row[nameAt] as string });
    }
    return out;
}
