<#
.SYNOPSIS
    Run Command script on a pool node: joins it to the pool's swarm as a manager or a worker.
.DESCRIPTION
    The join token arrives as a protected parameter (encrypted by Azure, never logged here); the
    pool's swarm-nodes command rotates both tokens once every node has joined, so the one this
    command was given is worthless afterwards.
    Idempotent: a node that is already part of a swarm is left as it is. Joins on the node's
    private IP through the local engine's named pipe (the guard admits a join from there only),
    then waits, bounded, until the node reports the swarm active.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$ManagerAddress,
    [Parameter(Mandatory = $true)][ValidateSet('manager', 'worker')][string]$Role,
    [Parameter(Mandatory = $true)][string]$JoinToken,
    [int]$TimeoutSeconds = 300
)

$ErrorActionPreference = 'Stop'
$Docker = Join-Path $env:ProgramFiles 'docker\docker.exe'
# The local engine's named pipe, named explicitly: the guard on a pool node admits a swarm join from
# a caller without a TLS identity only (allowLocalSwarmJoin), so neither a DOCKER_HOST nor a docker
# context may send this join over TCP.
$LocalEngine = @('-H', 'npipe:////./pipe/docker_engine')
$Log = Join-Path $env:ProgramData 'windows-isolation\bootstrap.log'

function Hide-Token {
    # Whatever docker says back may quote the token; the log and the output never do.
    param([string]$Text)
    return $Text -replace 'SWMTKN-[0-9A-Za-z-]+', '<token>'
}

function Write-Log {
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0:u} swarm-join {1}' -f (Get-Date), (Hide-Token $Message)
    Add-Content -LiteralPath $Log -Value $line -Encoding UTF8
    Write-Output $line
}

# windows-isolation:prelude (Invoke-Native; bootstrap/index.ts inserts prelude.ps1 here)

function Get-SwarmState {
    $r = Invoke-Native $Docker ($LocalEngine + @('info', '--format', '{{.Swarm.LocalNodeState}}'))
    if ($r.ExitCode -ne 0) { throw ("docker info failed: {0}" -f ($r.Output -join ' ')) }
    return ($r.Output | Select-Object -First 1).ToString().Trim()
}

function Get-PrivateIPv4 {
    # The address of the interface that carries the default route: the VM's NIC in its subnet.
    $route = Get-NetRoute -DestinationPrefix '0.0.0.0/0' | Sort-Object -Property RouteMetric | Select-Object -First 1
    $address = Get-NetIPAddress -AddressFamily IPv4 -InterfaceIndex $route.InterfaceIndex | Select-Object -First 1
    return $address.IPAddress
}

try {
    $state = Get-SwarmState
    if ($state -eq 'active') {
        Write-Log 'already part of a swarm; nothing to do'
        exit 0
    }
    if ($state -ne 'inactive') { throw "swarm state is '$state'; leave it (docker swarm leave --force) and run pulumi up again" }
    $ip = Get-PrivateIPv4
    # The token goes to docker.exe as an argument and never into the log or the output.
    $r = Invoke-Native $Docker ($LocalEngine + @('swarm', 'join', '--token', $JoinToken, '--advertise-addr', $ip, '--listen-addr', ('{0}:2377' -f $ip), ('{0}:2377' -f $ManagerAddress)))
    if ($r.ExitCode -ne 0) { throw ("docker swarm join failed: {0}" -f (Hide-Token ($r.Output -join ' '))) }
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-SwarmState) -ne 'active') {
        if ((Get-Date) -gt $deadline) { throw "the node did not become active in the swarm within $TimeoutSeconds seconds" }
        Start-Sleep -Seconds 5
    }
    Write-Log ("joined the swarm at {0} as a {1}, advertising {2}" -f $ManagerAddress, $Role, $ip)
    exit 0
} catch {
    Write-Log ("FAILED: {0}" -f (Hide-Token $_.Exception.Message))
    exit 1
}
