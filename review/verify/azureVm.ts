/**
 * The host's process list from an Azure VM: one action Run Command (POST .../virtualMachines/{vm}/runCommand,
 * commandId RunPowerShellScript) through Azure's SDK with the default credential chain. Read-only:
 * it runs one fixed script; its one parameter is the list of PIDs docker top reported, checked
 * digit by digit on both sides. Run Command returns only the last 4096 bytes of output, so the
 * script keeps the rows the witness needs (those PIDs, System, dockerd, vmwp; with the total
 * count), and writes them deflated and base64-encoded after `z:`; when even that would not fit,
 * it says so instead of being cut.
 */
import { inflateRawSync } from "node:zlib";
import { ComputeManagementClient, type ComputeManagementClientOptionalParams, type RunCommandResult } from "@azure/arm-compute";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { HostProcessList } from "../../rules";
import { parseHostProcesses } from "./hostProcesses";

export const RUN_COMMAND_ID = "RunPowerShellScript";

/** What Run Command returns of a script's output at most (Microsoft: "limited to the last 4,096 bytes"). */
export const RUN_COMMAND_OUTPUT_LIMIT = 4096;

/** The one script verify runs on a VM: it lists processes and changes nothing. */
export const HOST_PROCESSES_SCRIPT: readonly string[] = [
    "param([string]$Pids = '')",
    "$ErrorActionPreference = 'Stop'",
    "$want = New-Object 'System.Collections.Generic.HashSet[int]'",
    "foreach ($x in ($Pids -split ',')) { if ($x -match '^[0-9]{1,9}$') { [void]$want.Add([int]$x) } }",
    "$keep = @('System', 'dockerd', 'vmwp')",
    "$all = @(Get-Process)",
    // Rows go into lists, not through the pipeline: Windows PowerShell 5.1 writes a pipeline-wrapped
    // array as {"value":[...],"Count":n} (the parser reads that too).
    "$rows = New-Object System.Collections.Generic.List[object]",
    "foreach ($p in $all) { if ($want.Contains($p.Id) -or $keep -contains $p.ProcessName) { $t = $null; try { if ($p.StartTime) { $t = ([DateTimeOffset]$p.StartTime).ToUnixTimeMilliseconds() } } catch { }; $rows.Add([object[]]@($p.Id, $p.ProcessName, $t)) } }",
    "$d = $null; if ($env:ProgramData) { $f = Join-Path $env:ProgramData 'docker\\docker.pid'; if (Test-Path -LiteralPath $f) { $d = [int]((Get-Content -LiteralPath $f -TotalCount 1).Trim()) } }",
    "$v = New-Object System.Collections.Generic.List[object]; try { foreach ($w in @(Get-CimInstance -ClassName Win32_Process -Filter \"Name='vmwp.exe'\")) { $v.Add([object[]]@([int]$w.ProcessId, [string]$w.CommandLine)) } } catch { }",
    "$c = New-Object System.Collections.Generic.List[object]; if (Get-Command Get-ComputeProcess -ErrorAction SilentlyContinue) { foreach ($s in @(Get-ComputeProcess)) { $c.Add([object[]]@([string]$s.Id, [string]$s.RuntimeId)) } }",
    "$json = ConvertTo-Json -Compress -Depth 4 -InputObject @{ MachineName = [System.Net.Dns]::GetHostName(); DockerdPid = $d; TotalProcesses = $all.Count; Processes = $rows.ToArray(); VmWorkers = $v.ToArray(); ComputeSystems = $c.ToArray() }",
    "$ms = New-Object System.IO.MemoryStream; $z = New-Object System.IO.Compression.DeflateStream($ms, [System.IO.Compression.CompressionMode]::Compress); $b = [System.Text.Encoding]::UTF8.GetBytes($json); $z.Write($b, 0, $b.Length); $z.Close()",
    "$out = 'z:' + [Convert]::ToBase64String($ms.ToArray())",
    "if ($out.Length -gt 4000) { $out = '{\"error\":\"' + $rows.Count + ' of ' + $all.Count + ' processes do not fit in the 4096 bytes Run Command returns; write the list with --host-processes instead\"}' }",
    "Write-Output $out",
];

/** The script's output: `z:` + base64 of deflated JSON, or plain JSON (an error answer). */
export function decodeScriptOutput(stdout: string): string | { error: string } {
    const text = stdout.trim();
    if (!text.startsWith("z:")) return text;
    const b64 = text.slice(2);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return { error: "its output after 'z:' is not base64" };
    try {
        // The output is at most 4096 bytes; its JSON is bounded so that a crafted answer cannot inflate without end.
        return inflateRawSync(Buffer.from(b64, "base64"), { maxOutputLength: 16 << 20 }).toString("utf8");
    } catch (e) {
        return { error: `its output is not deflated JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
}

/** The PIDs the script is asked about, as its one parameter: digits and commas only. */
export function pidsParameter(pids: Iterable<number>): string {
    return [...new Set([...pids].filter((p) => Number.isSafeInteger(p) && p >= 0 && p < 1e9))].sort((a, b) => a - b).join(",");
}

export interface AzureVmId {
    readonly id: string;
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly vmName: string;
}

const VM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)\/?$/i;

export function parseVmId(id: string, from: string): AzureVmId | { error: string } {
    const m = VM_ID.exec(id.trim());
    if (!m) {
        return { error: `${from} '${id}' is not a VM resource id; use /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Compute/virtualMachines/<vm> (az vm show --query id)` };
    }
    return { id: id.trim(), subscriptionId: m[1], resourceGroupName: m[2], vmName: m[3] };
}

/** Stdout of the Run Command result: the `message` of the `.../StdOut/...` status. */
export function runCommandStdout(result: RunCommandResult, vm: AzureVmId): string | { error: string } {
    const statuses = result.value ?? [];
    const stdout = statuses.find((s) => /\/StdOut\//i.test(s.code ?? ""));
    const stderr = statuses.find((s) => /\/StdErr\//i.test(s.code ?? ""));
    if (stderr?.message) return { error: `Run Command on ${vm.id} wrote to stderr: ${stderr.message.trim()}` };
    if (!stdout) return { error: `Run Command on ${vm.id} returned no ComponentStatus/StdOut status (codes: ${statuses.map((s) => s.code).join(", ") || "none"})` };
    return stdout.message ?? "";
}

export interface AzureOptions {
    /** Tests give a static credential; production uses the default chain (env, managed identity, az login). */
    readonly credential?: TokenCredential;
    /** Another ARM endpoint (sovereign clouds, the tests' local server) and pipeline options. */
    readonly clientOptions?: ComputeManagementClientOptionalParams;
    readonly abortSignal?: AbortSignal;
}

/** Runs the fixed script on the VM, asking about the containers' `pids`, and parses what it wrote. */
export async function azureVmProcesses(vm: AzureVmId, pids: Iterable<number>, options: AzureOptions = {}): Promise<HostProcessList | { error: string }> {
    const client = new ComputeManagementClient(options.credential ?? new DefaultAzureCredential(), vm.subscriptionId, options.clientOptions);
    let result: RunCommandResult;
    try {
        result = await client.virtualMachines.runCommand(
            vm.resourceGroupName,
            vm.vmName,
            { commandId: RUN_COMMAND_ID, script: [...HOST_PROCESSES_SCRIPT], parameters: [{ name: "Pids", value: pidsParameter(pids) }] },
            { abortSignal: options.abortSignal, updateIntervalInMs: 2000 },
        );
    } catch (e) {
        const err = e as { statusCode?: number; code?: string; message?: string };
        return { error: `Run Command on ${vm.id} failed${err.statusCode ? ` (HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ""})` : ""}: ${String(err.message ?? e).split("\n")[0]}` };
    }
    const stdout = runCommandStdout(result, vm);
    if (typeof stdout !== "string") return stdout;
    const json = decodeScriptOutput(stdout);
    if (typeof json !== "string") return { error: `Azure Run Command on ${vm.id}: ${json.error}` };
    const parsed = parseHostProcesses(json, `Azure Run Command on ${vm.id}`);
    return parsed.ok ? parsed.list : { error: parsed.error };
}
