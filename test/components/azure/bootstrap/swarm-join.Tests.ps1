# swarm-join.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
    $script:token = 'SWMTKN-1-' + ('b' * 50) + '-' + ('s' * 25)
}

Describe 'swarm-join.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:join = Copy-BootstrapScript 'swarm-join.ps1'
        Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/docker.exe')
        New-Item -ItemType Directory -Force -Path (Join-Path $env:ProgramData 'windows-isolation') | Out-Null
        $script:params = @{ ManagerAddress = '10.40.0.4'; Role = 'worker'; JoinToken = $token; TimeoutSeconds = 60 }
    }
    AfterEach { Remove-FakeHost }

    It 'joins on the private IP with the token, waits for active, and never logs or prints the token; a second run does nothing' {
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format {{.Swarm.LocalNodeState}}' -Stdout 'inactive' -Times 1
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format {{.Swarm.LocalNodeState}}' -Stdout 'pending' -Times 1
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format {{.Swarm.LocalNodeState}}' -Stdout 'active'
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine swarm join *' -Stdout 'This node joined a swarm as a worker.'
        $WiHost.Addresses = @([pscustomobject]@{ InterfaceIndex = 7; AddressFamily = 'IPv4'; IPAddress = '10.40.0.5' })
        $first = Invoke-BootstrapScript $join $params
        $first.ExitCode | Should -Be 0 -Because $first.Text
        $second = Invoke-BootstrapScript $join $params
        $second.ExitCode | Should -Be 0
        $second.Text | Should -Match 'already part of a swarm; nothing to do'
        $joins = @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[2] -eq 'swarm' })
        $joins.Count | Should -Be 1
        # Through the local pipe, the only place the guard (allowLocalSwarmJoin) admits a join from.
        $joins[0].Arguments | Should -Be @('-H', 'npipe:////./pipe/docker_engine', 'swarm', 'join', '--token', $token, '--advertise-addr', '10.40.0.5', '--listen-addr', '10.40.0.5:2377', '10.40.0.4:2377')
        @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Arguments[0] -ne '-H' -or $_.Arguments[1] -ne 'npipe:////./pipe/docker_engine' }).Count | Should -Be 0
        ($first.Text + $second.Text + (Get-HostLog)) | Should -Not -Match 'SWMTKN'
        Get-HostLog | Should -Match 'joined the swarm at 10\.40\.0\.4 as a worker, advertising 10\.40\.0\.5'
    }

    It 'a failed join whose stderr quotes the token: exit 1, the token redacted in log and output' {
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format *' -Stdout 'inactive'
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine swarm join *' -ExitCode 1 -Stderr "Error response from daemon: invalid join token $token"
        $r = Invoke-BootstrapScript $join $params
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'FAILED: docker swarm join failed: Error response from daemon: invalid join token <token>'
        ($r.Text + (Get-HostLog)) | Should -Not -Match 'SWMTKN'
    }

    It 'refuses a node whose swarm is in another state, with the way out' {
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format *' -Stdout 'error'
        $r = Invoke-BootstrapScript $join $params
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match "swarm state is 'error'; leave it \(docker swarm leave --force\)"
    }

    It 'gives up, bounded, when the node never becomes active' {
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format *' -Stdout 'inactive' -Times 1
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine info --format *' -Stdout 'pending'
        Add-FakeAnswer -Program 'docker.exe' -Match '-H npipe:////./pipe/docker_engine swarm join *' -Stdout 'This node joined a swarm as a worker.'
        $r = Invoke-BootstrapScript $join $params
        $r.ExitCode | Should -Be 1
        Get-HostLog | Should -Match 'did not become active in the swarm within 60 seconds'
    }

    It 'refuses a role other than manager or worker before doing anything' {
        { & $join -ManagerAddress '10.40.0.4' -Role 'leader' -JoinToken $token } | Should -Throw '*leader*'
        @(Get-FakeCalls 'docker.exe').Count | Should -Be 0
    }
}
