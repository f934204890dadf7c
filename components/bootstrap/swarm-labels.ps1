<#
.SYNOPSIS
    Run Command script on a pool's first node: labels every node with its Windows build and
    Hyper-V capability, which the workloads' placement constraints compare.
.DESCRIPTION
    NodeLabels is base64 of JSON: [{ "hostname": "pool-0", "labels": { "windows-isolation.os-build": "20348", ... } }].
    Waits, bounded, until every listed node has joined, then sets each label (docker node update
    --label-add is idempotent). Exits 1 naming the nodes that never appeared.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$NodeLabels,
    [int]$TimeoutSeconds = 600
)

$ErrorActionPreference = 'Stop'
$Docker = Join-Path $env:ProgramFiles 'docker\docker.exe'

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $output = & $Docker @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), ($output -join ' ')) }
    return $output
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

try {
    $wanted = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($NodeLabels)) | ConvertFrom-Json
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
        Write-Output ("labelled {0} ({1})" -f $node.hostname, $id)
    }
    exit 0
} catch {
    Write-Output ("labelling the swarm nodes failed: {0}" -f $_.Exception.Message)
    exit 1
}
