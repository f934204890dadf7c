<#
    The prelude every bootstrap script shares, written once: bootstrap/index.ts puts it in place
    of the `# windows-isolation:prelude` line of each script when it generates what runs (the
    user-data bundle and every Run Command's script are self-contained; Azure runs them alone).
#>

function Invoke-Native {
    # Windows PowerShell 5.1 turns each stderr line of a native program into an error record under
    # 2>&1, and with $ErrorActionPreference 'Stop' the first one ends the script (and its text goes
    # out unredacted): here it is text, and the caller decides what to show.
    param([Parameter(Mandatory = $true)][string]$FilePath, [string[]]$ArgumentList = @())
    $ErrorActionPreference = 'Continue'
    $output = @(& $FilePath @ArgumentList 2>&1 | ForEach-Object { "$_" })
    return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
}
