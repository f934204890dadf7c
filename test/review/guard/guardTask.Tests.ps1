# review/guard/install/guard-task.ps1 under real PowerShell. The Windows-only cmdlets it calls
# (ScheduledTasks, services) stand in as mocks: this machine is not Windows. Run by guardTask.test.ts.
BeforeAll {
    # Stubs with the real cmdlets' parameters, so that Pester can mock them where they do not exist.
    $stubs = @{
        'New-ScheduledTaskAction'     = { param([string]$Execute, [string]$Argument) }
        'New-ScheduledTaskTrigger'    = { param([switch]$AtStartup) }
        'New-ScheduledTaskPrincipal'  = { param([string]$UserId, [string]$LogonType, [string]$RunLevel) }
        'New-ScheduledTaskSettingsSet' = { param([TimeSpan]$ExecutionTimeLimit, [int]$RestartCount, [TimeSpan]$RestartInterval) }
        'Register-ScheduledTask'      = { param([string]$TaskName, $Action, $Trigger, $Principal, $Settings, [switch]$Force) }
        'Start-ScheduledTask'         = { param([string]$TaskName) }
        'Stop-ScheduledTask'          = { param([string]$TaskName) }
        'Get-ScheduledTask'           = { param([string]$TaskName) }
        'Get-Service'                 = { param([string]$Name) }
        'Set-Service'                 = { param([string]$Name, [string]$StartupType) }
        'Start-Service'               = { param([string]$Name) }
        'Get-CimInstance'             = { param([string]$ClassName, [string]$Filter) }
    }
    foreach ($name in $stubs.Keys) {
        if (-not (Get-Command -Name $name -ErrorAction SilentlyContinue)) { Set-Item -Path "function:global:$name" -Value $stubs[$name] }
    }
    $script:taskScript = Join-Path $PSScriptRoot '../../../review/guard/install/guard-task.ps1' | Resolve-Path | ForEach-Object Path
    $env:SystemRoot = 'C:\Windows'
    . $taskScript -Node 'C:\Program Files\nodejs\node.exe' -Guard 'C:\npm\windows-isolation\build\bin\windows-isolation.js' -Listen 'npipe:////./pipe/windows-isolation-guard' -Settings 'C:\ProgramData\windows-isolation\guard.json' -TimeoutSeconds 1
}

Describe 'guard-task.ps1' {
    BeforeEach {
        $script:order = [System.Collections.Generic.List[string]]::new()
        Mock New-ScheduledTaskAction { [pscustomobject]@{ Execute = $Execute; Argument = $Argument } }
        Mock New-ScheduledTaskTrigger { [pscustomobject]@{ AtStartup = [bool]$AtStartup } }
        Mock New-ScheduledTaskPrincipal { [pscustomobject]@{ UserId = $UserId; LogonType = $LogonType; RunLevel = $RunLevel } }
        Mock New-ScheduledTaskSettingsSet { [pscustomobject]@{ ExecutionTimeLimit = $ExecutionTimeLimit } }
        Mock Register-ScheduledTask { $order.Add('register') }
        Mock Start-ScheduledTask { $order.Add('start-task') }
        Mock Stop-ScheduledTask { $order.Add('stop-task') }
        Mock Get-ScheduledTask { $null }
        Mock Get-Service { [pscustomobject]@{ Name = 'docker'; Status = 'Running' } }
        Mock Set-Service { $order.Add("set-service $StartupType") }
        Mock Start-Service { $order.Add('start-docker') }
        Mock Start-Process { $order.Add('start-guard'); [pscustomobject]@{ Id = 4242; HasExited = $false; ExitCode = $null } }
        Mock Stop-Process { $order.Add("stop $Id") }
        Mock Wait-Process { $order.Add("wait $Id") }
        Mock Get-CimInstance { @() }
    }

    It 'registers a SYSTEM startup task without a time limit that runs this script with -Run, sets docker to start manually, starts the task and waits for the guard' {
        Mock Test-GuardAnswers { $order.Add('probe'); $true }
        $said = Register-GuardTask
        $said | Should -Be 'task windows-isolation-guard registered and started; the guard answers on npipe:////./pipe/windows-isolation-guard'
        $order | Should -Be @('register', 'set-service Manual', 'start-task', 'probe')
        Should -Invoke New-ScheduledTaskAction -Times 1 -Exactly -ParameterFilter {
            $Execute -eq 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe' -and
            $Argument -eq ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -Run -TaskName windows-isolation-guard -Node "C:\Program Files\nodejs\node.exe" -Guard "C:\npm\windows-isolation\build\bin\windows-isolation.js" -Listen npipe:////./pipe/windows-isolation-guard -Settings "C:\ProgramData\windows-isolation\guard.json"' -f $taskScript)
        }
        Should -Invoke New-ScheduledTaskTrigger -Times 1 -Exactly -ParameterFilter { $AtStartup }
        Should -Invoke New-ScheduledTaskPrincipal -Times 1 -Exactly -ParameterFilter { $UserId -eq 'SYSTEM' -and $LogonType -eq 'ServiceAccount' -and $RunLevel -eq 'Highest' }
        Should -Invoke New-ScheduledTaskSettingsSet -Times 1 -Exactly -ParameterFilter { $ExecutionTimeLimit -eq [TimeSpan]::Zero }
        Should -Invoke Register-ScheduledTask -Times 1 -Exactly -ParameterFilter { $TaskName -eq 'windows-isolation-guard' -and $Force }
    }

    It 'stops a task registered before it registers it again' {
        Mock Get-ScheduledTask { [pscustomobject]@{ TaskName = $TaskName } }
        Mock Test-GuardAnswers { $true }
        Register-GuardTask | Out-Null
        $order | Should -Be @('stop-task', 'register', 'set-service Manual', 'start-task')
    }

    It 'fails when the guard does not answer in time' {
        Mock Test-GuardAnswers { $false }
        { Register-GuardTask } | Should -Throw '*did not answer on npipe:////./pipe/windows-isolation-guard within 1 seconds; dockerd is not started*'
    }

    It 'with -Run starts the guard, starts docker only once it answers, then lives as long as the guard' {
        $script:answers = @($false, $true)
        $script:probes = 0
        Mock Test-GuardAnswers { $order.Add('probe'); $answers[$script:probes++] }
        Mock Start-Sleep { $order.Add('sleep') }
        Start-GuardThenDocker
        $order | Should -Be @('start-guard', 'probe', 'sleep', 'probe', 'start-docker', 'wait 4242')
        Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter {
            $FilePath -eq 'C:\Program Files\nodejs\node.exe' -and
            "$ArgumentList" -eq '"C:\npm\windows-isolation\build\bin\windows-isolation.js" guard --listen npipe:////./pipe/windows-isolation-guard --settings "C:\ProgramData\windows-isolation\guard.json"'
        }
    }

    It 'with -Run first stops a guard left on the same address, and only that one' {
        Mock Get-CimInstance {
            @(
                [pscustomobject]@{ ProcessId = 11; CommandLine = '"C:\Program Files\nodejs\node.exe" "C:\npm\windows-isolation\build\bin\windows-isolation.js" guard --listen npipe:////./pipe/windows-isolation-guard --settings "x"' }
                [pscustomobject]@{ ProcessId = 12; CommandLine = '"C:\Program Files\nodejs\node.exe" app.js' }
                [pscustomobject]@{ ProcessId = 13; CommandLine = 'node.exe wi.js guard --listen npipe:////./pipe/other' }
            )
        } -ParameterFilter { $ClassName -eq 'Win32_Process' }
        Mock Test-GuardAnswers { $true }
        Start-GuardThenDocker
        $order | Should -Be @('stop 11', 'start-guard', 'start-docker', 'wait 4242')
    }

    It 'with -Run never starts docker when the guard exits before it answers' {
        Mock Test-GuardAnswers { $false }
        Mock Start-Process { $order.Add('start-guard'); [pscustomobject]@{ Id = 4242; HasExited = $true; ExitCode = 2 } }
        { Start-GuardThenDocker } | Should -Throw '*the guard exited (code 2) before it answered*dockerd is not started*'
        $order | Should -Not -Contain 'start-docker'
    }

    It 'with -Run stops a guard that never answers and never starts docker' {
        Mock Test-GuardAnswers { $false }
        { Start-GuardThenDocker } | Should -Throw '*did not answer*'
        $order | Should -Be @('start-guard', 'stop 4242')
    }

    It 'has nothing Windows PowerShell 5.1 (which the task runs under) runs differently' {
        # The bootstrap's checker (walks the real parser's AST).
        . (Join-Path $PSScriptRoot '../../components/azure/bootstrap/helpers/WindowsPowerShell51.ps1')
        Get-WindowsPowerShell51Problem -Path $taskScript | Should -BeNullOrEmpty
    }

    It 'probes a tcp address for real: a listener answers, a closed port does not' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $Listen = "tcp://127.0.0.1:$port"
            Test-GuardAnswers | Should -BeTrue
        } finally { $listener.Stop() }
        Test-GuardAnswers | Should -BeFalse
    }
}
