<#
.SYNOPSIS
    Run Command script: waits, bounded, until phase 2 has written its ready marker.
.DESCRIPTION
    Exits 0 with the marker's facts when the engine is ready with default isolation hyperv;
    exits 1 with the tail of the bootstrap log when phase 2 failed or the time ran out.
    It only reads, so running it again (for instance after the host restarted under it) is safe.
#>
[CmdletBinding()]
param(
    [int]$TimeoutSeconds = 1500,
    # Fingerprint of the bootstrap inputs: a new value makes Azure run this wait again.
    [string]$BootstrapFingerprint = ''
)

$ErrorActionPreference = 'Stop'

$Root = Join-Path $env:ProgramData 'windows-isolation'
$Log = Join-Path $Root 'bootstrap.log'
$Ready = Join-Path $Root 'ready.json'
$Failed = Join-Path $Root 'failed.json'

function Write-LogTail {
    if (Test-Path -LiteralPath $Log) {
        Write-Output '--- last lines of the bootstrap log ---'
        Get-Content -LiteralPath $Log -Tail 40 | Write-Output
    } else {
        Write-Output "no bootstrap log at $Log (phase 1 never ran?)"
    }
}

Write-Output "waiting up to $TimeoutSeconds seconds for bootstrap $BootstrapFingerprint"
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
while ((Get-Date) -lt $deadline) {
    if (Test-Path -LiteralPath $Ready) {
        $facts = Get-Content -Raw -LiteralPath $Ready | ConvertFrom-Json
        if ($facts.isolation -ne 'hyperv') {
            Write-Output ("engine is up but its default isolation is '{0}', not 'hyperv'" -f $facts.isolation)
            Write-LogTail
            exit 1
        }
        Write-Output ($facts | ConvertTo-Json -Compress)
        exit 0
    }
    if (Test-Path -LiteralPath $Failed) {
        Write-Output ('bootstrap failed: {0}' -f (Get-Content -Raw -LiteralPath $Failed))
        Write-LogTail
        exit 1
    }
    Start-Sleep -Seconds 10
}
Write-Output ("host not ready after {0} seconds" -f $TimeoutSeconds)
Write-LogTail
exit 1
