<#
.SYNOPSIS
    Phase 1 of a ContainerHost bootstrap, run once by the Azure Custom Script Extension as SYSTEM.
.DESCRIPTION
    Installs the Hyper-V and Containers roles, installs the engine's TLS material, registers a
    startup-triggered scheduled task for phase 2 and schedules ONE delayed restart.
    It never restarts inline: the Custom Script Extension does not continue after a restart, so
    the extension must return success first. Microsoft's install-docker-ce.ps1 resumes at logon,
    which never happens on a server; a startup task does not need anyone to log on.
    Safe to run again: every step checks the state first.
#>
[CmdletBinding()]
param(
    [string]$BootstrapDir = $PSScriptRoot
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = Join-Path $env:ProgramData 'windows-isolation'
$Log = Join-Path $Root 'bootstrap.log'
$DockerRoot = Join-Path $env:ProgramData 'docker'
$CertDir = Join-Path $DockerRoot 'certs.d'
$TaskName = 'windows-isolation-phase2'

function Write-Log {
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0:u} phase1 {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $Log -Value $line -Encoding UTF8
    Write-Output $line
}

# windows-isolation:prelude (Invoke-Native; bootstrap/index.ts inserts prelude.ps1 here)

function Protect-Directory {
    # Only SYSTEM and Administrators may read or write the folder, set BEFORE anything is written
    # there: ProgramData lets any local user create files, and a file planted first (ready.json,
    # daemon.json.tmp) would keep its owner's rights.
    param([Parameter(Mandatory = $true)][string]$Path)
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    $r = Invoke-Native icacls.exe $Path, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F'
    if ($r.ExitCode -ne 0) { throw ("icacls failed on {0} with exit code {1}: {2}" -f $Path, $r.ExitCode, ($r.Output -join ' ')) }
}

try {
    Protect-Directory -Path $Root
} catch {
    # Nothing is written into a folder whose protection failed, not even the log.
    Write-Output ("FAILED: {0}" -f $_.Exception.Message)
    exit 1
}
Write-Log "starting (bootstrap files in $BootstrapDir)"
# A new bootstrap run: the host is not ready again until phase 2 says so.
Remove-Item -LiteralPath (Join-Path $Root 'ready.json'), (Join-Path $Root 'failed.json') -Force -ErrorAction SilentlyContinue

try {
    # 1. Roles. Hyper-V fails to install here when the VM size has no nested virtualization.
    $wanted = @('Hyper-V', 'Containers')
    $missing = @(Get-WindowsFeature -Name $wanted | Where-Object { -not $_.Installed } | ForEach-Object { $_.Name })
    $restartNeeded = $false
    if ($missing.Count -gt 0) {
        # Hyper-V needs the processor's virtualization extensions exposed to this VM (nested
        # virtualization) or a hypervisor already running; checked before anything is installed.
        $firmware = @(Get-CimInstance -ClassName Win32_Processor | Where-Object { $_.VirtualizationFirmwareEnabled -eq $true }).Count -gt 0
        $hypervisor = (Get-CimInstance -ClassName Win32_ComputerSystem).HypervisorPresent -eq $true
        Write-Log ("virtualization firmware enabled: {0}; hypervisor present: {1}" -f $firmware, $hypervisor)
        if (-not $firmware -and -not $hypervisor) {
            throw 'the processor reports no virtualization firmware (Win32_Processor.VirtualizationFirmwareEnabled) and no hypervisor is present (Win32_ComputerSystem.HypervisorPresent): Hyper-V cannot run here; use a VM size with nested virtualization and security type Standard'
        }
        Write-Log ("installing Windows features: {0}" -f ($missing -join ', '))
        # The cmdlet writes an error record when a prerequisite fails (terminating under 'Stop'):
        # caught here so the hint goes with what Windows said.
        $hint = 'Hyper-V needs a VM size with nested virtualization and security type Standard'
        try {
            $result = Install-WindowsFeature -Name $missing -IncludeManagementTools
        } catch {
            throw ("Install-WindowsFeature {0} failed: {1}; {2}" -f ($missing -join ', '), $_.Exception.Message, $hint)
        }
        if (-not $result.Success) {
            throw ("Install-WindowsFeature {0} failed (exit code {1}); {2}" -f ($missing -join ', '), $result.ExitCode, $hint)
        }
        $restartNeeded = ([string]$result.RestartNeeded) -ne 'No'
    } else {
        Write-Log 'Hyper-V and Containers are already installed'
    }

    # 2. TLS material for the engine, in a folder only SYSTEM and Administrators can read; the
    #    engine's folder (daemon.json goes under it) is protected first.
    Protect-Directory -Path $DockerRoot
    Protect-Directory -Path $CertDir
    foreach ($pem in @('ca.pem', 'server-cert.pem', 'server-key.pem')) {
        $source = Join-Path $BootstrapDir $pem
        $target = Join-Path $CertDir $pem
        if (Test-Path -LiteralPath $source) {
            $same = (Test-Path -LiteralPath $target) -and ((Get-FileHash -LiteralPath $source).Hash -eq (Get-FileHash -LiteralPath $target).Hash)
            if (-not $same) {
                Copy-Item -LiteralPath $source -Destination $target -Force
                # Phase 2 restarts a running engine so it loads the new material.
                Set-Content -LiteralPath (Join-Path $Root 'certs-changed') -Value $pem -Encoding UTF8
            }
        } elseif (-not (Test-Path -LiteralPath (Join-Path $CertDir $pem))) {
            throw "missing $pem in $BootstrapDir and $CertDir"
        }
    }
    Remove-Item -LiteralPath (Join-Path $BootstrapDir 'server-key.pem') -Force -ErrorAction SilentlyContinue
    Write-Log "TLS material installed in $CertDir"

    # 3. Phase 2 runs at every startup as SYSTEM; it converges and exits when all is in place.
    #    The restart settings only retry a task that fails to start; phase 2 retries its own
    #    failures (bounded), and every later startup runs it again.
    $phase2 = Join-Path $BootstrapDir 'phase2.ps1'
    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f $phase2)
    $trigger = New-ScheduledTaskTrigger -AtStartup
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $taskSettings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit (New-TimeSpan -Hours 1) -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1)
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Principal $principal -Settings $taskSettings -Force | Out-Null
    Write-Log "scheduled task $TaskName registered (at startup, as SYSTEM)"

    # 4. One delayed restart, so that this extension returns success before Windows goes down.
    if ($restartNeeded) {
        $r = Invoke-Native shutdown.exe '/r', '/t', '60', '/d', 'p:2:4', '/c', 'windows-isolation: restart after installing Hyper-V and Containers'
        if ($r.ExitCode -ne 0 -and $r.ExitCode -ne 1190) {
            # 1190: a shutdown is already scheduled (a re-run); anything else is an error.
            throw ("shutdown.exe failed with exit code {0}: {1}" -f $r.ExitCode, ($r.Output -join ' '))
        }
        # The deployment's readiness wait polls the engine from outside the VM: this restart does not cut it short.
        Write-Log 'restart scheduled in 60 seconds; phase 2 runs at startup'
    } else {
        # Task Scheduler ignores a start while the task runs (IgnoreNew): a run that read the old
        # settings is stopped first, so the one started now reads the new ones.
        if ((Get-ScheduledTask -TaskName $TaskName).State -eq 'Running') {
            Stop-ScheduledTask -TaskName $TaskName
            Write-Log 'stopped the running phase 2, which had read the previous settings'
        }
        Start-ScheduledTask -TaskName $TaskName
        Write-Log 'no restart needed; phase 2 started now'
    }
    exit 0
} catch {
    Write-Log ("FAILED: {0}" -f $_.Exception.Message)
    exit 1
}
