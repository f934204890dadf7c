<#
.SYNOPSIS
    Phase 2 of a ContainerHost bootstrap, run at every startup by a scheduled task as SYSTEM.
.DESCRIPTION
    Installs the pinned Docker engine (static binaries, SHA-256 verified), writes daemon.json
    (npipe + tcp 0.0.0.0:2376 with mutual TLS, default isolation hyperv), opens 2376 in the
    Windows firewall, registers and starts dockerd, initialises a one-node swarm on the private
    IP (with an overlay address pool outside 10.0.0.0/8) and writes a ready marker with facts
    from `docker info`. A failed run is retried, bounded, before it writes failed.json; an
    engine upgrade is staged and checked before it replaces the installed one.
    On a ContainerHostPool node, settings.json also carries swarmRole, swarmSubnet and swarmPorts:
    the swarm ports are opened to the pool's subnet only, and a node whose role is 'join' leaves
    the swarm alone (the pool's swarm-join Run Command joins it once the leader is ready).
    Idempotent: each step checks the state first, so running it at every boot converges.
#>
[CmdletBinding()]
param(
    [string]$SettingsPath = (Join-Path $PSScriptRoot 'settings.json'),
    # Runs of the whole convergence before failed.json: a transient failure (a download, a slow
    # engine start) must not be final, and the scheduled task does not retry a script that exits 1.
    [ValidateRange(1, 10)][int]$MaxAttempts = 3,
    [ValidateRange(0, 3600)][int]$RetryDelaySeconds = 60
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
$StagingDir = Join-Path $env:ProgramFiles 'docker.new'
$PreviousDir = Join-Path $env:ProgramFiles 'docker.old'
$DockerRoot = Join-Path $env:ProgramData 'docker'
$DaemonConfig = Join-Path $DockerRoot 'config\daemon.json'
$FirewallRule = 'windows-isolation-docker-tls'
# The guard (docs/guard.md), when settings.json carries nodeVersion: Node.js staged and swapped
# like the engine, the guard's files, and a startup task that phase 2 starts before dockerd.
$NodeDir = Join-Path $env:ProgramFiles 'windows-isolation-node'
$NodeStagingDir = Join-Path $env:ProgramFiles 'windows-isolation-node.new'
$NodePreviousDir = Join-Path $env:ProgramFiles 'windows-isolation-node.old'
$Node = Join-Path $NodeDir 'node.exe'
$GuardDir = Join-Path $Root 'guard'
$GuardTask = 'windows-isolation-guard'

function Write-Log {
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0:u} phase2 {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $Log -Value $line -Encoding UTF8
    Write-Output $line
}

function Write-Utf8File {
    # UTF-8 without a byte order mark, which dockerd's JSON reader needs; written then moved. A
    # .tmp left from before is removed first: written over, it would keep its owner and rights.
    param([string]$Path, [string]$Text)
    $tmp = "$Path.tmp"
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
    [System.IO.File]::WriteAllText($tmp, $Text, (New-Object System.Text.UTF8Encoding -ArgumentList $false))
    Move-Item -LiteralPath $tmp -Destination $Path -Force
}

# windows-isolation:prelude (Invoke-Native; bootstrap/index.ts inserts prelude.ps1 here)

function Protect-Directory {
    # Only SYSTEM and Administrators: set before anything is written there (phase 1 did it too;
    # done again here so a folder someone loosened since is closed before this run writes).
    param([Parameter(Mandatory = $true)][string]$Path)
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    $r = Invoke-Native icacls.exe $Path, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F'
    if ($r.ExitCode -ne 0) { throw ("icacls failed on {0} with exit code {1}: {2}" -f $Path, $r.ExitCode, ($r.Output -join ' ')) }
}

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $r = Invoke-Native $Docker $Arguments
    if ($r.ExitCode -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), ($r.Output -join ' ')) }
    return $r.Output
}

function Get-DockerdVersion {
    param([Parameter(Mandatory = $true)][string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $text = (Invoke-Native $Path '--version').Output -join ' '
    if ($text -match 'version ([0-9][0-9A-Za-z.+-]*)') { return $Matches[1].TrimEnd(',') }
    return $null
}

function Get-PrivateIPv4 {
    # The address of the interface that carries the default route: the VM's NIC in its subnet.
    $route = Get-NetRoute -DestinationPrefix '0.0.0.0/0' | Sort-Object -Property RouteMetric | Select-Object -First 1
    $address = Get-NetIPAddress -AddressFamily IPv4 -InterfaceIndex $route.InterfaceIndex | Select-Object -First 1
    return $address.IPAddress
}

function Save-VerifiedDownload {
    # Downloads a pinned archive (five attempts: the download hosts fail now and then) and checks
    # its SHA-256; on a mismatch the file is removed and nothing is installed. Returns the hash.
    param([string]$Url, [string]$Path, [string]$Sha256, [string]$Refusal)
    # SChannel under Windows PowerShell 5.1 may offer only TLS 1.0/1.1, which the download hosts refuse.
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
    $attempt = 0
    while ($true) {
        $attempt++
        try {
            Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $Path
            break
        } catch {
            if ($attempt -ge 5) { throw }
            # To the host, not into this function's output: the caller takes the hash from it.
            Write-Log ("download attempt {0} failed: {1}; retrying" -f $attempt, $_.Exception.Message) | Out-Host
            Start-Sleep -Seconds (10 * $attempt)
        }
    }
    $actual = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash
    if ($actual -ne $Sha256.ToUpperInvariant()) {
        Remove-Item -LiteralPath $Path -Force
        throw ("SHA-256 mismatch for {0}: expected {1}, got {2}{3}" -f $Url, $Sha256, $actual, $Refusal)
    }
    return $actual
}

function Switch-InstalledFolder {
    # The staged folder takes the installed one's place; the installed one is kept as Previous
    # until the move succeeded, and put back when it failed.
    param([string]$Staged, [string]$Installed, [string]$Previous)
    Remove-Item -LiteralPath $Previous -Recurse -Force -ErrorAction SilentlyContinue
    if (Test-Path -LiteralPath $Installed) { Move-Item -LiteralPath $Installed -Destination $Previous }
    try {
        Move-Item -LiteralPath $Staged -Destination $Installed
    } catch {
        if (Test-Path -LiteralPath $Previous) { Move-Item -LiteralPath $Previous -Destination $Installed }
        throw
    }
}

function Install-DockerEngine {
    # Staged: the archive goes to docker.new, both programs are checked there, and only then
    # does it replace docker\ (kept as docker.old until the new one is in place).
    param($Settings)
    $zip = Join-Path $env:TEMP ("docker-{0}.zip" -f $Settings.dockerVersion)
    $actual = Save-VerifiedDownload -Url $Settings.dockerUrl -Path $zip -Sha256 $Settings.dockerSha256 -Refusal ''
    Remove-Item -LiteralPath $StagingDir -Recurse -Force -ErrorAction SilentlyContinue
    # The archive holds a docker\ folder.
    Expand-Archive -LiteralPath $zip -DestinationPath $StagingDir -Force
    Remove-Item -LiteralPath $zip -Force
    $staged = Join-Path $StagingDir 'docker'
    foreach ($exe in @('dockerd.exe', 'docker.exe')) {
        if (-not (Test-Path -LiteralPath (Join-Path $staged $exe))) { throw "the archive $($Settings.dockerUrl) has no docker\$exe; the installed engine is left as it is" }
    }
    $stagedVersion = Get-DockerdVersion -Path (Join-Path $staged 'dockerd.exe')
    if ($stagedVersion -ne $Settings.dockerVersion) { throw "the archive's dockerd.exe says version '$stagedVersion', not $($Settings.dockerVersion); the installed engine is left as it is" }
    if (Get-Service -Name docker -ErrorAction SilentlyContinue) { Stop-Service -Name docker -Force }
    Switch-InstalledFolder -Staged $staged -Installed $InstallDir -Previous $PreviousDir
    Remove-Item -LiteralPath $PreviousDir, $StagingDir -Recurse -Force -ErrorAction SilentlyContinue
    Write-Log ("Docker {0} installed in {1} (sha256 {2})" -f $Settings.dockerVersion, $InstallDir, $actual)
}

function Get-NodeVersion {
    param([Parameter(Mandatory = $true)][string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $text = (Invoke-Native $Path '--version').Output -join ' '
    if ($text -match 'v([0-9]+\.[0-9]+\.[0-9]+)') { return $Matches[1] }
    return $null
}

function Install-NodeRuntime {
    # The pinned Node.js for the guard: verified, staged in windows-isolation-node.new, checked
    # there, then swapped in (the previous one kept as .old until the new one is in place).
    param($Settings)
    $zip = Join-Path $env:TEMP ("node-{0}.zip" -f $Settings.nodeVersion)
    $actual = Save-VerifiedDownload -Url $Settings.nodeUrl -Path $zip -Sha256 $Settings.nodeSha256 -Refusal '; Node.js is not installed and the guard not started'
    Remove-Item -LiteralPath $NodeStagingDir -Recurse -Force -ErrorAction SilentlyContinue
    # The archive holds a node-v<version>-win-x64\ folder.
    Expand-Archive -LiteralPath $zip -DestinationPath $NodeStagingDir -Force
    Remove-Item -LiteralPath $zip -Force
    $staged = Join-Path $NodeStagingDir ("node-v{0}-win-x64" -f $Settings.nodeVersion)
    $stagedVersion = Get-NodeVersion -Path (Join-Path $staged 'node.exe')
    if ($stagedVersion -ne $Settings.nodeVersion) { throw "the archive $($Settings.nodeUrl) holds no node.exe of version $($Settings.nodeVersion) (it says '$stagedVersion'); the installed Node.js is left as it is" }
    if (Get-ScheduledTask -TaskName $GuardTask -ErrorAction SilentlyContinue) { Stop-ScheduledTask -TaskName $GuardTask }
    Switch-InstalledFolder -Staged $staged -Installed $NodeDir -Previous $NodePreviousDir
    Remove-Item -LiteralPath $NodePreviousDir, $NodeStagingDir -Recurse -Force -ErrorAction SilentlyContinue
    Write-Log ("Node.js {0} installed in {1} (sha256 {2})" -f $Settings.nodeVersion, $NodeDir, $actual)
}

function Start-Guard {
    # The guard's files from the bootstrap folder, its plugin spec where dockerd looks, a startup
    # task as SYSTEM, started now; dockerd starts only once the guard answers on its pipe.
    param($Settings)
    if (-not (Test-Path -LiteralPath $NodeDir) -and (Test-Path -LiteralPath $NodePreviousDir)) { Move-Item -LiteralPath $NodePreviousDir -Destination $NodeDir }
    if ((Get-NodeVersion -Path $Node) -ne $Settings.nodeVersion) { Install-NodeRuntime -Settings $Settings }
    Protect-Directory -Path $GuardDir
    $script = Join-Path $GuardDir 'windows-isolation-guard.js'
    $guardSettings = Join-Path $GuardDir 'settings.json'
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'guard.js') -Destination $script -Force
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'guard-settings.json') -Destination $guardSettings -Force
    $plugins = Join-Path $DockerRoot 'plugins'
    New-Item -ItemType Directory -Force -Path $plugins | Out-Null
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'guard.spec') -Destination (Join-Path $plugins ("{0}.spec" -f $Settings.guardPluginName)) -Force
    $arguments = '"{0}" guard --listen {1} --settings "{2}"' -f $script, $Settings.guardListen, $guardSettings
    $action = New-ScheduledTaskAction -Execute $Node -Argument $arguments
    $trigger = New-ScheduledTaskTrigger -AtStartup
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $taskSettings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1)
    Register-ScheduledTask -TaskName $GuardTask -Action $action -Trigger $trigger -Principal $principal -Settings $taskSettings -Force | Out-Null
    Start-ScheduledTask -TaskName $GuardTask
    $probe = "require('net').connect('{0}').on('connect',function(){{process.exit(0)}}).on('error',function(){{process.exit(1)}})" -f $Settings.guardPipe.Replace('\', '\\')
    $deadline = (Get-Date).AddMinutes(2)
    while ($true) {
        if ((Invoke-Native $Node '-e', $probe).ExitCode -eq 0) { break }
        if ((Get-Date) -gt $deadline) { throw "the guard did not answer on $($Settings.guardPipe) within 2 minutes; dockerd is not started (its authorization plugin would refuse every request); see task $GuardTask" }
        Start-Sleep -Seconds 5
    }
    Write-Log "guard answers on $($Settings.guardPipe)"
}

function Invoke-Phase2 {
    $settings = Get-Content -Raw -LiteralPath $SettingsPath | ConvertFrom-Json
    Write-Log ("starting; wanted Docker {0}" -f $settings.dockerVersion)

    # 1. The pinned engine, verified before a single byte of it runs. A swap cut short (a restart
    #    between the two moves) leaves docker.old only: put it back first.
    if (-not (Test-Path -LiteralPath $InstallDir) -and (Test-Path -LiteralPath $PreviousDir)) {
        Move-Item -LiteralPath $PreviousDir -Destination $InstallDir
        Write-Log 'restored the previous engine from an upgrade that was cut short'
    }
    $installed = Get-DockerdVersion -Path $Dockerd
    if ($installed -ne $settings.dockerVersion) {
        Install-DockerEngine -Settings $settings
    } else {
        Write-Log "Docker $installed already installed"
    }
    $machinePath = [Environment]::GetEnvironmentVariable('Path', 'Machine')
    if (($machinePath -split ';') -notcontains $InstallDir) {
        [Environment]::SetEnvironmentVariable('Path', "$machinePath;$InstallDir", 'Machine')
    }

    # 1b. The guard, before dockerd: daemon.json names it in authorization-plugins.
    if ($settings.nodeVersion) { Start-Guard -Settings $settings }

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
        $r = Invoke-Native $Dockerd '--register-service'
        if ($r.ExitCode -ne 0) { throw ("dockerd --register-service failed with exit code {0}: {1}" -f $r.ExitCode, ($r.Output -join ' ')) }
        Write-Log 'docker service registered'
    }
    # With the guard, dockerd starts from this script (at every boot), after the guard answers.
    $startup = 'Automatic'
    if ($settings.nodeVersion) { $startup = 'Manual' }
    Set-Service -Name docker -StartupType $startup
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
        # The engine's stderr while it starts is expected; only the exit code counts.
        if ((Invoke-Native $Docker 'version', '--format', '{{.Server.Version}}').ExitCode -eq 0) { break }
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
        Invoke-Docker swarm init --advertise-addr $ip --listen-addr ('{0}:2377' -f $ip) --default-addr-pool $settings.swarmAddressPool --default-addr-pool-mask-length ([string]$settings.swarmAddressPoolMaskLength) | Out-Null
        Write-Log ("swarm initialised, advertising {0}, overlay pool {1}" -f $ip, $settings.swarmAddressPool)
    } elseif ($swarmState -ne 'active') {
        throw "swarm state is '$swarmState', not active; see 'docker info' on the host, and 'docker swarm leave --force' lets the next run init it again"
    } else {
        Write-Log "swarm state is $swarmState"
    }

    # 6. The ready marker the Run Command waits for, with what the engine says about itself.
    $info = (Invoke-Docker info --format '{{json .}}') -join '' | ConvertFrom-Json
    $role = 'init'
    if ($settings.swarmRole) { $role = $settings.swarmRole }
    $facts = [ordered]@{
        ready           = $true
        serverVersion   = $info.ServerVersion
        osVersion       = $info.OSVersion
        kernelVersion   = $info.KernelVersion
        operatingSystem = $info.OperatingSystem
        isolation       = $info.Isolation
        swarm           = $info.Swarm.LocalNodeState
        swarmRole       = $role
        nodeId          = $info.Swarm.NodeID
        cpus            = $info.NCPU
        writtenAt       = (Get-Date).ToUniversalTime().ToString('o')
    }
    Write-Utf8File -Path $Ready -Text ($facts | ConvertTo-Json)
    Write-Log ("ready: Docker {0}, isolation {1}, swarm {2}" -f $info.ServerVersion, $info.Isolation, $info.Swarm.LocalNodeState)
}

try {
    Protect-Directory -Path $Root
    Protect-Directory -Path $DockerRoot
} catch {
    Write-Output ("FAILED: {0}" -f $_.Exception.Message)
    exit 1
}
# A new run: an earlier failure is no longer the last word.
Remove-Item -LiteralPath $Failed -Force -ErrorAction SilentlyContinue

$attempt = 0
while ($true) {
    $attempt++
    try {
        Invoke-Phase2
        exit 0
    } catch {
        $message = $_.Exception.Message
        Write-Log ("attempt {0} of {1} FAILED: {2}" -f $attempt, $MaxAttempts, $message)
        if ($attempt -ge $MaxAttempts) {
            Write-Utf8File -Path $Failed -Text (@{ error = $message; attempts = $attempt; at = (Get-Date).ToUniversalTime().ToString('o') } | ConvertTo-Json)
            exit 1
        }
        Start-Sleep -Seconds $RetryDelaySeconds
    }
}
