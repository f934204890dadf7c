<#
.SYNOPSIS
    Run Command script on a pool's first node: prints the swarm's join tokens.
.DESCRIPTION
    Prints one line, `WI-SWARM-TOKENS {"manager":"SWMTKN-...","worker":"SWMTKN-..."}`, which the
    pool reads from the command's instance view as a Pulumi secret. Nothing else it prints holds a
    token. Exits 1 when this node is not an active swarm manager. swarm-nodes rotates the tokens
    once every node has joined, so what this printed is worthless afterwards; JoinSet (the nodes
    that join) changes when the pool grows, which makes Azure run this command again.
#>
[CmdletBinding()]
param(
    [string]$JoinSet = ''
)

$ErrorActionPreference = 'Stop'
$Docker = Join-Path $env:ProgramFiles 'docker\docker.exe'

function Invoke-Native {
    # Windows PowerShell 5.1 turns each stderr line of a native program into an error record under
    # 2>&1, and with $ErrorActionPreference 'Stop' the first one ends the script: here it is text.
    param([Parameter(Mandatory = $true)][string]$FilePath, [string[]]$ArgumentList = @())
    $ErrorActionPreference = 'Continue'
    $output = @(& $FilePath @ArgumentList 2>&1 | ForEach-Object { "$_" })
    return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
}

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $r = Invoke-Native $Docker $Arguments
    if ($r.ExitCode -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), (($r.Output -join ' ') -replace 'SWMTKN-[0-9A-Za-z-]+', '<token>')) }
    return $r.Output
}

try {
    $state = (Invoke-Docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' | Select-Object -First 1).ToString().Trim()
    if ($state -ne 'active true') {
        Write-Output "this node is not an active swarm manager (state: $state); the pool's first node inits the swarm in phase 2"
        exit 1
    }
    $tokens = [ordered]@{
        manager = (Invoke-Docker swarm join-token --quiet manager | Select-Object -First 1).ToString().Trim()
        worker  = (Invoke-Docker swarm join-token --quiet worker | Select-Object -First 1).ToString().Trim()
    }
    Write-Output ('WI-SWARM-TOKENS ' + ($tokens | ConvertTo-Json -Compress))
    exit 0
} catch {
    Write-Output ("reading the join tokens failed: {0}" -f $_.Exception.Message)
    exit 1
}
