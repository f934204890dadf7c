# phase2.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')

    function Initialize-Phase2 {
        # The bootstrap folder as the bundle leaves it, an archive to download, and the engine's
        # answers for a host whose swarm is inactive until `swarm init`.
        param([string]$Settings = 'settings-host.json', [hashtable]$Change = @{}, [string]$SwarmState = 'inactive')
        $script:phase2 = Copy-BootstrapScript 'phase2.ps1'
        Copy-Item -LiteralPath (Get-GeneratedPath 'daemon.json') -Destination (Join-Path $paths.Bootstrap 'daemon.json')
        $zip = Join-Path $paths.Root 'served.zip'
        $sha = New-DockerArchive -Path $zip
        $WiHost.Download = $zip
        $s = Get-Content -Raw -LiteralPath (Get-GeneratedPath $Settings) | ConvertFrom-Json
        $s.dockerSha256 = $sha
        foreach ($k in $Change.Keys) { $s.$k = $Change[$k] }
        $script:settings = $s
        [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'settings.json'), ($s | ConvertTo-Json -Depth 5))
        Add-FakeAnswer -Program 'dockerd.exe' -Match '--version' -Stdout "Docker version $($s.dockerVersion), build 0000000"
        Add-FakeAnswer -Program 'dockerd.exe' -Match '--register-service' -Creates 'service-docker'
        Add-FakeAnswer -Program 'docker.exe' -Match 'version --format*' -Stdout $s.dockerVersion
        if ($SwarmState -eq 'inactive') { Add-FakeAnswer -Program 'docker.exe' -Match 'info --format {{.Swarm.LocalNodeState}}' -Stdout 'inactive' -Times 1 }
        $after = if ($SwarmState -eq 'inactive') { 'active' } else { $SwarmState }
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format {{.Swarm.LocalNodeState}}' -Stdout $after
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm init *' -Stdout 'Swarm initialized: current node (abc) is now a manager.'
        # The engine's default isolation is what the daemon.json phase 2 wrote gives: hyperv only with
        # exec-opts isolation=hyperv, else Windows Server's default, process.
        $info = @{ ServerVersion = $s.dockerVersion; OSVersion = '10.0 20348'; KernelVersion = '10.0 20348'; OperatingSystem = 'Microsoft Windows Server Version 21H2'; Isolation = 'ISOLATION'; NCPU = 4; Swarm = @{ LocalNodeState = $after; NodeID = 'abc' } } | ConvertTo-Json -Compress
        $command = 'iso=process; grep -q ''"isolation=hyperv"'' "$ProgramData/docker/config/daemon.json" 2>/dev/null && iso=hyperv; printf ''%s\n'' ''' + $info + ''' | sed "s/ISOLATION/$iso/"'
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format {{json .}}' -StdoutCommand $command
    }

    function Get-Ready { Get-Content -Raw -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/ready.json') | ConvertFrom-Json }
    function Get-Failed { Get-Content -Raw -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/failed.json') | ConvertFrom-Json }
    $script:fast = @{ RetryDelaySeconds = 0 }
}

Describe 'phase2.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        Add-FakeAnswer -Program 'icacls.exe' -Stdout 'processed file: x'
    }
    AfterEach { Remove-FakeHost }

    Context 'a ContainerHost' {
        BeforeEach { Initialize-Phase2 }

        It 'installs the verified engine, writes daemon.json, opens 2376, registers and starts dockerd, inits the swarm outside 10/8 and writes the ready marker' {
            [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::SystemDefault
            New-Item -ItemType Directory -Force -Path (Join-Path $env:ProgramData 'windows-isolation') | Out-Null
            Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/failed.json') -Value 'x'
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $WiHost.Downloads | Should -Be @($settings.dockerUrl)
            [Net.ServicePointManager]::SecurityProtocol.HasFlag([Net.SecurityProtocolType]::Tls12) | Should -BeTrue -Because 'Windows PowerShell 5.1 must offer TLS 1.2 to download.docker.com'
            Join-Path $env:ProgramFiles 'docker/dockerd.exe' | Should -Exist
            Join-Path $env:ProgramFiles 'docker.new' | Should -Not -Exist
            $daemon = Join-Path $env:ProgramData 'docker/config/daemon.json'
            [System.IO.File]::ReadAllBytes($daemon)[0] | Should -Be ([byte][char]'{') -Because 'dockerd refuses a byte order mark'
            [System.IO.File]::ReadAllText($daemon) | Should -Be ([System.IO.File]::ReadAllText((Get-GeneratedPath 'daemon.json')))
            $WiHost.Firewall['windows-isolation-docker-tls'].LocalPort | Should -Be @('2376')
            $WiHost.Services['docker'].Status | Should -Be 'Running'
            $WiHost.Services['docker'].StartType | Should -Be 'Automatic'
            (Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[0] -eq 'swarm' }).Line | Should -Be @('swarm init --advertise-addr 10.40.0.4 --listen-addr 10.40.0.4:2377 --default-addr-pool 172.30.0.0/16 --default-addr-pool-mask-length 24')
            $ready = Get-Ready
            $ready.isolation | Should -Be 'hyperv'
            $ready.swarm | Should -Be 'active'
            $ready.swarmRole | Should -Be 'init'
            Join-Path $env:ProgramData 'windows-isolation/failed.json' | Should -Not -Exist -Because 'a run that succeeds leaves no earlier failure behind'
        }

        It 'the engine reports the isolation daemon.json gives: without exec-opts isolation=hyperv the ready marker says process' {
            $daemon = Get-Content -Raw -LiteralPath (Join-Path $paths.Bootstrap 'daemon.json') | ConvertFrom-Json
            $daemon.PSObject.Properties.Remove('exec-opts')
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'daemon.json'), ($daemon | ConvertTo-Json -Depth 5))
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            (Get-Ready).isolation | Should -Be 'process' -Because 'a daemon.json without exec-opts leaves Windows Server on process isolation'
        }

        It 'run twice converges: no second download, registration, swarm init, firewall change or engine restart' {
            (Invoke-BootstrapScript $phase2 $fast).ExitCode | Should -Be 0
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $WiHost.Downloads.Count | Should -Be 1
            @(Get-FakeCalls 'dockerd.exe' | Where-Object { $_.Line -eq '--register-service' }).Count | Should -Be 1
            @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[0] -eq 'swarm' }).Count | Should -Be 1
            @(Get-StubCalls 'New-NetFirewallRule').Count | Should -Be 1
            @(Get-StubCalls 'Restart-Service').Count | Should -Be 0
            Get-HostLog | Should -Match "Docker $($settings.dockerVersion) already installed"
            (Get-Ready).ready | Should -BeTrue
        }

        It 'restarts a running engine when phase 1 installed new TLS material' {
            (Invoke-BootstrapScript $phase2 $fast).ExitCode | Should -Be 0
            Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/certs-changed') -Value 'ca.pem'
            (Invoke-BootstrapScript $phase2 $fast).ExitCode | Should -Be 0
            @(Get-StubCalls 'Restart-Service').Count | Should -Be 1
            Join-Path $env:ProgramData 'windows-isolation/certs-changed' | Should -Not -Exist
        }

        It 'retries a failed download and succeeds' {
            $WiHost.DownloadFailures = 2
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $WiHost.Downloads.Count | Should -Be 3
            Get-HostLog | Should -Match 'download attempt 2 failed'
            # The retries' log lines stay out of the verified hash the install names.
            Get-HostLog | Should -Match '(?m)Docker \S+ installed in .+ \(sha256 [0-9A-F]{64}\)$'
        }

        It 'refuses an archive whose SHA-256 differs, before extracting anything' {
            $settings.dockerSha256 = 'ab' * 32
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'settings.json'), ($settings | ConvertTo-Json -Depth 5))
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 0; MaxAttempts = 1 }
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match 'SHA-256 mismatch'
            @(Get-StubCalls 'Expand-Archive').Count | Should -Be 0
            Join-Path $env:ProgramFiles 'docker' | Should -Not -Exist
        }

        It 'keeps polling while the engine writes to stderr and exits non-zero, then goes on' {
            Add-FakeAnswer -First -Program 'docker.exe' -Match 'version --format*' -Stderr 'error during connect: open //./pipe/docker_engine: The system cannot find the file specified.' -ExitCode 1 -Times 3
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[0] -eq 'version' }).Count | Should -Be 4
        }

        It 'gives up on an engine that never answers after five minutes, and says so' {
            Add-FakeAnswer -First -Program 'docker.exe' -Match 'version --format*' -Stderr 'error during connect' -ExitCode 1
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 0; MaxAttempts = 1 }
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Be 'dockerd did not answer on npipe within 5 minutes'
        }

        It 'retries the whole run, bounded, before it writes failed.json' {
            Remove-FakeAnswer -Program 'dockerd.exe' -Match '--register-service'
            Add-FakeAnswer -Program 'dockerd.exe' -Match '--register-service' -ExitCode 1 -Stderr 'Access is denied.'
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 30 }
            $r.ExitCode | Should -Be 1
            @(Get-FakeCalls 'dockerd.exe' | Where-Object { $_.Line -eq '--register-service' }).Count | Should -Be 3
            $WiHost.Slept | Should -Be 60
            $failed = Get-Failed
            $failed.attempts | Should -Be 3
            $failed.error | Should -Match 'dockerd --register-service failed with exit code 1: Access is denied\.'
            Get-HostLog | Should -Match 'attempt 1 of 3 FAILED'
            Join-Path $env:ProgramData 'windows-isolation/ready.json' | Should -Not -Exist
        }

        It 'a transient failure on the first attempt is not final' {
            Add-FakeAnswer -First -Program 'dockerd.exe' -Match '--register-service' -ExitCode 1 -Stderr 'transient' -Times 1
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            Join-Path $env:ProgramData 'windows-isolation/failed.json' | Should -Not -Exist
            (Get-Ready).ready | Should -BeTrue
        }
    }

    Context 'a swarm in error' {
        BeforeEach { Initialize-Phase2 -SwarmState 'error' }
        It 'does not write a ready marker for a host whose swarm is in error' {
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 0; MaxAttempts = 1 }
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match "swarm state is 'error', not active"
            Join-Path $env:ProgramData 'windows-isolation/ready.json' | Should -Not -Exist
        }
    }

    Context 'a pool node that is joined later' {
        BeforeEach { Initialize-Phase2 -Settings 'settings-pool-join.json' -SwarmState 'inactive' }
        It 'opens the swarm ports to the pool subnet only, never inits a swarm, and says so in the marker; twice converges' {
            foreach ($run in 1, 2) {
                $r = Invoke-BootstrapScript $phase2 $fast
                $r.ExitCode | Should -Be 0 -Because $r.Text
            }
            foreach ($rule in 'windows-isolation-swarm-2377-tcp', 'windows-isolation-swarm-7946-tcp', 'windows-isolation-swarm-7946-udp', 'windows-isolation-swarm-4789-udp') {
                $WiHost.Firewall[$rule].RemoteAddress | Should -Be @('10.40.0.0/24')
            }
            @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[0] -eq 'swarm' }).Count | Should -Be 0
            (Get-Ready).swarmRole | Should -Be 'join'
        }
    }

    Context 'an engine upgrade' {
        BeforeEach {
            Initialize-Phase2
            # 29.0.0 is installed; its dockerd answers for itself.
            Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/dockerd.exe')
            Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/docker.exe')
            Add-FakeAnswer -First -Program 'dockerd.exe' -PathMatch '*/Program Files/docker/dockerd.exe' -Match '--version' -Stdout 'Docker version 29.0.0, build 1111111' -Times 1
            $WiHost.Services['docker'] = @{ Status = 'Running'; StartType = 'Automatic' }
            New-Item -ItemType File -Path (Join-Path $WiHost.Paths.Fake 'service-docker') | Out-Null
        }

        It 'stages the new engine, checks it, stops the service and swaps it in' {
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            @(Get-StubCalls 'Expand-Archive')[0].Parameters.DestinationPath | Should -Be (Join-Path $env:ProgramFiles 'docker.new')
            @(Get-StubCalls 'Stop-Service').Count | Should -Be 1
            Join-Path $env:ProgramFiles 'docker.old' | Should -Not -Exist
            Join-Path $env:ProgramFiles 'docker.new' | Should -Not -Exist
            @(Get-FakeCalls 'dockerd.exe' | Where-Object { $_.Line -eq '--version' }).Count | Should -BeGreaterThan 1
        }

        It 'leaves the installed engine running when the archive lacks dockerd.exe' {
            $zip = Join-Path $paths.Root 'broken.zip'
            $settings.dockerSha256 = New-DockerArchive -Path $zip -Programs @('docker.exe')
            $WiHost.Download = $zip
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'settings.json'), ($settings | ConvertTo-Json -Depth 5))
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 0; MaxAttempts = 1 }
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match 'has no docker.dockerd\.exe; the installed engine is left as it is'
            Join-Path $env:ProgramFiles 'docker/dockerd.exe' | Should -Exist
            @(Get-StubCalls 'Stop-Service').Count | Should -Be 0
            $WiHost.Services['docker'].Status | Should -Be 'Running'
        }

        It 'leaves the installed engine when the staged dockerd reports another version' {
            Add-FakeAnswer -First -Program 'dockerd.exe' -PathMatch '*/docker.new/docker/dockerd.exe' -Match '--version' -Stdout 'Docker version 28.0.0, build 2222222'
            $r = Invoke-BootstrapScript $phase2 @{ RetryDelaySeconds = 0; MaxAttempts = 1 }
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match "dockerd.exe says version '28.0.0', not 29"
            @(Get-StubCalls 'Stop-Service').Count | Should -Be 0
        }

        It 'puts back the previous engine when a swap was cut short between its two moves' {
            Move-Item -LiteralPath (Join-Path $env:ProgramFiles 'docker') -Destination (Join-Path $env:ProgramFiles 'docker.old')
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            Get-HostLog | Should -Match 'restored the previous engine from an upgrade that was cut short'
            Join-Path $env:ProgramFiles 'docker/dockerd.exe' | Should -Exist
        }
    }

    Context 'a host with the guard' {
        BeforeEach {
            $nodeZip = Join-Path $paths.Root 'node.zip'
            $guardSettings = Get-Content -Raw -LiteralPath (Get-GeneratedPath 'settings-guard.json') | ConvertFrom-Json
            $nodeSha = New-NodeArchive -Path $nodeZip -Version $guardSettings.nodeVersion
            $WiHost.Served[$guardSettings.nodeUrl] = $nodeZip
            Initialize-Phase2 -Settings 'settings-guard.json' -Change @{ nodeSha256 = $nodeSha }
            Copy-Item -LiteralPath (Get-GeneratedPath 'daemon-guard.json') -Destination (Join-Path $paths.Bootstrap 'daemon.json') -Force
            foreach ($f in 'guard-settings.json', 'guard.spec') { Copy-Item -LiteralPath (Get-GeneratedPath $f) -Destination (Join-Path $paths.Bootstrap $f) }
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'guard.js'), "// the bundled guard`n")
            Add-FakeAnswer -Program 'node.exe' -Match '--version' -Stdout "v$($settings.nodeVersion)"
            $script:once = $fast + @{ MaxAttempts = 1 }
        }

        It 'installs the verified Node.js, writes the guard and its plugin spec, starts its startup task before dockerd, and daemon.json names the plugin' {
            Add-FakeAnswer -Program 'node.exe' -Match '-e *' -ExitCode 0
            $r = Invoke-BootstrapScript $phase2 $fast
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $WiHost.Downloads | Should -Be @($settings.dockerUrl, $settings.nodeUrl)
            Join-Path $env:ProgramFiles 'windows-isolation-node/node.exe' | Should -Exist
            Join-Path $env:ProgramFiles 'windows-isolation-node.new' | Should -Not -Exist
            $guardDir = Join-Path $env:ProgramData 'windows-isolation/guard'
            Join-Path $guardDir 'windows-isolation-guard.js' | Should -Exist
            (Get-Content -Raw -LiteralPath (Join-Path $guardDir 'settings.json') | ConvertFrom-Json).trustedIdentities | Should -Be @('windows-isolation-deployer')
            Get-Content -Raw -LiteralPath (Join-Path $env:ProgramData 'docker/plugins/windows-isolation-guard.spec') | Should -Be "npipe:////./pipe/windows-isolation-guard`n"
            $task = $WiHost.Tasks['windows-isolation-guard']
            $task.Trigger.Kind | Should -Be 'AtStartup'
            $task.Principal.UserId | Should -Be 'SYSTEM'
            $task.Action.Execute | Should -Be (Join-Path $env:ProgramFiles 'windows-isolation-node/node.exe')
            $task.Action.Arguments | Should -Match 'guard --listen npipe:////\./pipe/windows-isolation-guard --settings'
            # The order of what ran: the guard's task started and answered, then dockerd.
            $order = @($WiHost.Calls | Where-Object { ($_.Name -eq 'Start-ScheduledTask' -and $_.Parameters.TaskName -eq 'windows-isolation-guard') -or ($_.Name -in 'Start-Service', 'Restart-Service' -and $_.Parameters.Name -contains 'docker') } | ForEach-Object { $_.Name })
            $order | Should -Be @('Start-ScheduledTask', 'Start-Service')
            (Get-FakeCalls 'node.exe' | Where-Object { $_.Arguments[0] -eq '-e' }).Line | Should -Match ([regex]::Escape('\\\\.\\pipe\\windows-isolation-guard'))
            $WiHost.Services['docker'].StartType | Should -Be 'Manual' -Because 'at boot dockerd is started by phase 2, after the guard answers'
            $daemon = [System.IO.File]::ReadAllText((Join-Path $env:ProgramData 'docker/config/daemon.json')) | ConvertFrom-Json
            $daemon.'authorization-plugins' | Should -Be @('windows-isolation-guard')
            (Get-Ready).ready | Should -BeTrue
        }

        It 'a Node.js archive whose SHA-256 does not match is refused: nothing installed, dockerd not started, failed.json' {
            Add-FakeAnswer -Program 'node.exe' -Match '-e *' -ExitCode 0
            $s = Get-Content -Raw -LiteralPath (Join-Path $paths.Bootstrap 'settings.json') | ConvertFrom-Json
            $s.nodeSha256 = '0' * 64
            [System.IO.File]::WriteAllText((Join-Path $paths.Bootstrap 'settings.json'), ($s | ConvertTo-Json -Depth 5))
            $r = Invoke-BootstrapScript $phase2 $once
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match 'SHA-256 mismatch for https://nodejs.org/dist/v.*expected 0{64}'
            Join-Path $env:ProgramFiles 'windows-isolation-node' | Should -Not -Exist
            Get-StubCalls 'Start-ScheduledTask' | Should -BeNullOrEmpty
            Get-StubCalls 'Start-Service' | Should -BeNullOrEmpty
            Join-Path $env:ProgramData 'windows-isolation/ready.json' | Should -Not -Exist
        }

        It 'a guard that does not answer leaves the bootstrap failed, not ready, and dockerd not started' {
            Add-FakeAnswer -Program 'node.exe' -Match '-e *' -ExitCode 1 -Stderr 'connect ENOENT'
            $r = Invoke-BootstrapScript $phase2 $once
            $r.ExitCode | Should -Be 1
            (Get-Failed).error | Should -Match 'the guard did not answer on \\\\\.\\pipe\\windows-isolation-guard within 2 minutes'
            @(Get-FakeCalls 'node.exe' | Where-Object { $_.Arguments[0] -eq '-e' }).Count | Should -BeGreaterThan 1 -Because 'it is probed until the deadline'
            Get-StubCalls 'Start-Service' | Should -BeNullOrEmpty
            Join-Path $env:ProgramData 'windows-isolation/ready.json' | Should -Not -Exist
        }
    }
}
