<#
.SYNOPSIS
    Run Command script on a pool's first node: prints the swarm's join tokens, encrypted.
.DESCRIPTION
    Prints one line, `WI-SWARM-TOKENS-RSA-OAEP-SHA256 <base64>`: the JSON
    {"manager":"SWMTKN-...","worker":"SWMTKN-..."} encrypted with RSA-OAEP (SHA-256) to the pool's
    token key (RecipientModulus, RecipientExponent: its public half). The instance view, which
    anyone with Reader on the VM can read, holds only that ciphertext; the private half is only in
    the Pulumi state, where the pool decrypts the tokens as secrets. Nothing it prints holds a
    token. Exits 1 when this node is not an active swarm manager. swarm-nodes rotates the tokens
    once the pool converges or a node fails to join, so what this printed is worthless afterwards;
    JoinSet (the nodes that join) changes when the pool grows, which makes Azure run this again.
#>
[CmdletBinding()]
param(
    [string]$JoinSet = '',
    # The token key's public half, base64 (RSAParameters: .NET Framework imports no PEM).
    [Parameter(Mandatory = $true)][string]$RecipientModulus,
    [Parameter(Mandatory = $true)][string]$RecipientExponent
)

$ErrorActionPreference = 'Stop'
$Docker = Join-Path $env:ProgramFiles 'docker\docker.exe'

# windows-isolation:prelude (Invoke-Native; bootstrap/index.ts inserts prelude.ps1 here)

function Invoke-Docker {
    param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    $r = Invoke-Native $Docker $Arguments
    if ($r.ExitCode -ne 0) { throw ("docker {0} failed: {1}" -f ($Arguments -join ' '), (($r.Output -join ' ') -replace 'SWMTKN-[0-9A-Za-z-]+', '<token>')) }
    return $r.Output
}

function Protect-Text {
    # RSA-OAEP with SHA-256 to the token key. RSACng on Windows (.NET Framework's RSA.Create() is
    # RSACryptoServiceProvider, which has no OAEP SHA-256); RSA.Create() where CNG does not exist.
    param([Parameter(Mandatory = $true)][string]$Text)
    try { $rsa = New-Object System.Security.Cryptography.RSACng } catch { $rsa = [System.Security.Cryptography.RSA]::Create() }
    $key = New-Object System.Security.Cryptography.RSAParameters
    $key.Modulus = [Convert]::FromBase64String($RecipientModulus)
    $key.Exponent = [Convert]::FromBase64String($RecipientExponent)
    if ($key.Modulus.Length -lt 384) { throw ("the token key has {0} bits; at least 3072 are needed" -f ($key.Modulus.Length * 8)) }
    $rsa.ImportParameters($key)
    $cipher = $rsa.Encrypt([System.Text.Encoding]::UTF8.GetBytes($Text), [System.Security.Cryptography.RSAEncryptionPadding]::OaepSHA256)
    return [Convert]::ToBase64String($cipher)
}

try {
    $state = (Invoke-Docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' | Select-Object -First 1).ToString().Trim()
    if ($state -ne 'active true') {
        Write-Output "this node is not an active swarm manager (state: $state); the pool's first node inits the swarm in phase 2"
        exit 1
    }
    $tokens = [ordered]@{
        manager = (Invoke-Docker swarm join-token --quiet manager | Select-Object -First 1).ToString().Trim()
        worker  = (Invoke-Docker swarm join-token --quiet worker | Select-Object -First 1).ToString().Trim()
    }
    Write-Output ('WI-SWARM-TOKENS-RSA-OAEP-SHA256 ' + (Protect-Text ($tokens | ConvertTo-Json -Compress)))
    exit 0
} catch {
    Write-Output ("reading the join tokens failed: {0}" -f $_.Exception.Message)
    exit 1
}
