# swarm-nodes.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
    function ConvertTo-NodesParameter {
        param([object[]]$Nodes)
        [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $Nodes -Depth 5 -Compress)))
    }
    $script:wanted = ConvertTo-NodesParameter @(
        @{ hostname = 'pool-0'; role = 'manager'; labels = @{ 'windows-isolation.os-build' = '20348'; 'windows-isolation.hyperv' = 'true' } },
        @{ hostname = 'POOL-1'; role = 'manager'; labels = @{ 'windows-isolation.os-build' = '26100' } },
        @{ hostname = 'pool-2'; role = 'worker'; labels = @{ 'windows-isolation.os-build' = '20348' } }
    )
}

Describe 'swarm-nodes.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:nodes = Copy-BootstrapScript 'swarm-nodes.ps1'
        Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/docker.exe')
        Add-FakeAnswer -Program 'docker.exe' -Match 'node update *'
        Add-FakeAnswer -Program 'docker.exe' -Match 'node promote *'
        Add-FakeAnswer -Program 'docker.exe' -Match 'node inspect --format {{.Spec.Role}} id0' -Stdout 'manager'
        Add-FakeAnswer -Program 'docker.exe' -Match 'node inspect --format {{.Spec.Role}} id1' -Stdout 'worker'
        Add-FakeAnswer -Program 'docker.exe' -Match 'node inspect --format {{.Spec.Role}} id2' -Stdout 'manager'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --rotate --quiet *' -Stdout ('SWMTKN-1-' + ('c' * 50) + '-' + ('n' * 25))
    }
    AfterEach { Remove-FakeHost }

    It 'waits for every node, labels each by hostname (any case), promotes, never demotes, then rotates both tokens; run twice converges' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'node ls *' -Stdout "id0 pool-0`nid2 pool-2" -Times 1
        Add-FakeAnswer -Program 'docker.exe' -Match 'node ls *' -Stdout "id0 pool-0`nid1 pool-1`nid2 pool-2"
        foreach ($run in 1, 2) {
            $r = Invoke-BootstrapScript $nodes @{ Nodes = $wanted; TimeoutSeconds = 60 }
            $r.ExitCode | Should -Be 0 -Because $r.Text
        }
        $WiHost.Slept | Should -Be 10 -Because 'pool-1 joined after one wait'
        $calls = @(Get-FakeCalls 'docker.exe')
        @($calls | Where-Object { $_.Line -eq 'node update --label-add windows-isolation.os-build=26100 id1' }).Count | Should -Be 2
        @($calls | Where-Object { $_.Line -eq 'node update --label-add windows-isolation.hyperv=true id0' }).Count | Should -Be 2
        @($calls | Where-Object { $_.Line -like 'node promote*' }).Line | Should -Be @('node promote id1', 'node promote id1')
        @($calls | Where-Object { $_.Line -like '*demote*' -or $_.Line -like '*--role*' }).Count | Should -Be 0
        $r.Text | Should -Match 'pool-2 \(id2\): labelled, manager \(the pool wants a worker here; demote it by hand if that is safe\)'
        $rotations = @($calls | Where-Object { $_.Line -like 'swarm join-token --rotate*' }).Line
        $rotations | Should -Be @('swarm join-token --rotate --quiet worker', 'swarm join-token --rotate --quiet manager', 'swarm join-token --rotate --quiet worker', 'swarm join-token --rotate --quiet manager')
        $r.Text | Should -Not -Match 'SWMTKN'
        $r.Text | Should -Match 'join tokens rotated'
    }

    It 'exits 1 naming the nodes that never joined, bounded, and still rotates both tokens (a failed join must not leave them valid)' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'node ls *' -Stdout 'id0 pool-0'
        $r = Invoke-BootstrapScript $nodes @{ Nodes = $wanted; TimeoutSeconds = 30 }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'nodes never joined the swarm: POOL-1, pool-2'
        @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Line -like 'swarm join-token*' }).Line | Should -Be @('swarm join-token --rotate --quiet worker', 'swarm join-token --rotate --quiet manager')
        $r.Text | Should -Match 'join tokens rotated'
        $r.Text | Should -Not -Match 'SWMTKN'
    }

    It 'a rotation that fails is an error of its own, saying so without the token' {
        Remove-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --rotate --quiet *'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --rotate --quiet *' -ExitCode 1 -Stderr ('Error response from daemon: rpc error near SWMTKN-1-' + ('c' * 50) + '-' + ('n' * 25))
        Add-FakeAnswer -Program 'docker.exe' -Match 'node ls *' -Stdout "id0 pool-0`nid1 pool-1`nid2 pool-2"
        $r = Invoke-BootstrapScript $nodes @{ Nodes = $wanted; TimeoutSeconds = 30 }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'rotating the join tokens failed: docker swarm join-token --rotate --quiet worker failed: .*<token>'
        $r.Text | Should -Not -Match 'SWMTKN'
    }

    It 'a failing docker stops it with exit 1 and what docker said' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'node ls *' -ExitCode 1 -Stderr 'Error response from daemon: This node is not a swarm manager.'
        $r = Invoke-BootstrapScript $nodes @{ Nodes = $wanted; TimeoutSeconds = 30 }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'setting up the swarm nodes failed: docker node ls .* failed: Error response from daemon: This node is not a swarm manager\.'
    }
}
