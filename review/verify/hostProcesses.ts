/**
 * The host's process list as PowerShell writes it. Two shapes:
 * - the whole witness (HOST_PROCESSES_SCRIPT_LINES, and the Run Command script): an object
 *   `{ MachineName, DockerdPid, TotalProcesses, Processes, VmWorkers, ComputeSystems }`;
 * - a bare `Get-Process | Select-Object Id, ProcessName, StartTime | ConvertTo-Json`, which names
 *   no machine, so the witness can only be inconclusive with it.
 * A process row is `{Id, ProcessName, StartTime}` or compact `[Id, ProcessName, StartTimeMs]`.
 * Handles ConvertTo-Json's shapes: one object instead of an array when there is one process,
 * StartTime as "/Date(ms)/" (Windows PowerShell 5.1) or an ISO string with offset (PowerShell 7),
 * null where access is denied, 5.1's `{value, Count}` arrays and `{value, DisplayHint}` dates;
 * and the UTF-16 file `>` writes in Windows PowerShell 5.1. Every row is checked (Id, name, start
 * time within the dates JavaScript can show, no deeper nesting than these shapes) and a bad row is
 * named by its index and field; nothing here recurses on input or throws.
 */
import { ComputeSystem, HostProcess, HostProcessList, VmWorker } from "../../rules";

/** Written on the container host (either PowerShell); verify reads the file it writes. */
export const HOST_PROCESSES_SCRIPT_LINES: readonly string[] = [
    "$d = $null; $f = Join-Path $env:ProgramData 'docker\\docker.pid'; if (Test-Path $f) { $d = [int](Get-Content $f -TotalCount 1) }",
    "$v = @(Get-CimInstance Win32_Process -Filter \"Name='vmwp.exe'\" | ForEach-Object { ,@($_.ProcessId, $_.CommandLine) })",
    "$c = @(); if (Get-Command Get-ComputeProcess -ErrorAction SilentlyContinue) { $c = @(Get-ComputeProcess | ForEach-Object { ,@($_.Id, \"$($_.RuntimeId)\") }) }",
    "$p = @(Get-Process | ForEach-Object { ,@($_.Id, $_.ProcessName, $(try { ([DateTimeOffset]$_.StartTime).ToUnixTimeMilliseconds() } catch { $null })) })",
    "ConvertTo-Json -Compress -Depth 4 -InputObject @{ MachineName = [System.Net.Dns]::GetHostName(); DockerdPid = $d; TotalProcesses = $p.Count; Processes = $p; VmWorkers = $v; ComputeSystems = $c } | Set-Content -Encoding utf8 host-processes.json",
];

/** The list verify reads at most: far above any host (a busy Windows host runs a few thousand processes). */
export const MAX_HOST_LIST_BYTES = 64 << 20;
export const MAX_HOST_PROCESSES = 250_000;
/** Longest process name accepted (Windows' MAX_PATH). */
const MAX_NAME = 260;
/** The dates JavaScript can show: ±8.64e15 ms around 1970. */
const MAX_TIME_MS = 8.64e15;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export type ParsedList = { readonly ok: true; readonly list: HostProcessList } | { readonly ok: false; readonly error: string };

/** Text of a file PowerShell wrote: UTF-16LE/BE or UTF-8, with or without a byte order mark. */
export function decodePowerShellText(bytes: Buffer): string {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
        swapped.swap16();
        return swapped.toString("utf16le");
    }
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A value in a message: short, one line, never a walk through a deep structure. */
function show(v: unknown): string {
    if (v === undefined) return "undefined";
    if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
    return Array.isArray(v) ? `an array of ${v.length}` : "an object";
}

const inRange = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS;

/** StartTime as ConvertTo-Json writes it; undefined when absent, null, or without a time zone. */
export function parseStartTime(raw: unknown): number | undefined | { error: string } {
    // Some 5.1 objects carry ETS notes: { value: "/Date(...)/", DisplayHint, DateTime }; one level only.
    const v = typeof raw === "object" && raw !== null && !Array.isArray(raw) && "value" in raw ? (raw as { value: unknown }).value : raw;
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number") return inRange(v) ? v : { error: `is ${show(v)}, outside the dates verify can compare` };
    if (typeof v !== "string") return { error: `is ${show(v)}, not a date` };
    const ms = /^\/Date\((-?\d{1,16})([+-]\d{4})?\)\/$/.exec(v);
    if (ms) return inRange(Number(ms[1])) ? Number(ms[1]) : { error: `is ${show(v)}, outside the dates verify can compare` };
    // A time without offset is local to a machine we do not know: no evidence rather than a wrong one.
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
    const t = Date.parse(v);
    return inRange(t) ? t : { error: `is ${show(v)}, not a date` };
}

/** Windows PowerShell 5.1 writes an array that passed through the pipeline as {"value":[...],"Count":n}. */
function unwrapArray(v: unknown): unknown {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const o = v as { value?: unknown; Count?: unknown };
    return Array.isArray(o.value) && typeof o.Count === "number" && Object.keys(o).length === 2 ? o.value : v;
}

const isPid = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function row(raw: unknown, i: number): HostProcess | string {
    const v = unwrapArray(raw);
    let id: unknown;
    let name: unknown;
    let start: unknown;
    if (Array.isArray(v)) {
        if (v.length < 2 || v.length > 3) return `item ${i} is ${show(v)}, not [Id, ProcessName, StartTimeMs]`;
        [id, name, start] = v;
    } else if (typeof v === "object" && v !== null) ({ Id: id, ProcessName: name, StartTime: start } = v as Record<string, unknown>);
    else return `item ${i} is ${show(v)}, not a process object`;
    if (!isPid(id)) return `item ${i} has Id ${show(id)}, not a process id`;
    if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME) return `item ${i} (Id ${id}) has ProcessName ${show(name)}, not a name`;
    const startTimeMs = parseStartTime(start);
    if (typeof startTimeMs === "object") return `item ${i} (Id ${id}) StartTime ${startTimeMs.error}`;
    return startTimeMs === undefined ? { pid: id, name } : { pid: id, name, startTimeMs };
}

function pairs(raw: unknown, field: string, keys: readonly [string, string]): [unknown, unknown][] | string {
    const v = unwrapArray(raw);
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    if (items.length > MAX_HOST_PROCESSES) return `${field} has more than ${MAX_HOST_PROCESSES} items`;
    const out: [unknown, unknown][] = [];
    for (const [i, item] of items.entries()) {
        const x = unwrapArray(item);
        if (Array.isArray(x) && x.length === 2) out.push([x[0], x[1]]);
        else if (typeof x === "object" && x !== null && !Array.isArray(x)) out.push([(x as Record<string, unknown>)[keys[0]], (x as Record<string, unknown>)[keys[1]]]);
        else return `${field} item ${i} is ${show(x)}, not [${keys.join(", ")}]`;
    }
    return out;
}

function vmWorkers(raw: unknown): VmWorker[] | string {
    const p = pairs(raw, "VmWorkers", ["Id", "CommandLine"]);
    if (typeof p === "string") return p;
    const out: VmWorker[] = [];
    for (const [i, [pid, commandLine]] of p.entries()) {
        if (!isPid(pid)) return `VmWorkers item ${i} has Id ${show(pid)}, not a process id`;
        if (commandLine !== null && typeof commandLine !== "string") return `VmWorkers item ${i} (Id ${pid}) has CommandLine ${show(commandLine)}, not a command line`;
        // vmwp.exe is started with the id of the VM it runs; without one there is nothing to map.
        const vmId = GUID.exec(commandLine ?? "")?.[0];
        if (vmId) out.push({ pid, vmId: vmId.toLowerCase() });
    }
    return out;
}

function computeSystems(raw: unknown): ComputeSystem[] | string {
    const p = pairs(raw, "ComputeSystems", ["Id", "RuntimeId"]);
    if (typeof p === "string") return p;
    const out: ComputeSystem[] = [];
    for (const [i, [id, runtimeId]] of p.entries()) {
        if (typeof id !== "string" || id === "" || id.length > 256) return `ComputeSystems item ${i} has Id ${show(id)}, not a compute system id`;
        const guid = typeof runtimeId === "string" ? GUID.exec(runtimeId)?.[0] : undefined;
        if (guid) out.push({ id, runtimeId: guid.toLowerCase() });
    }
    return out;
}

/** Parses the JSON; every refusal names the source, the item and field, and how to write it right. */
export function parseHostProcesses(text: string, source: string): ParsedList {
    const fix = `write it on the host with the script in docs/verify.md ("The host's process list")`;
    if (text.length > MAX_HOST_LIST_BYTES) return { ok: false, error: `${source} is larger than ${MAX_HOST_LIST_BYTES >> 20} MiB` };
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        // V8 quotes the text it stopped at: keep the message to one line whatever that text holds.
        return { ok: false, error: `${source} is not JSON (${String((e as Error).message).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")}); ${fix}` };
    }
    if (typeof json === "object" && json !== null && !Array.isArray(json) && typeof (json as { error?: unknown }).error === "string") {
        return { ok: false, error: `${source}: the host reported ${JSON.stringify((json as { error: string }).error.slice(0, 300))}` };
    }
    let meta: Partial<HostProcessList> = {};
    let all = unwrapArray(json);
    if (typeof all === "object" && all !== null && !Array.isArray(all) && "Processes" in all) {
        const o = all as Record<string, unknown>;
        if (o.MachineName !== undefined && o.MachineName !== null && (typeof o.MachineName !== "string" || o.MachineName.length > 256)) {
            return { ok: false, error: `${source}: MachineName ${show(o.MachineName)} is not a host name; ${fix}` };
        }
        if (o.DockerdPid !== undefined && o.DockerdPid !== null && !isPid(o.DockerdPid)) return { ok: false, error: `${source}: DockerdPid ${show(o.DockerdPid)} is not a process id; ${fix}` };
        if (o.TotalProcesses !== undefined && o.TotalProcesses !== null && !isPid(o.TotalProcesses)) return { ok: false, error: `${source}: TotalProcesses ${show(o.TotalProcesses)} is not a count; ${fix}` };
        const workers = vmWorkers(o.VmWorkers);
        if (typeof workers === "string") return { ok: false, error: `${source}: ${workers}; ${fix}` };
        const systems = o.ComputeSystems === undefined || o.ComputeSystems === null ? undefined : computeSystems(o.ComputeSystems);
        if (typeof systems === "string") return { ok: false, error: `${source}: ${systems}; ${fix}` };
        meta = {
            ...(typeof o.MachineName === "string" && o.MachineName.trim() !== "" ? { machineName: o.MachineName.trim() } : {}),
            ...(isPid(o.DockerdPid) ? { dockerdPid: o.DockerdPid } : {}),
            ...(isPid(o.TotalProcesses) ? { totalProcesses: o.TotalProcesses } : {}),
            ...(o.VmWorkers !== undefined && o.VmWorkers !== null ? { vmWorkers: workers } : {}),
            // An empty list from Get-ComputeProcess maps nothing; a missing module says nothing.
            ...(systems !== undefined && systems.length > 0 ? { computeSystems: systems } : {}),
        };
        all = unwrapArray(o.Processes);
    }
    // ConvertTo-Json writes one process as an object, not as an array of one.
    const items = Array.isArray(all) ? all : [all];
    if (items.length > MAX_HOST_PROCESSES) return { ok: false, error: `${source} lists ${items.length} processes, more than the ${MAX_HOST_PROCESSES} verify reads; a host's list is far shorter` };
    const processes: HostProcess[] = [];
    for (const [i, v] of items.entries()) {
        const p = row(v, i);
        if (typeof p === "string") return { ok: false, error: `${source}: ${p}; ${fix}` };
        processes.push(p);
    }
    if (processes.length === 0) return { ok: false, error: `${source} lists no process; ${fix}` };
    return { ok: true, list: { source, processes, ...meta } };
}
