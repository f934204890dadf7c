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
        (Get-FakeCalls 'icacls.exe')[0].Arguments | Should -Be @($certDir, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F')
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

    It 'fails with exit 1 and a log line naming nested virtualization when Hyper-V does not install' {
        $WiHost.InstallFails = $true
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'FAILED: Install-WindowsFeature Hyper-V, Containers failed .*nested virtualization'
        $WiHost.Tasks.Count | Should -Be 0
    }

    It 'fails when icacls fails, quoting what icacls said, before any key is copied' {
        Remove-FakeAnswer -Program 'icacls.exe'
        Add-FakeAnswer -Program 'icacls.exe' -ExitCode 5 -Stderr 'Access is denied.'
        $r = Invoke-BootstrapScript $phase1 @{ BootstrapDir = $paths.Bootstrap }
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'icacls failed on .* with exit code 5: Access is denied\.'
        Join-Path $certDir 'server-key.pem' | Should -Not -Exist
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
