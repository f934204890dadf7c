<#
.SYNOPSIS
    Run Command script on a pool's first node: gives every node its labels (Windows build,
    Hyper-V capability, which the workloads' placement constraints compare) and its role.
.DESCRIPTION
    Nodes is base64 of JSON:
    [{ "hostname": "pool-0", "role": "manager", "labels": { "windows-isolation.os-build": "20348", ... } }].
    Waits, bounded, until every listed node has joined, then sets each label (docker node update
    --label-add is idempotent) and promotes a worker that should be a manager (a pool that grew
    to three hosts). It never demotes: a manager the pool no longer wants is reported, and left
    for a person to demote, because demoting the wrong manager can cost the swarm its quorum.
    Last, whatever happened before, it rotates both join tokens: after the pool converged, and
    also when a node never joined (a failed join), so the tokens handed out for this deployment
    admit nobody afterwards. Exits 1 naming the nodes that never appeared.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$Nodes,
    [int]$TimeoutSeconds = 600
)

$ErrorActionPreference = 'Stop'
$Docker = Join-Path $env:ProgramFiles 'docker\docker.exe'

# windows-isolation:prelude (Invoke-Native; bootstrap/index.ts inserts prelude.ps1 here)

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $r = Invoke-Native $Docker $Arguments
    if ($r.ExitCode -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), (($r.Output -join ' ') -replace 'SWMTKN-[0-9A-Za-z-]+', '<token>')) }
    return $r.Output
}

function Get-NodeIds {
    # Hostname -> node ID; Windows hostnames compare case-insensitively.
    $ids = @{}
    foreach ($line in (Invoke-Docker node ls --format '{{.ID}} {{.Hostname}}')) {
        $parts = $line.ToString().Trim() -split ' ', 2
        if ($parts.Count -eq 2) { $ids[$parts[1].ToLowerInvariant()] = $parts[0] }
    }
    return $ids
}

$failure = $null
try {
    $wanted = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Nodes)) | ConvertFrom-Json
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ($true) {
        $ids = Get-NodeIds
        $missing = @($wanted | Where-Object { -not $ids.ContainsKey($_.hostname.ToLowerInvariant()) } | ForEach-Object { $_.hostname })
        if ($missing.Count -eq 0) { break }
        if ((Get-Date) -gt $deadline) { throw ("nodes never joined the swarm: {0}" -f ($missing -join ', ')) }
        Start-Sleep -Seconds 10
    }
    foreach ($node in $wanted) {
        $id = $ids[$node.hostname.ToLowerInvariant()]
        foreach ($label in $node.labels.PSObject.Properties) {
            Invoke-Docker node update --label-add ('{0}={1}' -f $label.Name, $label.Value) $id | Out-Null
        }
        $role = (Invoke-Docker node inspect --format '{{.Spec.Role}}' $id | Select-Object -First 1).ToString().Trim()
        if ($node.role -eq 'manager' -and $role -eq 'worker') {
            Invoke-Docker node promote $id | Out-Null
            $role = 'manager (promoted)'
        } elseif ($node.role -eq 'worker' -and $role -eq 'manager') {
            $role = 'manager (the pool wants a worker here; demote it by hand if that is safe)'
        }
        Write-Output ("{0} ({1}): labelled, {2}" -f $node.hostname, $id, $role)
    }
} catch {
    $failure = $_.Exception.Message
    Write-Output ("setting up the swarm nodes failed: {0}" -f $failure)
}
# Rotated on every path: the tokens handed out for this deployment must not outlive it, joined or not.
try {
    # --quiet: the new tokens are printed by nobody.
    Invoke-Docker swarm join-token --rotate --quiet worker | Out-Null
    Invoke-Docker swarm join-token --rotate --quiet manager | Out-Null
    Write-Output 'join tokens rotated: the ones handed out for this deployment no longer admit anyone'
} catch {
    Write-Output ("rotating the join tokens failed: {0}" -f $_.Exception.Message)
    exit 1
}
if ($failure) { exit 1 }
exit 0
