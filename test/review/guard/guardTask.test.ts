/**
 * The Windows startup task of `windows-isolation guard install` (review/guard/install/guard-task.ps1)
 * under the real, pinned PowerShell and Pester: guardTask.Tests.ps1, whose Windows cmdlets are mocks.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { powerShellTools } from "../../helpers/pwsh";

test("guard-task.ps1: every Pester test passes", () => {
    const { pwsh, pesterManifest, env } = powerShellTools();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-task-"));
    try {
        const result = path.join(dir, "result.json");
        const command = [
            "$ErrorActionPreference = 'Stop'",
            `Import-Module -Name '${pesterManifest}' -Force`,
            `$r = Invoke-Pester -Path '${path.join(__dirname, "guardTask.Tests.ps1")}' -PassThru -Output Detailed`,
            `$s = @{ passed = $r.PassedCount; failed = $r.FailedCount; errors = @($r.Failed | ForEach-Object { $_.ExpandedPath + ': ' + [string]$_.ErrorRecord }) + @($r.Containers | Where-Object Result -eq 'Failed' | ForEach-Object { [string]$_.ErrorRecord }) | Where-Object { $_ } }`,
            `[System.IO.File]::WriteAllText('${result}', ($s | ConvertTo-Json -Depth 4))`,
        ].join("\n");
        // spawnSync ends the child before it returns, on every path.
        const run = spawnSync(pwsh, ["-NoProfile", "-NonInteractive", "-Command", command], { encoding: "utf8", env: { ...env, NO_COLOR: "1" } });
        if (run.error) throw run.error;
        const summary = JSON.parse(fs.readFileSync(result, "utf8")) as { passed: number; failed: number; errors: string[] };
        expect({ failed: summary.failed, errors: summary.errors ?? [] }).toEqual({ failed: 0, errors: [] });
        expect(summary.passed).toBe(9);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
