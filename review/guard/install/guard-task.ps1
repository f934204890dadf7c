<#
.SYNOPSIS
    The guard's startup task on a Windows host you run (`windows-isolation guard install`).
.DESCRIPTION
    Without -Run: registers the scheduled task (SYSTEM, at startup, no time limit) whose action runs
    this script with -Run, sets the docker service to start manually (so that only the task starts
    it, after the guard), starts the task now and waits until the guard answers. Exit 0 once it does.
    With -Run (the task's action): starts the guard, waits until it answers on its address, then
    starts the docker service, and lives as long as the guard does. dockerd is never started while
    the guard cannot answer: its authorization plugin would refuse every request.
    Mirrors the bootstrap's Start-Guard (components/azure/bootstrap/phase2.ps1) for a host whose
    dockerd the bootstrap does not start.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$Node,
    [Parameter(Mandatory = $true)][string]$Guard,
    [Parameter(Mandatory = $true)][string]$Listen,
    [string]$Settings,
    [string]$TaskName = 'windows-isolation-guard',
    [switch]$Run,
    [ValidateRange(1, 3600)][int]$TimeoutSeconds = 120
)

$ErrorActionPreference = 'Stop'

function Get-GuardArgumentLine {
    # The guard's command line after node.exe, paths quoted as Windows parses them.
    $line = '"{0}" guard --listen {1}' -f $Guard, $Listen
    if ($Settings) { $line += ' --settings "{0}"' -f $Settings }
    return $line
}

function Test-GuardAnswers {
    # Whether something accepts a connection on the guard's address (npipe or loopback tcp).
    if ($Listen -match '^npipe:////\./pipe/(.+)$') {
        $client = New-Object System.IO.Pipes.NamedPipeClientStream -ArgumentList '.', $Matches[1], ([System.IO.Pipes.PipeDirection]::InOut)
        try { $client.Connect(1000); return $true } catch { return $false } finally { $client.Dispose() }
    }
    if ($Listen -match '^tcp://\[?([^\]]+?)\]?:(\d+)$') {
        $client = New-Object System.Net.Sockets.TcpClient
        try { $client.Connect($Matches[1], [int]$Matches[2]); return $true } catch { return $false } finally { $client.Dispose() }
    }
    throw "the guard's address $Listen is neither npipe nor tcp"
}

function Wait-GuardAnswers {
    param($Process)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while (-not (Test-GuardAnswers)) {
        if ($Process -and $Process.HasExited) { throw "the guard exited (code $($Process.ExitCode)) before it answered on $Listen; dockerd is not started" }
        if ((Get-Date) -gt $deadline) { throw "the guard did not answer on $Listen within $TimeoutSeconds seconds; dockerd is not started (its authorization plugin would refuse every request); see task $TaskName" }
        Start-Sleep -Seconds 2
    }
}

function Stop-LeftoverGuard {
    # Stopping the task ends this script, not the guard it started: a guard left on the same
    # address (a task registered again) would keep serving, and the new one could not listen.
    $leftovers = @(Get-CimInstance -ClassName Win32_Process -Filter "Name = 'node.exe'" | Where-Object { $_.CommandLine -like ('* guard --listen {0}*' -f $Listen) })
    foreach ($p in $leftovers) { Stop-Process -Id $p.ProcessId -Force }
}

function Start-GuardThenDocker {
    Stop-LeftoverGuard
    $guardProcess = Start-Process -FilePath $Node -ArgumentList (Get-GuardArgumentLine) -PassThru -WindowStyle Hidden
    try {
        Wait-GuardAnswers -Process $guardProcess
    } catch {
        if (-not $guardProcess.HasExited) { Stop-Process -Id $guardProcess.Id -Force }
        throw
    }
    if (Get-Service -Name docker -ErrorAction SilentlyContinue) { Start-Service -Name docker }
    # The task lives as long as the guard: when it ends, the task's restart settings apply.
    Wait-Process -Id $guardProcess.Id
}

function Register-GuardTask {
    $powershell = "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe"
    $arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -Run -TaskName {1} -Node "{2}" -Guard "{3}" -Listen {4}' -f $PSCommandPath, $TaskName, $Node, $Guard, $Listen
    if ($Settings) { $arguments += ' -Settings "{0}"' -f $Settings }
    if (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue) { Stop-ScheduledTask -TaskName $TaskName }
    $action = New-ScheduledTaskAction -Execute $powershell -Argument $arguments
    $trigger = New-ScheduledTaskTrigger -AtStartup
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $taskSettings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1)
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Principal $principal -Settings $taskSettings -Force | Out-Null
    # Only the task starts dockerd (after the guard answers); an automatic service could start first.
    if (Get-Service -Name docker -ErrorAction SilentlyContinue) { Set-Service -Name docker -StartupType Manual }
    Start-ScheduledTask -TaskName $TaskName
    Wait-GuardAnswers
    Write-Output "task $TaskName registered and started; the guard answers on $Listen"
}

# Dot-sourced (the Pester suite), only the functions are defined.
if ($MyInvocation.InvocationName -ne '.') {
    if ($Run) { Start-GuardThenDocker } else { Register-GuardTask }
}
