<#
.SYNOPSIS
    Phase 2 of a ContainerHost bootstrap, run at every startup by a scheduled task as SYSTEM.
.DESCRIPTION
    Installs the pinned Docker engine (static binaries, SHA-256 verified), writes daemon.json
    (npipe + tcp 0.0.0.0:2376 with mutual TLS, default isolation hyperv), opens 2376 in the
    Windows firewall, registers and starts dockerd, initialises a one-node swarm on the private
    IP and writes a ready marker with facts from `docker info`.
    On a ContainerHostPool node, settings.json also carries swarmRole, swarmSubnet and swarmPorts:
    the swarm ports are opened to the pool's subnet only, and a node whose role is 'join' leaves
    the swarm alone (the pool's swarm-join Run Command joins it once the leader is ready).
    Idempotent: each step checks the state first, so running it at every boot converges.
#>
[CmdletBinding()]
param(
    [string]$SettingsPath = (Join-Path $PSScriptRoot 'settings.json')
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = Join-Path $env:ProgramData 'windows-isolation'
$Log = Join-Path $Root 'bootstrap.log'
$Ready = Join-Path $Root 'ready.json'
$Failed = Join-Path $Root 'failed.json'
$InstallDir = Join-Path $env:ProgramFiles 'docker'
$Dockerd = Join-Path $InstallDir 'dockerd.exe'
$Docker = Join-Path $InstallDir 'docker.exe'
$DaemonConfig = Join-Path $env:ProgramData 'docker\config\daemon.json'
$FirewallRule = 'windows-isolation-docker-tls'

function Write-Log {
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0:u} phase2 {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $Log -Value $line
    Write-Output $line
}

function Write-Utf8File {
    # .NET writes UTF-8 without a byte order mark, which dockerd's JSON reader needs.
    param([string]$Path, [string]$Text)
    $tmp = "$Path.tmp"
    [System.IO.File]::WriteAllText($tmp, $Text)
    Move-Item -LiteralPath $tmp -Destination $Path -Force
}

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $output = & $Docker @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), ($output -join ' ')) }
    return $output
}

function Get-InstalledDockerVersion {
    if (-not (Test-Path -LiteralPath $Dockerd)) { return $null }
    $text = & $Dockerd --version 2>&1
    if ($text -match 'version ([0-9][0-9A-Za-z.+-]*)') { return $Matches[1].TrimEnd(',') }
    return $null
}

function Get-PrivateIPv4 {
    # The address of the interface that carries the default route: the VM's NIC in its subnet.
    $route = Get-NetRoute -DestinationPrefix '0.0.0.0/0' | Sort-Object -Property RouteMetric | Select-Object -First 1
    $address = Get-NetIPAddress -AddressFamily IPv4 -InterfaceIndex $route.InterfaceIndex | Select-Object -First 1
    return $address.IPAddress
}

New-Item -ItemType Directory -Force -Path $Root | Out-Null
Remove-Item -LiteralPath $Failed -Force -ErrorAction SilentlyContinue

try {
    $settings = Get-Content -Raw -LiteralPath $SettingsPath | ConvertFrom-Json
    Write-Log ("starting; wanted Docker {0}" -f $settings.dockerVersion)

    # 1. The pinned engine, verified before a single byte of it runs.
    $installed = Get-InstalledDockerVersion
    if ($installed -ne $settings.dockerVersion) {
        $zip = Join-Path $env:TEMP ("docker-{0}.zip" -f $settings.dockerVersion)
        $attempt = 0
        while ($true) {
            $attempt++
            try {
                Invoke-WebRequest -UseBasicParsing -Uri $settings.dockerUrl -OutFile $zip
                break
            } catch {
                if ($attempt -ge 5) { throw }
                Write-Log ("download attempt {0} failed: {1}; retrying" -f $attempt, $_.Exception.Message)
                Start-Sleep -Seconds (10 * $attempt)
            }
        }
        $actual = (Get-FileHash -LiteralPath $zip -Algorithm SHA256).Hash
        if ($actual -ne $settings.dockerSha256.ToUpperInvariant()) {
            Remove-Item -LiteralPath $zip -Force
            throw ("SHA-256 mismatch for {0}: expected {1}, got {2}" -f $settings.dockerUrl, $settings.dockerSha256, $actual)
        }
        if (Get-Service -Name docker -ErrorAction SilentlyContinue) { Stop-Service -Name docker -Force }
        # The archive holds a docker\ folder.
        Expand-Archive -LiteralPath $zip -DestinationPath $env:ProgramFiles -Force
        Remove-Item -LiteralPath $zip -Force
        Write-Log ("Docker {0} installed in {1} (sha256 {2})" -f $settings.dockerVersion, $InstallDir, $actual)
    } else {
        Write-Log "Docker $installed already installed"
    }
    $machinePath = [Environment]::GetEnvironmentVariable('Path', 'Machine')
    if (($machinePath -split ';') -notcontains $InstallDir) {
        [Environment]::SetEnvironmentVariable('Path', "$machinePath;$InstallDir", 'Machine')
    }

    # 2. daemon.json, generated and tested in TypeScript; rewritten only when it changed.
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $DaemonConfig) | Out-Null
    $wantedConfig = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'daemon.json')
    $configChanged = $true
    if (Test-Path -LiteralPath $DaemonConfig) {
        $configChanged = (Get-Content -Raw -LiteralPath $DaemonConfig) -ne $wantedConfig
    }
    if ($configChanged) {
        Write-Utf8File -Path $DaemonConfig -Text $wantedConfig
        Write-Log "daemon.json written to $DaemonConfig"
    }

    # 3. The TLS port in the Windows firewall (the Azure NSG decides who may reach it).
    if (-not (Get-NetFirewallRule -Name $FirewallRule -ErrorAction SilentlyContinue)) {
        New-NetFirewallRule -Name $FirewallRule -DisplayName 'Docker engine API (mutual TLS)' -Direction Inbound -Protocol TCP -LocalPort 2376 -Action Allow | Out-Null
        Write-Log 'firewall rule for TCP 2376 added'
    }

    # 3b. Pool nodes: the swarm ports, from the pool's subnet only.
    if ($settings.swarmSubnet) {
        foreach ($p in $settings.swarmPorts) {
            $name = 'windows-isolation-swarm-{0}-{1}' -f $p.port, $p.protocol.ToLowerInvariant()
            $existing = Get-NetFirewallRule -Name $name -ErrorAction SilentlyContinue
            if ($existing) { Remove-NetFirewallRule -Name $name }
            New-NetFirewallRule -Name $name -DisplayName ('Docker swarm {0}/{1} (pool subnet only)' -f $p.port, $p.protocol) -Direction Inbound -Protocol $p.protocol -LocalPort $p.port -RemoteAddress $settings.swarmSubnet -Action Allow | Out-Null
        }
        Write-Log ("swarm ports open to {0} only" -f $settings.swarmSubnet)
    }

    # 4. dockerd as a Windows service.
    $service = Get-Service -Name docker -ErrorAction SilentlyContinue
    if (-not $service) {
        & $Dockerd --register-service
        if ($LASTEXITCODE -ne 0) { throw "dockerd --register-service failed with exit code $LASTEXITCODE" }
        Write-Log 'docker service registered'
    }
    Set-Service -Name docker -StartupType Automatic
    $certsChanged = Join-Path $Root 'certs-changed'
    if (($configChanged -or (Test-Path -LiteralPath $certsChanged)) -and (Get-Service -Name docker).Status -eq 'Running') {
        Restart-Service -Name docker -Force
        Write-Log 'docker service restarted to load new configuration or TLS material'
    } else {
        Start-Service -Name docker
    }
    Remove-Item -LiteralPath $certsChanged -Force -ErrorAction SilentlyContinue
    $deadline = (Get-Date).AddMinutes(5)
    while ($true) {
        & $Docker version --format '{{.Server.Version}}' 2>&1 | Out-Null
        if ($LASTEXITCODE -eq 0) { break }
        if ((Get-Date) -gt $deadline) { throw 'dockerd did not answer on npipe within 5 minutes' }
        Start-Sleep -Seconds 5
    }
    Write-Log 'dockerd answers on npipe'

    # 5. A one-node swarm: workloads are swarm services, the only API with a per-task isolation field.
    #    A pool node with role 'join' is joined by the pool's Run Command instead.
    $swarmState = (Invoke-Docker info --format '{{.Swarm.LocalNodeState}}' | Select-Object -First 1).ToString().Trim()
    if ($settings.swarmRole -eq 'join') {
        Write-Log "swarm state is $swarmState; this pool node is joined by the pool's swarm-join Run Command"
    } elseif ($swarmState -eq 'inactive') {
        $ip = Get-PrivateIPv4
        Invoke-Docker swarm init --advertise-addr $ip --listen-addr ('{0}:2377' -f $ip) | Out-Null
        Write-Log "swarm initialised, advertising $ip"
    } else {
        Write-Log "swarm state is $swarmState"
    }

    # 6. The ready marker the Run Command waits for, with what the engine says about itself.
    $info = (Invoke-Docker info --format '{{json .}}') -join '' | ConvertFrom-Json
    $facts = [ordered]@{
        ready           = $true
        serverVersion   = $info.ServerVersion
        osVersion       = $info.OSVersion
        kernelVersion   = $info.KernelVersion
        operatingSystem = $info.OperatingSystem
        isolation       = $info.Isolation
        swarm           = $info.Swarm.LocalNodeState
        nodeId          = $info.Swarm.NodeID
        cpus            = $info.NCPU
        writtenAt       = (Get-Date).ToUniversalTime().ToString('o')
    }
    Write-Utf8File -Path $Ready -Text ($facts | ConvertTo-Json)
    Write-Log ("ready: Docker {0}, isolation {1}, swarm {2}" -f $info.ServerVersion, $info.Isolation, $info.Swarm.LocalNodeState)
    exit 0
} catch {
    $message = $_.Exception.Message
    Write-Log "FAILED: $message"
    Write-Utf8File -Path $Failed -Text (@{ error = $message; at = (Get-Date).ToUniversalTime().ToString('o') } | ConvertTo-Json)
    exit 1
}
