# The bootstrap scripts (and the generated bundle and loader) hold nothing Windows PowerShell 5.1
# runs differently from pwsh 7 (helpers/WindowsPowerShell51.ps1), and the checker finds each such thing.
BeforeDiscovery {
    $script:scripts = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../../../../components/azure/bootstrap') -Filter '*.ps1' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}
BeforeAll {
    . (Join-Path $PSScriptRoot 'helpers/Harness.ps1')
    . (Join-Path $PSScriptRoot 'helpers/WindowsPowerShell51.ps1')
}

Describe 'the bootstrap under Windows PowerShell 5.1' {
    It 'six files are checked: five scripts and their shared prelude' {
        $scripts.Count | Should -Be 6
    }

    It '<Name> parses and has nothing 5.1 runs differently' -ForEach $scripts {
        Get-WindowsPowerShell51Problem -Path $Path | Should -BeNullOrEmpty
    }

    It 'the generated <_> parses and has nothing 5.1 runs differently' -ForEach @('bundle.ps1', 'loader.ps1', 'phase1.stripped.ps1', 'phase2.stripped.ps1') {
        Get-WindowsPowerShell51Problem -Path (Get-GeneratedPath $_) | Should -BeNullOrEmpty
    }
}

Describe 'the 5.1 checker finds what it looks for' {
    It 'flags <label>' -ForEach @(
        @{ label = 'a parse error'; source = 'if ($a) { 1 '; expect = 'parse error' }
        @{ label = '??'; source = '$n = $env:X ?? "y"'; expect = 'the \?\? operator' }
        @{ label = '??='; source = '$n ??= 1'; expect = 'the \?\?= operator' }
        @{ label = '?.'; source = '$n = ${a}?.Name'; expect = 'the \?\. operator' }
        @{ label = 'a ternary'; source = '$k = $true ? "a" : "b"'; expect = 'ternary' }
        @{ label = '&&'; source = 'git status && git log'; expect = 'pipeline chain' }
        @{ label = '-Parallel'; source = '1..3 | ForEach-Object -Parallel { $_ }'; expect = 'ForEach-Object -Parallel' }
        @{ label = '-Parallel through the % alias'; source = '1..3 | % -Parallel { $_ }'; expect = 'ForEach-Object -Parallel' }
        @{ label = 'a clean block'; source = 'function f { process { 1 } clean { 2 } }'; expect = 'clean block' }
        @{ label = 'ConvertFrom-Json -AsHashtable'; source = '$h = "{}" | ConvertFrom-Json -AsHashtable'; expect = 'ConvertFrom-Json -AsHashtable' }
        @{ label = 'a 7-only parameter abbreviated'; source = '$h = "{}" | ConvertFrom-Json -AsHash'; expect = 'ConvertFrom-Json -AsHashtable' }
        @{ label = 'Invoke-WebRequest -SkipCertificateCheck'; source = 'Invoke-WebRequest -Uri x -SkipCertificateCheck'; expect = 'SkipCertificateCheck' }
        @{ label = 'a 7-only command'; source = '"{}" | Test-Json'; expect = 'Test-Json is PowerShell 7 only' }
        @{ label = '2>&1 on a native program under Stop'; source = "`$ErrorActionPreference = 'Stop'`n`$o = & `$Docker info 2>&1"; expect = "2>&1 on a native program while .ErrorActionPreference is 'Stop'" }
        @{ label = '2>&1 on a .exe in a function under a script-level Stop'; source = "`$ErrorActionPreference = 'Stop'`nfunction f { icacls.exe x 2>&1 }"; expect = '2>&1 on a native program' }
        @{ label = 'Set-Content without -Encoding'; source = 'Set-Content -LiteralPath x -Value 1'; expect = 'Set-Content without -Encoding' }
        @{ label = 'Add-Content without -Encoding'; source = 'Add-Content -LiteralPath x -Value 1'; expect = 'Add-Content without -Encoding' }
        @{ label = 'Out-File without -Encoding'; source = '1 | Out-File x'; expect = 'Out-File without -Encoding' }
        @{ label = 'a > redirection'; source = '"x" > out.txt'; expect = 'writes UTF-16' }
        @{ label = '[IO.File]::WriteAllText without an encoding'; source = '[System.IO.File]::WriteAllText("x", "y")'; expect = 'WriteAllText without an encoding' }
    ) {
        (Get-WindowsPowerShell51Problem -Source $source) -join "`n" | Should -Match $expect
    }

    It 'accepts <label>' -ForEach @(
        @{ label = '2>&1 where the function sets Continue'; source = "`$ErrorActionPreference = 'Stop'`nfunction f { `$ErrorActionPreference = 'Continue'; & `$Docker info 2>&1 }" }
        @{ label = '2>&1 on a cmdlet'; source = "`$ErrorActionPreference = 'Stop'`nGet-Item x 2>&1" }
        @{ label = '2>&1 with no Stop anywhere'; source = '& $Docker info 2>&1' }
        @{ label = 'writes with an explicit encoding'; source = "Set-Content -LiteralPath x -Value 1 -Encoding UTF8`n[IO.File]::WriteAllText('x', 'y', [Text.Encoding]::UTF8)" }
        @{ label = 'a here-string and a -f format'; source = "`$t = @'`nline`n'@`n'{0}' -f 1" }
    ) {
        Get-WindowsPowerShell51Problem -Source $source | Should -BeNullOrEmpty
    }
}
