# phase1.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
}

Describe 'phase1.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:phase1 = Copy-BootstrapScript 'phase1.ps1'
        foreach ($pem in 'ca.pem', 'server-cert.pem', 'server-key.pem') {
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap $pem), "-----BEGIN $pem-----`n")
        }
        Add-FakeAnswer -Program 'icacls.exe' -Stdout 'processed file: x'
        Add-FakeAnswer -Program 'shutdown.exe' -Match '/r /t 60 *'
        $script:certDir = Join-Path $env:ProgramData 'docker/certs.d'
    }
    AfterEach { Remove-FakeHost }

    It 'installs Hyper-V and Containers, locks the cert folder, installs the TLS files, registers the startup task and schedules one delayed restart' {
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $install = Get-StubCalls 'Install-WindowsFeature'
        $install.Count | Should -Be 1
        $install[0].Parameters.Name | Should -Be @('Hyper-V', 'Containers')
        $install[0].Parameters.IncludeManagementTools | Should -BeTrue
        $install[0].Parameters.ContainsKey('Restart') | Should -BeFalse -Because 'an inline restart would stop the extension before it reports success'
        $root = Join-Path $env:ProgramData 'windows-isolation'
        $docker = Join-Path $env:ProgramData 'docker'
        (Get-FakeCalls 'icacls.exe').Arguments | Should -Be @(foreach ($d in $root, $docker, $certDir) { $d, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F' })
        foreach ($pem in 'ca.pem', 'server-cert.pem', 'server-key.pem') { Join-Path $certDir $pem | Should -Exist }
        Join-Path $paths.Bootstrap 'server-key.pem' | Should -Not -Exist -Because 'the key leaves the bootstrap folder once installed'
        $task = $WiHost.Tasks['windows-isolation-phase2']
        $task | Should -Not -BeNullOrEmpty
        $task.Trigger[0].Kind | Should -Be 'AtStartup'
        $task.Principal.UserId | Should -Be 'SYSTEM'
        $task.Principal.LogonType | Should -Be 'ServiceAccount'
        $task.Action[0].Execute | Should -Be 'powershell.exe'
        $task.Action[0].Arguments | Should -BeLike '*-File "*phase2.ps1"'
        (Get-FakeCalls 'shutdown.exe').Line | Should -Be @('/r /t 60 /d p:2:4 /c windows-isolation: restart after installing Hyper-V and Containers')
        $WiHost.TaskStarts | Should -BeNullOrEmpty -Because 'phase 2 runs after the restart'
        Get-HostLog | Should -Match 'restart scheduled in 60 seconds'
    }

    It 'run twice converges: the second run installs nothing, copies nothing, restarts nothing and starts phase 2 now' {
        (Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }).ExitCode | Should -Be 0
        $before = (Get-StubCalls 'Install-WindowsFeature').Count
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-StubCalls 'Install-WindowsFeature').Count | Should -Be $before
        (Get-FakeCalls 'shutdown.exe').Count | Should -Be 1
        $WiHost.TaskStarts | Should -Be @('windows-isolation-phase2')
        Join-Path $env:ProgramData 'windows-isolation/certs-changed' | Should -Exist -Because 'the first run installed new TLS material'
        Get-HostLog | Should -Match 'Hyper-V and Containers are already installed'
    }

    It 'a new run clears the ready and failed markers' {
        New-Item -ItemType Directory -Force -Path (Join-Path $env:ProgramData 'windows-isolation') | Out-Null
        foreach ($m in 'ready.json', 'failed.json') { Set-Content -LiteralPath (Join-Path $env:ProgramData "windows-isolation/$m") -Value 'x' }
        (Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }).ExitCode | Should -Be 0
        foreach ($m in 'ready.json', 'failed.json') { Join-Path $env:ProgramData "windows-isolation/$m" | Should -Not -Exist }
    }

    It 'protects windows-isolation and docker (SYSTEM and Administrators only) before any file is written in them' {
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $snapshots = Get-AclSnapshots
        $root = Join-Path $env:ProgramData 'windows-isolation'
        $docker = Join-Path $env:ProgramData 'docker'
        $snapshots.Path | Should -Be @($root, $docker, $certDir)
        # Only the bootstrap folder the loader protected and filled before phase 1 ran.
        @($snapshots[0].Entries | Where-Object { $_ -notlike 'bootstrap*' }) | Should -BeNullOrEmpty
        $snapshots[1].Entries | Should -BeNullOrEmpty
        # And afterwards, files were written in both: the log, the TLS material.
        Join-Path $root 'bootstrap.log' | Should -Exist
        Join-Path $certDir 'ca.pem' | Should -Exist
    }

    It 'writes nothing, not even its log, when the folder cannot be protected' {
        Remove-FakeAnswer -Program 'icacls.exe'
        Add-FakeAnswer -Program 'icacls.exe' -ExitCode 5 -Stderr 'Access is denied.'
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'FAILED: icacls failed on .*windows-isolation with exit code 5'
        Join-Path $env:ProgramData 'windows-isolation/bootstrap.log' | Should -Not -Exist
    }

    It 'refuses to install anything when the processor shows no virtualization firmware and no hypervisor is present, with the VM size hint' {
        $WiHost.Virtualization = @{ FirmwareEnabled = $false; HypervisorPresent = $false }
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'FAILED: the processor reports no virtualization firmware \(Win32_Processor\.VirtualizationFirmwareEnabled\) and no hypervisor is present \(Win32_ComputerSystem\.HypervisorPresent\).*use a VM size with nested virtualization and security type Standard'
        Get-StubCalls 'Install-WindowsFeature' | Should -BeNullOrEmpty
        $WiHost.Tasks.Count | Should -Be 0
    }

    It 'either signal is enough: firmware hidden by a running hypervisor still installs' {
        $WiHost.Virtualization = @{ FirmwareEnabled = $false; HypervisorPresent = $true }
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-StubCalls 'Install-WindowsFeature').Count | Should -Be 1
        Get-HostLog | Should -Match 'virtualization firmware enabled: False; hypervisor present: True'
    }

    It 'fails with exit 1 and a log line naming nested virtualization when Hyper-V does not install' {
        $WiHost.InstallFails = $true
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'FAILED: Install-WindowsFeature Hyper-V, Containers failed: .*The processor does not have required virtualization capabilities\..*Hyper-V needs a VM size with nested virtualization'
        $WiHost.Tasks.Count | Should -Be 0
    }

    It 'fails when icacls fails, quoting what icacls said, before any key is copied' {
        Add-FakeAnswer -Program 'icacls.exe' -Match '*certs.d *' -ExitCode 5 -Stderr 'Access is denied.' -First
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'icacls failed on .* with exit code 5: Access is denied\.'
        Join-Path $certDir 'server-key.pem' | Should -Not -Exist
    }

    It 'a re-run while phase 2 is running stops that run and starts a fresh one (Task Scheduler ignores a start while the task runs)' {
        (Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }).ExitCode | Should -Be 0
        $WiHost.TaskRunning['windows-isolation-phase2'] = $true
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-StubCalls 'Stop-ScheduledTask').Count | Should -Be 1
        $WiHost.TaskStartsIgnored | Should -BeNullOrEmpty
        $WiHost.TaskStarts | Should -Be @('windows-isolation-phase2')
    }

    It 'fails when a TLS file is missing everywhere' {
        Remove-Item -LiteralPath (Join-Path $paths.Bootstrap 'ca.pem')
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'missing ca\.pem in'
    }

    # shutdown.exe's 1190 (a restart already scheduled) needs a Windows exit code: Linux keeps 8 bits.
    It 'fails when shutdown.exe fails, quoting its stderr' {
        Remove-FakeAnswer -Program 'shutdown.exe'
        Add-FakeAnswer -Program 'shutdown.exe' -ExitCode 5 -Stderr 'Access is denied.(5)'
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'shutdown\.exe failed with exit code 5: Access is denied'
    }
}
