<#
.SYNOPSIS
    Run Command script: waits, bounded, until phase 2 has written its ready marker.
.DESCRIPTION
    Exits 0 with the marker's facts when the engine is ready with default isolation hyperv and,
    where the node's role needs it (a ContainerHost, a pool's first node), an active swarm.
    When phase 2 failed (failed.json), it starts the phase 2 task again, at most
    MaxPhase2Restarts times per bootstrap, before it exits 1 with the tail of the bootstrap log.
    Azure does not run an unchanged Run Command again, and the host's restart after phase 1 can
    cut this one short: running it again (pulumi up --replace on its URN) is safe.
#>
[CmdletBinding()]
param(
    [int]$TimeoutSeconds = 1500,
    # Fingerprint of the bootstrap inputs: a new value makes Azure run this wait again.
    [string]$BootstrapFingerprint = '',
    [ValidateRange(0, 10)][int]$MaxPhase2Restarts = 2
)

$ErrorActionPreference = 'Stop'

$Root = Join-Path $env:ProgramData 'windows-isolation'
$Log = Join-Path $Root 'bootstrap.log'
$Ready = Join-Path $Root 'ready.json'
$Failed = Join-Path $Root 'failed.json'
# Restarts so far, in a file: a second run of this command must not start the count again.
$Restarts = Join-Path $Root 'phase2-restarts'
$TaskName = 'windows-isolation-phase2'

function Write-LogTail {
    if (Test-Path -LiteralPath $Log) {
        Write-Output '--- last lines of the bootstrap log ---'
        Get-Content -LiteralPath $Log -Tail 40 | Write-Output
    } else {
        Write-Output "no bootstrap log at $Log (phase 1 never ran?)"
    }
}

function Get-RestartCount {
    if (-not (Test-Path -LiteralPath $Restarts)) { return 0 }
    $text = (Get-Content -Raw -LiteralPath $Restarts).Trim()
    if ($text -match '^[0-9]+$') { return [int]$text }
    # Unreadable: count it as used up rather than restart without a bound.
    return $MaxPhase2Restarts
}

Write-Output "waiting up to $TimeoutSeconds seconds for bootstrap $BootstrapFingerprint"
$pending = Join-Path $Root 'restart-pending'
if (Test-Path -LiteralPath $pending) {
    # Azure does not run this command again after a restart cuts it short, nor on an unchanged `pulumi up`.
    Write-Output ("phase 1 restarts the host at {0} to finish installing Hyper-V; if that cuts this command short, run: pulumi up --replace <URN of this wait-ready Run Command>" -f (Get-Content -Raw -LiteralPath $pending).Trim())
}
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
while ((Get-Date) -lt $deadline) {
    if (Test-Path -LiteralPath $Ready) {
        $facts = Get-Content -Raw -LiteralPath $Ready | ConvertFrom-Json
        if ($facts.isolation -ne 'hyperv') {
            Write-Output ("engine is up but its default isolation is '{0}', not 'hyperv'" -f $facts.isolation)
            Write-LogTail
            exit 1
        }
        # A node that waits to be joined is inactive until the pool's swarm-join runs; any other
        # node serves workloads as swarm services and needs its swarm active.
        if ($facts.swarmRole -ne 'join' -and $facts.swarm -ne 'active') {
            Write-Output ("engine is up but its swarm is '{0}', not 'active'" -f $facts.swarm)
            Write-LogTail
            exit 1
        }
        Write-Output ($facts | ConvertTo-Json -Compress)
        exit 0
    }
    if (Test-Path -LiteralPath $Failed) {
        $failure = ((Get-Content -Raw -LiteralPath $Failed) -replace '\s+', ' ').Trim()
        $count = Get-RestartCount
        if ($count -ge $MaxPhase2Restarts) {
            Write-Output ('bootstrap failed after {0} restarts of phase 2: {1}' -f $count, $failure)
            Write-LogTail
            exit 1
        }
        $count++
        Set-Content -LiteralPath $Restarts -Value ([string]$count) -Encoding ASCII
        Remove-Item -LiteralPath $Failed -Force
        Write-Output ('phase 2 failed ({0}); starting it again ({1} of {2})' -f $failure, $count, $MaxPhase2Restarts)
        Start-ScheduledTask -TaskName $TaskName
    }
    Start-Sleep -Seconds 10
}
Write-Output ("host not ready after {0} seconds" -f $TimeoutSeconds)
Write-LogTail
exit 1
