/**
 * The host's process list from an Azure VM: one action Run Command (POST .../virtualMachines/{vm}/runCommand,
 * commandId RunPowerShellScript) through Azure's SDK with the default credential chain. Read-only:
 * it runs one fixed script, never anything from the command line. The script writes compact rows
 * `[Id, ProcessName, StartTimeMs]` because Run Command returns only the last 4096 bytes of output;
 * when even rows without start times would not fit, it says so instead of being cut.
 */
import { ComputeManagementClient, type ComputeManagementClientOptionalParams, type RunCommandResult } from "@azure/arm-compute";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { HostProcessList } from "../../rules";
import { parseHostProcesses } from "./hostProcesses";

export const RUN_COMMAND_ID = "RunPowerShellScript";

/** The one script verify runs on a VM: it lists processes and changes nothing. */
export const HOST_PROCESSES_SCRIPT: readonly string[] = [
    "$ErrorActionPreference = 'Stop'",
    "$procs = @(Get-Process)",
    // Rows go into lists, not through the pipeline: Windows PowerShell 5.1 writes a pipeline-wrapped
    // array as {"value":[...],"Count":n} (the parser reads that too).
    "$rows = New-Object System.Collections.Generic.List[object]; $short = New-Object System.Collections.Generic.List[object]",
    "foreach ($p in $procs) { $t = $null; try { if ($p.StartTime) { $t = ([DateTimeOffset]$p.StartTime).ToUnixTimeMilliseconds() } } catch { }; $rows.Add([object[]]@($p.Id, $p.ProcessName, $t)); $short.Add([object[]]@($p.Id, $p.ProcessName)) }",
    "$json = ConvertTo-Json -InputObject $rows.ToArray() -Compress",
    "if ($json.Length -gt 4000) { $json = ConvertTo-Json -InputObject $short.ToArray() -Compress }",
    "if ($json.Length -gt 4000) { $json = '{\"error\":\"' + $procs.Count + ' processes do not fit in the 4096 bytes Run Command returns; write the list with --host-processes instead\"}' }",
    "Write-Output $json",
];

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

/** Runs the fixed script on the VM and parses what it wrote. */
export async function azureVmProcesses(vm: AzureVmId, options: AzureOptions = {}): Promise<HostProcessList | { error: string }> {
    const client = new ComputeManagementClient(options.credential ?? new DefaultAzureCredential(), vm.subscriptionId, options.clientOptions);
    let result: RunCommandResult;
    try {
        result = await client.virtualMachines.runCommand(
            vm.resourceGroupName,
            vm.vmName,
            { commandId: RUN_COMMAND_ID, script: [...HOST_PROCESSES_SCRIPT] },
            { abortSignal: options.abortSignal, updateIntervalInMs: 2000 },
        );
    } catch (e) {
        const err = e as { statusCode?: number; code?: string; message?: string };
        return { error: `Run Command on ${vm.id} failed${err.statusCode ? ` (HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ""})` : ""}: ${String(err.message ?? e).split("\n")[0]}` };
    }
    const stdout = runCommandStdout(result, vm);
    if (typeof stdout !== "string") return stdout;
    const parsed = parseHostProcesses(stdout.trim(), `Azure Run Command on ${vm.id}`);
    return parsed.ok ? parsed.list : { error: parsed.error };
}
