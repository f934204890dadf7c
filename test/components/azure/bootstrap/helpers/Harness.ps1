<#
    A fake Windows host for running the bootstrap scripts under real PowerShell on Linux.

    - The file system lives under a temporary root: $env:ProgramData, $env:ProgramFiles and
      $env:TEMP (which the scripts build every path from) point into it.
    - Native programs (docker.exe, dockerd.exe, icacls.exe, shutdown.exe) are copies of
      ./fake-native: they record their arguments and answer from scripted rules.
    - Windows-only cmdlets become functions whose parameter names and types copy Microsoft's
      documentation (ServerManager, ScheduledTasks, NetSecurity, NetTCPIP, and the Windows
      PowerShell 5.1 service cmdlets), so a misspelled or missing parameter or an invalid enum
      value fails the script as it would on Windows. They act on $global:WiHost, the host's state.
    - Time is a fake clock: Start-Sleep advances it, Get-Date reads it, so bounded waits end
      without waiting.
    Dot-source this file in BeforeAll; call New-FakeHost in BeforeEach.
#>

$script:HelperDir = $PSScriptRoot
$script:BootstrapSource = Join-Path $PSScriptRoot '../../../../../components/azure/bootstrap'

function New-FakeHost {
    # A fresh host: empty disk, no features, no services, no tasks, no firewall rules.
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ('wi-pester-' + [guid]::NewGuid().ToString('N'))
    $paths = @{
        Root         = $root
        ProgramData  = Join-Path $root 'ProgramData'
        ProgramFiles = Join-Path $root 'Program Files'
        Temp         = Join-Path $root 'Temp'
        Bin          = Join-Path $root 'bin'
        Fake         = Join-Path $root 'fake'
        Bootstrap    = Join-Path $root 'ProgramData/windows-isolation/bootstrap'
    }
    foreach ($k in 'ProgramData', 'ProgramFiles', 'Temp', 'Bin', 'Fake', 'Bootstrap') { New-Item -ItemType Directory -Force -Path $paths[$k] | Out-Null }
    New-Item -ItemType Directory -Force -Path (Join-Path $paths.Fake 'rules') | Out-Null
    if (-not $global:WiSavedEnv) {
        $global:WiSavedEnv = @{ ProgramData = $env:ProgramData; ProgramFiles = $env:ProgramFiles; TEMP = $env:TEMP; PATH = $env:PATH; WI_FAKE_DIR = $env:WI_FAKE_DIR }
    }
    $env:ProgramData = $paths.ProgramData
    $env:ProgramFiles = $paths.ProgramFiles
    $env:TEMP = $paths.Temp
    $env:WI_FAKE_DIR = $paths.Fake
    $env:PATH = $paths.Bin + [System.IO.Path]::PathSeparator + $global:WiSavedEnv.PATH
    foreach ($exe in 'icacls.exe', 'shutdown.exe') { Install-FakeProgram -Path (Join-Path $paths.Bin $exe) }
    $global:WiHost = @{
        Paths            = $paths
        Features         = @{ 'Hyper-V' = $false; 'Containers' = $false }
        InstallFails     = $false
        # An Azure VM with nested virtualization, before Hyper-V: the extensions show, and Azure's hypervisor is present.
        Virtualization   = @{ FirmwareEnabled = $true; HypervisorPresent = $true }
        Tasks            = @{}
        TaskStarts       = @()
        TaskStartsIgnored = @()
        TaskRunning      = @{}
        Services         = @{}
        Firewall         = @{}
        Routes           = @([pscustomobject]@{ DestinationPrefix = '0.0.0.0/0'; InterfaceIndex = 7; RouteMetric = 0 })
        Addresses        = @([pscustomobject]@{ InterfaceIndex = 7; AddressFamily = 'IPv4'; IPAddress = '10.40.0.4' })
        Download         = $null
        # Archives served by URL (more than one download in a run); Download serves any other URL.
        Served           = @{}
        DownloadFailures = 0
        Downloads        = @()
        Now              = [datetime]::new(2026, 1, 1, 0, 0, 0, [System.DateTimeKind]::Utc)
        Slept            = 0
        Calls            = [System.Collections.Generic.List[object]]::new()
        ServiceStart     = $null
        Rules            = 0
    }
    return $paths
}

function Remove-FakeHost {
    if ($global:WiHost) { Remove-Item -LiteralPath $global:WiHost.Paths.Root -Recurse -Force -ErrorAction SilentlyContinue }
    if ($global:WiSavedEnv) {
        foreach ($k in $global:WiSavedEnv.Keys) { Set-Item -Path "env:$k" -Value $global:WiSavedEnv[$k] }
        $global:WiSavedEnv = $null
    }
    $global:WiHost = $null
}

function Install-FakeProgram {
    param([Parameter(Mandatory = $true)][string]$Path)
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Path) | Out-Null
    Copy-Item -LiteralPath (Join-Path $script:HelperDir 'fake-native') -Destination $Path -Force
    Set-Executable $Path
}

function Set-Executable {
    # chmod 755 through .NET: the suites install hundreds of fakes, and a chmod process for each cost a fork and exec.
    param([Parameter(Mandatory = $true)][string]$Path)
    [System.IO.File]::SetUnixFileMode($Path, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
}

function Add-FakeAnswer {
    # The first rule (in the order added; -First puts it ahead of all others) whose program name
    # and glob match answers; -Times limits how often a rule answers (then later rules take
    # over); -Creates names a file under the fake folder the answer touches (a side effect).
    param(
        [Parameter(Mandatory = $true)][string]$Program,
        [string]$Match = '*',
        [string]$Stdout = '',
        [string]$Stderr = '',
        [int]$ExitCode = 0,
        [int]$Times = -1,
        [string]$PathMatch,
        [string]$Creates,
        # A bash command whose output is the answer, run at call time (an answer that depends on state).
        [string]$StdoutCommand,
        [switch]$First
    )
    $rules = Join-Path $global:WiHost.Paths.Fake 'rules'
    $n = ++$global:WiHost.Rules
    $dir = Join-Path $rules ('{0}-{1:D4}' -f $(if ($First) { 'a' } else { 'b' }), $n)
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    [System.IO.File]::WriteAllText((Join-Path $dir 'name'), $Program)
    [System.IO.File]::WriteAllText((Join-Path $dir 'match'), $Match)
    [System.IO.File]::WriteAllText((Join-Path $dir 'exit'), [string]$ExitCode)
    if ($Stdout -ne '') { [System.IO.File]::WriteAllText((Join-Path $dir 'stdout'), $Stdout + "`n") }
    if ($Stderr -ne '') { [System.IO.File]::WriteAllText((Join-Path $dir 'stderr'), $Stderr + "`n") }
    if ($Times -ge 0) { [System.IO.File]::WriteAllText((Join-Path $dir 'times'), [string]$Times) }
    if ($PathMatch) { [System.IO.File]::WriteAllText((Join-Path $dir 'path'), $PathMatch) }
    if ($Creates) { [System.IO.File]::WriteAllText((Join-Path $dir 'creates'), $Creates) }
    if ($StdoutCommand) { [System.IO.File]::WriteAllText((Join-Path $dir 'stdout-cmd'), $StdoutCommand) }
}

function Remove-FakeAnswer {
    # Drops the rules for a program (and glob, when given).
    param([Parameter(Mandatory = $true)][string]$Program, [string]$Match)
    foreach ($d in Get-ChildItem -LiteralPath (Join-Path $global:WiHost.Paths.Fake 'rules') -Directory) {
        $name = [System.IO.File]::ReadAllText((Join-Path $d.FullName 'name'))
        $glob = [System.IO.File]::ReadAllText((Join-Path $d.FullName 'match'))
        if ($name -eq $Program -and (-not $Match -or $glob -eq $Match)) { Remove-Item -LiteralPath $d.FullName -Recurse -Force }
    }
}

function Get-FakeCalls {
    # Every native call so far as @{ Program; Arguments }, optionally of one program.
    param([string]$Program)
    $file = Join-Path $global:WiHost.Paths.Fake 'calls.tsv'
    if (-not (Test-Path -LiteralPath $file)) { return @() }
    $calls = foreach ($line in [System.IO.File]::ReadAllLines($file)) {
        $parts = $line -split "`t"
        [pscustomobject]@{ Program = $parts[0]; Arguments = @($parts | Select-Object -Skip 1); Line = ($parts | Select-Object -Skip 1) -join ' ' }
    }
    return @($calls | Where-Object { -not $Program -or $_.Program -eq $Program })
}

function Get-AclSnapshots {
    # Each icacls call on a folder, in order, with what the folder held then (paths relative to it).
    $file = Join-Path $global:WiHost.Paths.Fake 'acl-snapshots.tsv'
    if (-not (Test-Path -LiteralPath $file)) { return @() }
    return @(foreach ($line in [System.IO.File]::ReadAllLines($file)) {
        $parts = $line -split "`t", 2
        [pscustomobject]@{ Path = $parts[0]; Entries = @($parts[1].Trim() -split ' ' | Where-Object { $_ } | ForEach-Object { $_.Substring(2) }) }
    })
}

function Get-StubCalls {
    param([string]$Name)
    return @($global:WiHost.Calls | Where-Object { -not $Name -or $_.Name -eq $Name })
}

function Add-StubCall {
    param([string]$Name, [hashtable]$Parameters)
    $global:WiHost.Calls.Add([pscustomobject]@{ Name = $Name; Parameters = $Parameters })
}

function Invoke-BootstrapScript {
    # Runs a script as its caller would (a file, its exit code) and returns exit code and output.
    param([Parameter(Mandatory = $true)][string]$Path, [hashtable]$Parameters = @{})
    $global:LASTEXITCODE = 0
    $output = @(& $Path @Parameters 2>&1 | ForEach-Object { "$_" })
    return [pscustomobject]@{ ExitCode = $global:LASTEXITCODE; Output = $output; Text = ($output -join "`n") }
}

function Copy-BootstrapScript {
    # The script as generated (bootstrapScript in bootstrap/index.ts: the source with the prelude
    # in place, the bytes Azure receives) into the host's bootstrap folder, where the bundle writes it.
    param([Parameter(Mandatory = $true)][string]$Name)
    $target = Join-Path $global:WiHost.Paths.Bootstrap $Name
    Copy-Item -LiteralPath (Get-GeneratedPath $Name) -Destination $target -Force
    return $target
}

function Get-HostLog {
    $log = Join-Path $env:ProgramData 'windows-isolation/bootstrap.log'
    if (-not (Test-Path -LiteralPath $log)) { return '' }
    return [System.IO.File]::ReadAllText($log)
}

# ---- the fake clock --------------------------------------------------------------------------

function Get-Date {
    # Only the bare form the scripts use; any parameter fails here, which a test would notice.
    [CmdletBinding()]
    param()
    return $global:WiHost.Now
}

function Start-Sleep {
    [CmdletBinding(DefaultParameterSetName = 'Seconds')]
    param(
        [Parameter(ParameterSetName = 'Seconds', Position = 0, Mandatory = $true)][double]$Seconds,
        [Parameter(ParameterSetName = 'Milliseconds', Mandatory = $true)][int]$Milliseconds
    )
    $s = if ($PSCmdlet.ParameterSetName -eq 'Seconds') { $Seconds } else { $Milliseconds / 1000 }
    $global:WiHost.Slept += $s
    $global:WiHost.Now = $global:WiHost.Now.AddSeconds($s)
    if ($global:WiHost.OnSleep) { & $global:WiHost.OnSleep }
}

# ---- ServerManager (Windows Server) ----------------------------------------------------------

function Get-WindowsFeature {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string[]]$Name,
        [string]$Vhd,
        [string]$ComputerName,
        [pscredential]$Credential,
        [string]$LogPath
    )
    Add-StubCall 'Get-WindowsFeature' $PSBoundParameters
    foreach ($n in $Name) {
        [pscustomobject]@{ Name = $n; Installed = [bool]$global:WiHost.Features[$n]; InstallState = $(if ($global:WiHost.Features[$n]) { 'Installed' } else { 'Available' }) }
    }
}

function Install-WindowsFeature {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string[]]$Name,
        [switch]$Restart,
        [switch]$IncludeAllSubFeature,
        [switch]$IncludeManagementTools,
        [string[]]$Source,
        [string]$Vhd,
        [string]$ComputerName,
        [pscredential]$Credential,
        [string]$LogPath,
        [string]$ConfigurationFilePath
    )
    Add-StubCall 'Install-WindowsFeature' $PSBoundParameters
    if ($global:WiHost.InstallFails) {
        # What the real cmdlet does on a VM without nested virtualization: a (non-terminating)
        # error record, terminating under the caller's 'Stop', then the failed result.
        Write-Error -Message 'Install-WindowsFeature : A prerequisite check for the Hyper-V feature failed. 1. Hyper-V cannot be installed: The processor does not have required virtualization capabilities.' -Category InvalidOperation -ErrorId 'Alteration_PrerequisiteCheck_Failed,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand'
        return [pscustomobject]@{ Success = $false; RestartNeeded = 'No'; ExitCode = 'Failed'; FeatureResult = @() }
    }
    foreach ($n in $Name) { $global:WiHost.Features[$n] = $true }
    return [pscustomobject]@{ Success = $true; RestartNeeded = 'Yes'; ExitCode = 'SuccessRestartRequired'; FeatureResult = @($Name) }
}

# ---- CIM (the processor's and the computer's virtualization facts) ---------------------------

function Get-CimInstance {
    # Only the classes the bootstrap reads; anything else fails here, which a test would notice.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$ClassName,
        [string]$Namespace,
        [string]$Filter,
        [string[]]$Property,
        [string[]]$ComputerName
    )
    Add-StubCall 'Get-CimInstance' $PSBoundParameters
    switch ($ClassName) {
        'Win32_Processor' { foreach ($i in 1..2) { [pscustomobject]@{ DeviceID = "CPU$i"; VirtualizationFirmwareEnabled = $global:WiHost.Virtualization.FirmwareEnabled } } }
        'Win32_ComputerSystem' { [pscustomobject]@{ Name = 'wihost'; HypervisorPresent = $global:WiHost.Virtualization.HypervisorPresent } }
        default { throw "Get-CimInstance: class $ClassName is not faked" }
    }
}

# ---- ScheduledTasks --------------------------------------------------------------------------

function New-ScheduledTaskAction {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$Execute,
        [Parameter(Position = 1)][string]$Argument,
        [Parameter(Position = 2)][string]$WorkingDirectory,
        [string]$Id
    )
    Add-StubCall 'New-ScheduledTaskAction' $PSBoundParameters
    $o = [pscustomobject]@{ Execute = $Execute; Arguments = $Argument; WorkingDirectory = $WorkingDirectory }
    $o.PSObject.TypeNames.Insert(0, 'MSFT_TaskAction')
    return $o
}

function New-ScheduledTaskTrigger {
    [CmdletBinding()]
    param(
        [Parameter(ParameterSetName = 'AtStartup', Mandatory = $true)][switch]$AtStartup,
        [Parameter(ParameterSetName = 'AtLogon', Mandatory = $true)][switch]$AtLogOn,
        [Parameter(ParameterSetName = 'AtLogon')][string]$User,
        [Parameter(ParameterSetName = 'Once', Mandatory = $true)][switch]$Once,
        [Parameter(ParameterSetName = 'Daily', Mandatory = $true)][switch]$Daily,
        [Parameter(ParameterSetName = 'Daily')][uint32]$DaysInterval,
        [Parameter(ParameterSetName = 'Once', Mandatory = $true)][Parameter(ParameterSetName = 'Daily', Mandatory = $true)][datetime]$At,
        [Parameter(ParameterSetName = 'Once')][timespan]$RepetitionInterval,
        [Parameter(ParameterSetName = 'Once')][timespan]$RepetitionDuration,
        [timespan]$RandomDelay
    )
    Add-StubCall 'New-ScheduledTaskTrigger' $PSBoundParameters
    $o = [pscustomobject]@{ Kind = $PSCmdlet.ParameterSetName }
    $o.PSObject.TypeNames.Insert(0, 'MSFT_TaskTrigger')
    return $o
}

function New-ScheduledTaskPrincipal {
    [CmdletBinding()]
    param(
        [Parameter(ParameterSetName = 'User', Mandatory = $true, Position = 0)][string]$UserId,
        [Parameter(ParameterSetName = 'Group', Mandatory = $true)][string]$GroupId,
        [Parameter(ParameterSetName = 'User')][ValidateSet('None', 'Password', 'S4U', 'Interactive', 'Group', 'ServiceAccount', 'InteractiveOrPassword')][string]$LogonType,
        [ValidateSet('Limited', 'Highest')][string]$RunLevel,
        [string]$Id,
        [ValidateSet('None', 'Unrestricted', 'Default')][string]$ProcessTokenSidType,
        [string[]]$RequiredPrivilege
    )
    Add-StubCall 'New-ScheduledTaskPrincipal' $PSBoundParameters
    $o = [pscustomobject]@{ UserId = $UserId; LogonType = $LogonType; RunLevel = $RunLevel }
    $o.PSObject.TypeNames.Insert(0, 'MSFT_TaskPrincipal')
    return $o
}

function New-ScheduledTaskSettingsSet {
    [CmdletBinding()]
    param(
        [switch]$AllowStartIfOnBatteries,
        [switch]$DontStopIfGoingOnBatteries,
        [switch]$DisallowDemandStart,
        [switch]$DisallowHardTerminate,
        [switch]$DisallowStartOnRemoteAppSession,
        [switch]$DontStopOnIdleEnd,
        [switch]$Hidden,
        [switch]$RestartOnIdle,
        [switch]$RunOnlyIfIdle,
        [switch]$RunOnlyIfNetworkAvailable,
        [switch]$StartWhenAvailable,
        [switch]$WakeToRun,
        [switch]$MaintenanceExclusive,
        [switch]$Disable,
        [ValidateSet('At', 'V1', 'Vista', 'Win7', 'Win8')][string]$Compatibility,
        [timespan]$DeleteExpiredTaskAfter,
        [timespan]$ExecutionTimeLimit,
        [timespan]$IdleDuration,
        [timespan]$IdleWaitTimeout,
        [timespan]$MaintenanceDeadline,
        [timespan]$MaintenancePeriod,
        [ValidateSet('Parallel', 'Queue', 'IgnoreNew', 'StopExisting')][string]$MultipleInstances,
        [int]$Priority,
        [int]$RestartCount,
        [timespan]$RestartInterval,
        [string]$NetworkId,
        [string]$NetworkName
    )
    Add-StubCall 'New-ScheduledTaskSettingsSet' $PSBoundParameters
    $o = [pscustomobject]@{ RestartCount = $RestartCount; ExecutionTimeLimit = $ExecutionTimeLimit; MultipleInstances = $MultipleInstances }
    $o.PSObject.TypeNames.Insert(0, 'MSFT_TaskSettings')
    return $o
}

function Register-ScheduledTask {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$TaskName,
        [Parameter(Position = 1)][string]$TaskPath,
        [Parameter(Mandatory = $true, Position = 2)][PSTypeName('MSFT_TaskAction')][object[]]$Action,
        [PSTypeName('MSFT_TaskTrigger')][object[]]$Trigger,
        [PSTypeName('MSFT_TaskPrincipal')][object]$Principal,
        [PSTypeName('MSFT_TaskSettings')][object]$Settings,
        [string]$Description,
        [string]$User,
        [string]$Password,
        [ValidateSet('Limited', 'Highest')][string]$RunLevel,
        [switch]$Force
    )
    Add-StubCall 'Register-ScheduledTask' $PSBoundParameters
    if ($global:WiHost.Tasks.ContainsKey($TaskName) -and -not $Force) { throw "Cannot create a file when that file already exists. (task $TaskName)" }
    $global:WiHost.Tasks[$TaskName] = @{ Action = $Action; Trigger = $Trigger; Principal = $Principal; Settings = $Settings }
    return [pscustomobject]@{ TaskName = $TaskName; State = 'Ready' }
}

function Start-ScheduledTask {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$TaskName,
        [Parameter(Position = 1)][string]$TaskPath
    )
    Add-StubCall 'Start-ScheduledTask' $PSBoundParameters
    if (-not $global:WiHost.Tasks.ContainsKey($TaskName)) { throw "The system cannot find the file specified. (task $TaskName)" }
    # Task Scheduler's default MultipleInstances is IgnoreNew: a start while the task runs is dropped, silently.
    $policy = $global:WiHost.Tasks[$TaskName].Settings.MultipleInstances
    if ($global:WiHost.TaskRunning[$TaskName] -and (-not $policy -or $policy -eq 'IgnoreNew')) {
        $global:WiHost.TaskStartsIgnored += $TaskName
        return
    }
    $global:WiHost.TaskStarts += $TaskName
}

function Get-ScheduledTask {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$TaskName, [Parameter(Position = 1)][string[]]$TaskPath)
    foreach ($n in $TaskName) {
        if ($global:WiHost.Tasks.ContainsKey($n)) { [pscustomobject]@{ TaskName = $n; State = $(if ($global:WiHost.TaskRunning[$n]) { 'Running' } else { 'Ready' }) } }
        else { Write-Error -Message "No MSFT_ScheduledTask objects found with property 'TaskName' equal to '$n'." -Category ObjectNotFound }
    }
}

function Stop-ScheduledTask {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0)][string]$TaskName, [Parameter(Position = 1)][string]$TaskPath)
    Add-StubCall 'Stop-ScheduledTask' $PSBoundParameters
    if (-not $global:WiHost.Tasks.ContainsKey($TaskName)) { throw "The system cannot find the file specified. (task $TaskName)" }
    $global:WiHost.TaskRunning[$TaskName] = $false
}

# ---- services (the Windows PowerShell 5.1 parameter sets) ------------------------------------

function Get-Service {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string[]]$Name,
        [string[]]$DisplayName,
        [string[]]$Include,
        [string[]]$Exclude,
        [switch]$DependentServices,
        [switch]$RequiredServices
    )
    Sync-FakeServices
    foreach ($n in $Name) {
        if ($global:WiHost.Services.ContainsKey($n)) {
            [pscustomobject]@{ Name = $n; Status = $global:WiHost.Services[$n].Status; StartType = $global:WiHost.Services[$n].StartType }
        } else {
            Write-Error -Message "Cannot find any service with service name '$n'." -Category ObjectNotFound
        }
    }
}

function Sync-FakeServices {
    # A fake program's answer that registered a service (-Creates 'service-<name>') makes it exist.
    foreach ($f in Get-ChildItem -LiteralPath $global:WiHost.Paths.Fake -Filter 'service-*' -File) {
        $n = $f.Name.Substring(8)
        if (-not $global:WiHost.Services.ContainsKey($n)) { $global:WiHost.Services[$n] = @{ Status = 'Stopped'; StartType = 'Manual' } }
    }
}

function Assert-ServiceExists {
    param([string[]]$Name)
    Sync-FakeServices
    foreach ($n in $Name) { if (-not $global:WiHost.Services.ContainsKey($n)) { throw "Cannot find any service with service name '$n'." } }
}

function Set-Service {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$Name,
        [string]$DisplayName,
        [string]$Description,
        [ValidateSet('Automatic', 'Manual', 'Disabled', 'Boot', 'System')][string]$StartupType,
        [ValidateSet('Running', 'Stopped', 'Paused')][string]$Status,
        [switch]$PassThru
    )
    Add-StubCall 'Set-Service' $PSBoundParameters
    Assert-ServiceExists $Name
    if ($StartupType) { $global:WiHost.Services[$Name].StartType = $StartupType }
}

function Start-Service {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string[]]$Name,
        [string[]]$Include,
        [string[]]$Exclude,
        [switch]$PassThru
    )
    Add-StubCall 'Start-Service' $PSBoundParameters
    Assert-ServiceExists $Name
    foreach ($n in $Name) {
        if ($global:WiHost.ServiceStart) { & $global:WiHost.ServiceStart $n }
        $global:WiHost.Services[$n].Status = 'Running'
    }
}

function Stop-Service {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string[]]$Name,
        [switch]$Force,
        [switch]$NoWait,
        [switch]$PassThru
    )
    Add-StubCall 'Stop-Service' $PSBoundParameters
    Assert-ServiceExists $Name
    foreach ($n in $Name) { $global:WiHost.Services[$n].Status = 'Stopped' }
}

function Restart-Service {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string[]]$Name,
        [switch]$Force,
        [switch]$PassThru
    )
    Add-StubCall 'Restart-Service' $PSBoundParameters
    Assert-ServiceExists $Name
    foreach ($n in $Name) { $global:WiHost.Services[$n].Status = 'Running' }
}

# ---- NetSecurity and NetTCPIP ----------------------------------------------------------------

function Get-NetFirewallRule {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string[]]$Name,
        [string[]]$DisplayName,
        [switch]$All
    )
    foreach ($n in $Name) {
        if ($global:WiHost.Firewall.ContainsKey($n)) { [pscustomobject]$global:WiHost.Firewall[$n] }
        else { Write-Error -Message "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$n'." -Category ObjectNotFound }
    }
}

function New-NetFirewallRule {
    [CmdletBinding()]
    param(
        [string]$Name,
        [Parameter(Mandatory = $true)][string]$DisplayName,
        [string]$Description,
        [string]$Group,
        [ValidateSet('True', 'False')][string]$Enabled,
        [ValidateSet('Any', 'Domain', 'Private', 'Public', 'NotApplicable')][string[]]$Profile,
        [ValidateSet('Inbound', 'Outbound')][string]$Direction,
        [ValidateSet('NotConfigured', 'Allow', 'Block')][string]$Action,
        [string]$Protocol,
        [string[]]$LocalPort,
        [string[]]$RemotePort,
        [string[]]$LocalAddress,
        [string[]]$RemoteAddress,
        [string]$Program
    )
    Add-StubCall 'New-NetFirewallRule' $PSBoundParameters
    if ($Protocol -and $Protocol -notmatch '^(TCP|UDP|ICMPv4|ICMPv6|Any|[0-9]+)$') { throw "The value '$Protocol' of Protocol is not valid." }
    if ($LocalPort -and -not $Protocol) { throw 'The port filter needs a protocol (TCP or UDP).' }
    if ($global:WiHost.Firewall.ContainsKey($Name)) { throw "Cannot create a file when that file already exists. (rule $Name)" }
    $global:WiHost.Firewall[$Name] = @{ Name = $Name; DisplayName = $DisplayName; Direction = $Direction; Protocol = $Protocol; LocalPort = $LocalPort; RemoteAddress = $RemoteAddress; Action = $Action }
    return [pscustomobject]$global:WiHost.Firewall[$Name]
}

function Remove-NetFirewallRule {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [string[]]$DisplayName)
    Add-StubCall 'Remove-NetFirewallRule' $PSBoundParameters
    foreach ($n in $Name) {
        if (-not $global:WiHost.Firewall.ContainsKey($n)) { throw "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$n'." }
        $global:WiHost.Firewall.Remove($n)
    }
}

function Get-NetRoute {
    [CmdletBinding()]
    param(
        [string[]]$DestinationPrefix,
        [uint32[]]$InterfaceIndex,
        [string[]]$InterfaceAlias,
        [ValidateSet('IPv4', 'IPv6')][string[]]$AddressFamily
    )
    @($global:WiHost.Routes | Where-Object { -not $DestinationPrefix -or $DestinationPrefix -contains $_.DestinationPrefix })
}

function Get-NetIPAddress {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string[]]$IPAddress,
        [uint32[]]$InterfaceIndex,
        [string[]]$InterfaceAlias,
        [ValidateSet('IPv4', 'IPv6')][string[]]$AddressFamily
    )
    @($global:WiHost.Addresses | Where-Object { (-not $InterfaceIndex -or $InterfaceIndex -contains $_.InterfaceIndex) -and (-not $AddressFamily -or $AddressFamily -contains $_.AddressFamily) })
}

# ---- the network and the archive -------------------------------------------------------------

function Invoke-WebRequest {
    # Windows PowerShell 5.1's parameters; this one serves the archive a test prepared.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][uri]$Uri,
        [string]$OutFile,
        [switch]$UseBasicParsing,
        [int]$TimeoutSec,
        [int]$MaximumRedirection,
        [ValidateSet('Default', 'Get', 'Head', 'Post', 'Put', 'Delete', 'Trace', 'Options', 'Merge', 'Patch')][string]$Method,
        [System.Collections.IDictionary]$Headers
    )
    Add-StubCall 'Invoke-WebRequest' $PSBoundParameters
    $global:WiHost.Downloads += [string]$Uri
    if ($global:WiHost.DownloadFailures -gt 0) {
        $global:WiHost.DownloadFailures--
        throw 'Unable to connect to the remote server'
    }
    if ($global:WiHost.Served.ContainsKey([string]$Uri)) {
        Copy-Item -LiteralPath $global:WiHost.Served[[string]$Uri] -Destination $OutFile -Force
        return
    }
    if (-not $global:WiHost.Download) { throw "no archive served for $Uri" }
    Copy-Item -LiteralPath $global:WiHost.Download -Destination $OutFile -Force
}

function Expand-Archive {
    # The real cmdlet, then the execute bit: a zip carries none, and the fakes are scripts.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][string]$LiteralPath,
        [Parameter(Mandatory = $true)][string]$DestinationPath,
        [switch]$Force
    )
    Add-StubCall 'Expand-Archive' $PSBoundParameters
    Microsoft.PowerShell.Archive\Expand-Archive @PSBoundParameters
    Get-ChildItem -LiteralPath $DestinationPath -Recurse -Filter '*.exe' | ForEach-Object { Set-Executable $_.FullName }
}

function New-DockerArchive {
    # A docker-<version>.zip like Docker's: a docker\ folder with the two programs (fakes here).
    param([Parameter(Mandatory = $true)][string]$Path, [string[]]$Programs = @('docker.exe', 'dockerd.exe'))
    $src = Join-Path $global:WiHost.Paths.Root ('zip-' + [guid]::NewGuid().ToString('N'))
    foreach ($p in $Programs) { Install-FakeProgram -Path (Join-Path $src "docker/$p") }
    Compress-Archive -Path (Join-Path $src 'docker') -DestinationPath $Path -Force
    Remove-Item -LiteralPath $src -Recurse -Force
    return (Microsoft.PowerShell.Utility\Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
}

function New-NodeArchive {
    # node-v<version>-win-x64.zip like nodejs.org's: a node-v<version>-win-x64\ folder with node.exe (a fake here).
    param([Parameter(Mandatory = $true)][string]$Path, [Parameter(Mandatory = $true)][string]$Version)
    $src = Join-Path $global:WiHost.Paths.Root ('zip-' + [guid]::NewGuid().ToString('N'))
    $folder = Join-Path $src "node-v$Version-win-x64"
    Install-FakeProgram -Path (Join-Path $folder 'node.exe')
    Compress-Archive -Path $folder -DestinationPath $Path -Force
    Remove-Item -LiteralPath $src -Recurse -Force
    return (Microsoft.PowerShell.Utility\Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
}

function Get-GeneratedPath {
    # Files the TypeScript side generates (pester.test.ts writes them and sets WI_GENERATED_DIR).
    param([Parameter(Mandatory = $true)][string]$Name)
    if (-not $env:WI_GENERATED_DIR) { throw 'WI_GENERATED_DIR is not set: run these suites through `npx jest test/components/azure/bootstrap/pester.test.ts`' }
    $path = Join-Path $env:WI_GENERATED_DIR $Name
    if (-not (Test-Path -LiteralPath $path)) { throw "generated file $path is missing" }
    return $path
}
