<#
    Runs the bootstrap's Pester suites (../*.Tests.ps1) with the pinned Pester from .tools/ and
    writes a JSON summary for pester.test.ts: versions, counts, and every test with its result.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$PesterManifest,
    [Parameter(Mandatory = $true)][string]$ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = @(Join-Path $PSScriptRoot '..')
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config
$summary = [ordered]@{
    powershell = $PSVersionTable.PSVersion.ToString()
    pester     = (Get-Module -Name Pester).Version.ToString()
    passed     = $result.PassedCount
    failed     = $result.FailedCount
    skipped    = $result.SkippedCount
    notRun     = $result.NotRunCount
    containerErrors = @($result.Containers | Where-Object { $_.Result -eq 'Failed' -and $_.ErrorRecord.Count -gt 0 } | ForEach-Object {
        [ordered]@{ file = [string]$_.Item; errors = @($_.ErrorRecord | ForEach-Object { [string]$_ }) }
    })
    tests      = @($result.Tests | ForEach-Object {
        [ordered]@{
            file   = [System.IO.Path]::GetFileName([string]$_.ScriptBlock.File)
            name   = $_.ExpandedPath
            result = [string]$_.Result
            error  = @($_.ErrorRecord | ForEach-Object { [string]$_ }) -join "`n"
        }
    })
}
[System.IO.File]::WriteAllText($ResultPath, ($summary | ConvertTo-Json -Depth 6), (New-Object System.Text.UTF8Encoding -ArgumentList $false))
