/**
 * The host's process list as PowerShell writes it: `ConvertTo-Json` of `Get-Process | Select-Object
 * Id, ProcessName, StartTime`, or the compact rows `[Id, ProcessName, StartTimeMs]` the Azure Run
 * Command script writes (its output is cut to the last 4096 bytes). Handles ConvertTo-Json's
 * shapes: one object instead of an array when there is one process, StartTime as "/Date(ms)/"
 * (Windows PowerShell 5.1) or an ISO string with offset (PowerShell 7), null where access is
 * denied; and the UTF-16 file `>` writes in Windows PowerShell 5.1.
 */
import { HostProcess, HostProcessList } from "../../rules";

/** The documented one-liner, run on the container host (either PowerShell). */
export const HOST_PROCESSES_ONE_LINER =
    "Get-Process | Select-Object Id, ProcessName, StartTime | ConvertTo-Json -Compress | Set-Content -Encoding utf8 host-processes.json";

export type ParsedList = { readonly ok: true; readonly list: HostProcessList } | { readonly ok: false; readonly error: string };

/** Text of a file PowerShell wrote: UTF-16LE/BE or UTF-8, with or without a byte order mark. */
export function decodePowerShellText(bytes: Buffer): string {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        const swapped = Buffer.from(bytes.subarray(2));
        swapped.swap16();
        return swapped.toString("utf16le");
    }
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** StartTime as ConvertTo-Json writes it; undefined when absent, null, or without a time zone. */
export function parseStartTime(v: unknown): number | undefined | { error: string } {
    if (v === undefined || v === null) return undefined;
    // Some 5.1 objects carry ETS notes: { value: "/Date(...)/", DisplayHint, DateTime }.
    if (typeof v === "object" && !Array.isArray(v) && "value" in (v as object)) return parseStartTime((v as { value: unknown }).value);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v !== "string") return { error: `is ${JSON.stringify(v)}, not a date` };
    const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(v);
    if (ms) return Number(ms[1]);
    // A time without offset is local to a machine we do not know: no evidence rather than a wrong one.
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : { error: `is '${v}', not a date` };
}

/** Windows PowerShell 5.1 writes an array that passed through the pipeline as {"value":[...],"Count":n}. */
function unwrapArray(v: unknown): unknown {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const o = v as { value?: unknown; Count?: unknown };
    return Array.isArray(o.value) && typeof o.Count === "number" && Object.keys(o).length === 2 ? o.value : v;
}

function row(raw: unknown, i: number): HostProcess | string {
    const v = unwrapArray(raw);
    let id: unknown;
    let name: unknown;
    let start: unknown;
    if (Array.isArray(v)) [id, name, start] = v;
    else if (typeof v === "object" && v !== null) ({ Id: id, ProcessName: name, StartTime: start } = v as Record<string, unknown>);
    else return `item ${i} is ${JSON.stringify(v)}, not a process object`;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) return `item ${i} has Id ${JSON.stringify(id)}, not a process id`;
    if (typeof name !== "string" || name === "") return `item ${i} (Id ${id}) has ProcessName ${JSON.stringify(name)}, not a name`;
    const startTimeMs = parseStartTime(start);
    if (typeof startTimeMs === "object") return `item ${i} (Id ${id}) StartTime ${startTimeMs.error}`;
    return startTimeMs === undefined ? { pid: id, name } : { pid: id, name, startTimeMs };
}

/** Parses the JSON; every refusal names the source, the item and field, and how to write it right. */
export function parseHostProcesses(text: string, source: string): ParsedList {
    const fix = `write it on the host with: ${HOST_PROCESSES_ONE_LINER}`;
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        return { ok: false, error: `${source} is not JSON (${(e as Error).message}); ${fix}` };
    }
    if (typeof json === "object" && json !== null && !Array.isArray(json) && typeof (json as { error?: unknown }).error === "string") {
        return { ok: false, error: `${source}: the host reported '${(json as { error: string }).error}'` };
    }
    // ConvertTo-Json writes one process as an object, not as an array of one.
    const all = unwrapArray(json);
    const items = Array.isArray(all) ? all : [all];
    const processes: HostProcess[] = [];
    for (const [i, v] of items.entries()) {
        const p = row(v, i);
        if (typeof p === "string") return { ok: false, error: `${source}: ${p}; ${fix}` };
        processes.push(p);
    }
    if (processes.length === 0) return { ok: false, error: `${source} lists no process; ${fix}` };
    return { ok: true, list: { source, processes } };
}
