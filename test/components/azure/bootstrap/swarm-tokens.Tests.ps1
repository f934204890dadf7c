# swarm-tokens.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
    $script:manager = 'SWMTKN-1-' + ('a' * 50) + '-' + ('m' * 25)
    $script:worker = 'SWMTKN-1-' + ('a' * 50) + '-' + ('w' * 25)
    # The public half of a key pester.test.ts generated (it keeps the private half).
    $r = Get-Content -Raw -LiteralPath (Get-GeneratedPath 'token-recipient.json') | ConvertFrom-Json
    $script:recipient = @{ RecipientModulus = $r.modulus; RecipientExponent = $r.exponent }
}

Describe 'swarm-tokens.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:tokens = Copy-BootstrapScript 'swarm-tokens.ps1'
        Install-FakeProgram -Path (Join-Path $env:ProgramFiles 'docker/docker.exe')
    }
    AfterEach { Remove-FakeHost }

    It 'prints the tokens only encrypted to the token key: no token, no part of one, in the output; the ciphertext goes to pester.test.ts, which decrypts it' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format {{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' -Stdout 'active true'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet manager' -Stdout $manager
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet worker' -Stdout $worker
        $r = Invoke-BootstrapScript $tokens (@{ JoinSet = 'pool-1,pool-2' } + $recipient)
        $r.ExitCode | Should -Be 0 -Because $r.Text
        # What the instance view shows: everything the script wrote.
        $r.Text | Should -Not -Match 'SWMTKN'
        foreach ($secret in ('m' * 25), ('w' * 25), ('a' * 50)) { $r.Text | Should -Not -Match $secret }
        $lines = @($r.Output | Where-Object { $_ -like 'WI-SWARM-TOKENS-RSA-OAEP-SHA256 *' })
        $lines.Count | Should -Be 1
        [Convert]::FromBase64String($lines[0].Split(' ')[1]).Length | Should -Be 384 -Because 'one RSA-3072 block'
        [System.IO.File]::WriteAllText((Join-Path $env:WI_GENERATED_DIR 'swarm-tokens.output.txt'), $r.Text)
        # OAEP is randomised: a second run prints other ciphertext for the same tokens.
        $again = Invoke-BootstrapScript $tokens (@{ JoinSet = 'pool-1,pool-2' } + $recipient)
        $again.Text | Should -Not -Be $r.Text
    }

    It 'refuses a token key below 3072 bits (both tokens need one OAEP block), printing no token' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format *' -Stdout 'active true'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet manager' -Stdout $manager
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet worker' -Stdout $worker
        $r = Invoke-BootstrapScript $tokens @{ RecipientModulus = [Convert]::ToBase64String([byte[]]::new(256)); RecipientExponent = 'AQAB' }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'the token key has 2048 bits; at least 3072 are needed'
        $r.Text | Should -Not -Match 'SWMTKN'
    }

    It 'refuses on a node that is not an active manager, printing no token' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format *' -Stdout 'active false'
        $r = Invoke-BootstrapScript $tokens $recipient
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'not an active swarm manager \(state: active false\)'
        @(Get-FakeCalls 'docker.exe' | Where-Object { $_.Line -like 'swarm join-token*' }).Count | Should -Be 0
    }

    It 'a failing docker whose stderr quotes a token: exit 1, and the token is not in the output' {
        Add-FakeAnswer -Program 'docker.exe' -Match 'info --format *' -Stdout 'active true'
        Add-FakeAnswer -Program 'docker.exe' -Match 'swarm join-token --quiet manager' -ExitCode 1 -Stderr "Error response from daemon: rpc error, token $manager"
        $r = Invoke-BootstrapScript $tokens $recipient
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'reading the join tokens failed: docker swarm join-token --quiet manager failed: .*<token>'
        $r.Text | Should -Not -Match 'SWMTKN'
    }
}
