# wait-ready.ps1 under real PowerShell on a fake Windows host (helpers/Harness.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')

    function Write-Marker {
        param([string]$Name, [hashtable]$Content)
        $dir = Join-Path $env:ProgramData 'windows-isolation'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        [System.IO.File]::WriteAllText((Join-Path $dir $Name), ($Content | ConvertTo-Json))
    }
    function Test-Marker { param([string]$Name) Test-Path -LiteralPath (Join-Path $env:ProgramData "windows-isolation/$Name") }
    $script:readyFacts = @{ ready = $true; isolation = 'hyperv'; swarm = 'active'; swarmRole = 'init'; serverVersion = '29.4.3' }
}

Describe 'wait-ready.ps1' {
    BeforeEach {
        $paths = New-FakeHost
        $script:wait = Copy-BootstrapScript 'wait-ready.ps1'
        # phase 1 registered the phase 2 task.
        $WiHost.Tasks['windows-isolation-phase2'] = @{}
        $script:params = @{ TimeoutSeconds = 600; BootstrapFingerprint = '0123456789abcdef' }
    }
    AfterEach { Remove-FakeHost }

    It 'exits 0 with the facts once phase 2 is ready with hyperv and an active swarm; run twice, the same' {
        $WiHost.OnSleep = { if ($WiHost.Slept -ge 30) { Write-Marker 'ready.json' $readyFacts } }
        foreach ($run in 1, 2) {
            $r = Invoke-BootstrapScript $wait $params
            $r.ExitCode | Should -Be 0 -Because $r.Text
            ($r.Output[-1] | ConvertFrom-Json).isolation | Should -Be 'hyperv'
        }
        $WiHost.Slept | Should -Be 30 -Because 'the second run finds the marker at once'
    }

    It 'says, while the restart phase 1 scheduled is pending, that it may be cut short and how to run it again' {
        Write-Marker 'restart-pending' @{}
        Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/restart-pending') -Value '2026-01-01T00:01:00.0000000Z'
        $WiHost.OnSleep = { if ($WiHost.Slept -ge 60) { Write-Marker 'ready.json' $readyFacts } }
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'phase 1 restarts the host at 2026-01-01T00:01:00.0000000Z .*pulumi up --replace <URN of this wait-ready Run Command>'
    }

    It 'refuses an engine whose default isolation is not hyperv' {
        $facts = $readyFacts.Clone()
        $facts.isolation = 'process'
        Write-Marker 'ready.json' $facts
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match "default isolation is 'process', not 'hyperv'"
    }

    It 'refuses a host whose swarm is not active when its role serves workloads (<role>, <swarm>)' -ForEach @(
        @{ role = 'init'; swarm = 'error' }, @{ role = 'init'; swarm = 'inactive' }, @{ role = 'manager'; swarm = 'pending' }
    ) {
        Write-Marker 'ready.json' (@{ ready = $true; isolation = 'hyperv'; swarm = $swarm; swarmRole = $role })
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match "its swarm is '$swarm', not 'active'"
    }

    It 'accepts an inactive swarm on a pool node that the pool joins later' {
        Write-Marker 'ready.json' (@{ ready = $true; isolation = 'hyperv'; swarm = 'inactive'; swarmRole = 'join' })
        (Invoke-BootstrapScript $wait $params).ExitCode | Should -Be 0
    }

    It 'starts the phase 2 task again on a failure marker, and succeeds when that run does' {
        Write-Marker 'failed.json' @{ error = 'download failed'; attempts = 3 }
        $WiHost.OnSleep = { if ($WiHost.TaskStarts.Count -eq 1) { Write-Marker 'ready.json' $readyFacts } }
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $WiHost.TaskStarts | Should -Be @('windows-isolation-phase2')
        $r.Text | Should -Match 'phase 2 failed .*download failed.*; starting it again \(1 of 2\)'
    }

    It 'gives up after MaxPhase2Restarts restarts of a phase 2 that keeps failing, with the log tail' {
        Write-Marker 'failed.json' @{ error = 'still broken' }
        Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/bootstrap.log') -Value 'phase2 FAILED: still broken'
        $WiHost.OnSleep = { if (-not (Test-Marker 'failed.json')) { Write-Marker 'failed.json' @{ error = 'still broken' } } }
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 1
        $WiHost.TaskStarts.Count | Should -Be 2
        $r.Text | Should -Match 'bootstrap failed after 2 restarts of phase 2'
        $r.Text | Should -Match '--- last lines of the bootstrap log ---'
        $r.Text | Should -Match 'phase2 FAILED: still broken'
    }

    It 'a second run of the command (pulumi up --replace) keeps the restart count and gives up at once' {
        Write-Marker 'failed.json' @{ error = 'still broken' }
        Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/phase2-restarts') -Value '2'
        $r = Invoke-BootstrapScript $wait $params
        $r.ExitCode | Should -Be 1
        $WiHost.TaskStarts.Count | Should -Be 0
    }

    It 'an unreadable restart count is treated as used up, never as a reason to restart without bound' {
        Write-Marker 'failed.json' @{ error = 'x' }
        Set-Content -LiteralPath (Join-Path $env:ProgramData 'windows-isolation/phase2-restarts') -Value 'garbage'
        (Invoke-BootstrapScript $wait $params).ExitCode | Should -Be 1
        $WiHost.TaskStarts.Count | Should -Be 0
    }

    It 'times out, bounded, and says that phase 1 never ran when there is no log' {
        $r = Invoke-BootstrapScript $wait @{ TimeoutSeconds = 120 }
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'host not ready after 120 seconds'
        $r.Text | Should -Match 'no bootstrap log at .*phase 1 never ran'
        $WiHost.Slept | Should -Be 120
    }
}
