# swarm-tokens.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
    $script:manager = 'SWMTKN-1-' + ('a' * 50) + '-' + ('m' * 25)
    $script:worker = 'SWMTKN-1-' + ('a' * 50) + '-' + ('w' * 25)
}

Describe 'swarm-tokens.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:tokens = Copy-BootstrapScript 'swarm-tokens.ps1'
        Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/docker.exe')
    }
    AfterEach { Remove-FakeHost }

    It 'prints both tokens on one marked line, nothing else holding a token; run twice, the same' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format {{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' -Stdout 'active true'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet manager' -Stdout $manager
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet worker' -Stdout $worker
        $outputs = foreach ($run in 1, 2) {
            $r = Invoke-BootstrapScript $tokens @{ JoinSet = 'pool-1,pool-2' }
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Text
        }
        $outputs[0] | Should -Be $outputs[1]
        $lines = @($outputs[0] -split "`n" | Where-Object { $_ -match 'SWMTKN' })
        $lines.Count | Should -Be 1
        $lines[0] | Should -BeLike 'WI-SWARM-TOKENS *'
        $parsed = $lines[0].Substring('WI-SWARM-TOKENS '.Length) | ConvertFrom-Json
        $parsed.manager | Should -Be $manager
        $parsed.worker | Should -Be $worker
    }

    It 'refuses on a node that is not an active manager, printing no token' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format *' -Stdout 'active false'
        $r = Invoke-BootstrapScript $tokens
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'not an active swarm manager \(state: active false\)'
        @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Line -like 'swarm join-token*' }).Count | Should -Be 0
    }

    It 'a failing docker whose stderr quotes a token: exit 1, and the token is not in the output' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format *' -Stdout 'active true'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet manager' -ExitCode 1 -Stderr "Error response from daemon: rpc error, token $manager"
        $r = Invoke-BootstrapScript $tokens
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'reading the join tokens failed: docker swarm join-token --quiet manager failed: .*<token>'
        $r.Text | Should -Not -Match 'SWMTKN'
    }
}
