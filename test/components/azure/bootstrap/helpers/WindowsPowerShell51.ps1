<#
    What Windows PowerShell 5.1 (the one a fresh Windows Server runs the bootstrap under) would
    do differently from the pwsh 7 the suites run on, found by walking the real parser's AST
    ([System.Management.Automation.Language.Parser]). Get-WindowsPowerShell51Problem returns one
    line per problem ("line N: ..."); none means the script is fine on both.
    It checks: parse errors; PowerShell 7-only syntax and parameters; `2>&1` on a native program
    where $ErrorActionPreference is 'Stop' (5.1 turns the first stderr line into a terminating
    error); file writes without an explicit encoding (5.1 defaults differ per cmdlet, UTF-16 for >).
#>

# Parameters that Windows PowerShell 5.1's cmdlets do not have (PowerShell 6/7 added them).
$script:Ps7OnlyParameters = @{
    'ConvertFrom-Json'  = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
    'ConvertTo-Json'    = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
    'Get-Content'       = @('AsByteStream')
    'Set-Content'       = @('AsByteStream')
    'Add-Content'       = @('AsByteStream')
    'Invoke-WebRequest' = @('SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'Resume', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'MaximumRetryCount', 'RetryIntervalSec', 'ConnectionTimeoutSeconds', 'SkipHeaderValidation')
    'Invoke-RestMethod' = @('SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'Resume', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'MaximumRetryCount', 'RetryIntervalSec', 'ConnectionTimeoutSeconds', 'SkipHeaderValidation', 'ResponseHeadersVariable', 'FollowRelLink')
    'Join-Path'         = @('AdditionalChildPath')
    'Get-Date'          = @('AsUTC', 'UnixTimeSeconds')
    'Select-String'     = @('Raw', 'NoEmphasis')
    'Sort-Object'       = @('Top', 'Bottom', 'Stable')
    'Select-Object'     = @('SkipIndex')
    'Split-Path'        = @('LeafBase', 'Extension')
    'Get-ChildItem'     = @('FollowSymlink')
    'Import-Module'     = @('UseWindowsPowerShell')
    'ForEach-Object'    = @('Parallel', 'ThrottleLimit', 'AsJob', 'TimeoutSeconds')
    'Test-Connection'   = @('TargetName', 'Ping', 'TcpPort', 'Traceroute')
}
$script:Ps7OnlyCommands = @('Test-Json', 'Get-Error', 'Join-String', 'Get-Uptime', 'ConvertFrom-Markdown', 'Show-Markdown', 'Remove-Alias', 'Remove-Service', 'Get-PSHostProcessInfo')
$script:Aliases = @{ '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; 'gc' = 'Get-Content'; 'sc' = 'Set-Content'; 'ac' = 'Add-Content'; 'iwr' = 'Invoke-WebRequest'; 'irm' = 'Invoke-RestMethod'; 'select' = 'Select-Object'; 'sort' = 'Sort-Object' }
$script:EncodedWriters = @('Set-Content', 'Add-Content', 'Out-File', 'Export-Csv')

function Get-EapAssignment {
    # Assignments to $ErrorActionPreference (local or script scope) directly inside $Body, not
    # inside nested functions: @{ Offset; Value } with Value the constant assigned, or '?'.
    param($Body)
    $found = $Body.FindAll({
            param($n)
            $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and
            $n.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and
            $n.Left.VariablePath.UserPath -match '^(script:|local:)?ErrorActionPreference$'
        }, $true)
    foreach ($a in $found) {
        $owner = $a.Parent
        while ($owner -and $owner -isnot [System.Management.Automation.Language.FunctionDefinitionAst]) { $owner = $owner.Parent }
        $bodyOwner = $Body.Parent
        if ($owner -ne $bodyOwner -and -not ($null -eq $owner -and $Body -is [System.Management.Automation.Language.ScriptBlockAst] -and $null -eq $Body.Parent)) { continue }
        $value = '?'
        $rhs = $a.Right
        if ($rhs -is [System.Management.Automation.Language.CommandExpressionAst] -and $rhs.Expression -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $value = $rhs.Expression.Value }
        [pscustomobject]@{ Offset = $a.Extent.StartOffset; Value = $value }
    }
}

function Test-NativeInvocation {
    # A command that runs a program rather than a cmdlet or function: `& $path ...`, `& 'x.exe'`,
    # or a bare name ending in .exe.
    param([System.Management.Automation.Language.CommandAst]$Command)
    $first = $Command.CommandElements[0]
    if ($Command.InvocationOperator -ne 'Unknown' -and $first -isnot [System.Management.Automation.Language.ScriptBlockExpressionAst]) {
        if ($first -is [System.Management.Automation.Language.StringConstantExpressionAst]) { return $first.Value -match '\.(exe|cmd|bat|com)$' -or $first.Value -match '[\\/]' }
        return $true
    }
    return $first -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $first.Value -match '\.(exe|cmd|bat|com)$'
}

function Get-WindowsPowerShell51Problem {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory = $true)][string]$Path,
        [Parameter(ParameterSetName = 'Source', Mandatory = $true)][string]$Source
    )
    $tokens = $null
    $errors = $null
    if ($PSCmdlet.ParameterSetName -eq 'Path') {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
    } else {
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Source, [ref]$tokens, [ref]$errors)
    }
    $out = [System.Collections.Generic.List[string]]::new()
    $add = { param($node, $text) $out.Add(('line {0}: {1}' -f $node.Extent.StartLineNumber, $text)) }
    foreach ($e in $errors) { $out.Add(('line {0}: parse error: {1}' -f $e.Extent.StartLineNumber, $e.Message)) }

    $all = $ast.FindAll({ $true }, $true)
    foreach ($n in $all) {
        switch ($n.GetType().Name) {
            'TernaryExpressionAst' { & $add $n 'the ternary operator ?: is PowerShell 7 only' }
            'PipelineChainAst' { & $add $n 'a && / || pipeline chain is PowerShell 7 only' }
            'BinaryExpressionAst' { if ($n.Operator -eq 'QuestionQuestion') { & $add $n 'the ?? operator is PowerShell 7 only' } }
            'AssignmentStatementAst' { if ($n.Operator -eq 'QuestionQuestionEquals') { & $add $n 'the ??= operator is PowerShell 7 only' } }
            'MemberExpressionAst' { if ($n.NullConditional) { & $add $n 'the ?. operator is PowerShell 7 only' } }
            'InvokeMemberExpressionAst' {
                if ($n.NullConditional) { & $add $n 'the ?. operator is PowerShell 7 only' }
                if ($n.Expression -is [System.Management.Automation.Language.TypeExpressionAst] -and $n.Expression.TypeName.FullName -match '^(System\.)?IO\.File$' -and
                    $n.Member.Value -in @('WriteAllText', 'WriteAllLines', 'AppendAllText', 'AppendAllLines') -and @($n.Arguments).Count -lt 3) {
                    & $add $n ('[IO.File]::{0} without an encoding argument' -f $n.Member.Value)
                }
            }
            'IndexExpressionAst' { if ($n.NullConditional) { & $add $n 'the ?[] operator is PowerShell 7 only' } }
            'ScriptBlockAst' { if ($null -ne $n.CleanBlock) { & $add $n 'a clean block is PowerShell 7.3 only' } }
            'FileRedirectionAst' { & $add $n ('redirection {0} to a file writes UTF-16 in Windows PowerShell 5.1; use Set-Content -Encoding' -f $n.Extent.Text) }
            'CommandAst' {
                $name = $n.GetCommandName()
                if ($name -and $script:Aliases.ContainsKey($name.ToLowerInvariant())) { $name = $script:Aliases[$name.ToLowerInvariant()] }
                $params = @($n.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
                if ($name -and ($script:Ps7OnlyCommands -contains $name)) { & $add $n "$name is PowerShell 7 only" }
                if ($name -and $script:Ps7OnlyParameters.ContainsKey($name)) {
                    foreach ($p in $params) {
                        $hit = $script:Ps7OnlyParameters[$name] | Where-Object { $_.StartsWith($p, [System.StringComparison]::OrdinalIgnoreCase) } | Select-Object -First 1
                        if ($hit) { & $add $n "$name -$hit is PowerShell 7 only" }
                    }
                }
                if ($name -and ($script:EncodedWriters -contains $name) -and -not ($params | Where-Object { 'Encoding'.StartsWith($_, [System.StringComparison]::OrdinalIgnoreCase) -and $_.Length -ge 3 })) {
                    & $add $n "$name without -Encoding (Windows PowerShell 5.1 picks a different default)"
                }
                $merges = @($n.Redirections | Where-Object { $_ -is [System.Management.Automation.Language.MergingRedirectionAst] -and $_.FromStream -eq 'Error' -and $_.ToStream -eq 'Output' })
                if ($merges.Count -gt 0 -and (Test-NativeInvocation $n)) {
                    # The preference in force: the last assignment before the command in its
                    # function, else (for script-level code, and for functions that set none)
                    # the script's own.
                    $fn = $n.Parent
                    while ($fn -and $fn -isnot [System.Management.Automation.Language.FunctionDefinitionAst]) { $fn = $fn.Parent }
                    $effective = $null
                    if ($fn) { $effective = Get-EapAssignment $fn.Body | Where-Object { $_.Offset -lt $n.Extent.StartOffset } | Select-Object -Last 1 }
                    if (-not $effective) {
                        $scriptLevel = @(Get-EapAssignment $ast)
                        $effective = if ($fn) { $scriptLevel | Select-Object -Last 1 } else { $scriptLevel | Where-Object { $_.Offset -lt $n.Extent.StartOffset } | Select-Object -Last 1 }
                    }
                    if ($effective -and $effective.Value -notin @('Continue', 'SilentlyContinue', 'Ignore')) {
                        & $add $n ("2>&1 on a native program while `$ErrorActionPreference is '{0}': Windows PowerShell 5.1 throws on its first stderr line; set 'Continue' in the function that runs it" -f $effective.Value)
                    }
                }
            }
        }
    }
    return @($out)
}
