/**
 * Before trusting the parser on our bootstrap scripts: it must accept real PowerShell (samples in
 * Microsoft's documentation style, and npm's own npm.ps1 / npx.ps1 shims) and reject broken code.
 */
import { execFileSync } from "child_process";
import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parsePowerShell } from "../../../helpers/powershell";

const FIXTURES = join(__dirname, "..", "..", "..", "fixtures", "powershell");
const samples = readdirSync(FIXTURES).filter((f) => f.endsWith(".ps1")).sort();

test("the sample set is the one this test was written for", () => {
    expect(samples).toEqual(["advanced-function.ps1", "classes-and-errors.ps1"]);
});

test.each(samples)("accepts the documentation-style sample %s and understands its constructs", async (file) => {
    const parsed = await parsePowerShell(readFileSync(join(FIXTURES, file), "utf8"));
    expect(parsed.problems).toEqual([]);
    expect(parsed.ok).toBe(true);
    // It built real structure, not one opaque blob.
    expect(parsed.nodeTypes.has("function_statement") || parsed.nodeTypes.has("class_statement")).toBe(true);
    expect(parsed.nodeTypes.has("pipeline")).toBe(true);
});

// npm is on every machine that runs these tests (`npm ci` runs first); its PowerShell shims are
// scripts that really run on Windows.
const npmBin = join(execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim(), "npm", "bin");
test.each(["npm.ps1", "npx.ps1"])("accepts npm's shipped %s", async (file) => {
    const path = join(npmBin, file);
    expect(existsSync(path)).toBe(true);
    const parsed = await parsePowerShell(readFileSync(path, "utf8"));
    expect(parsed.problems).toEqual([]);
    expect(parsed.ok).toBe(true);
});

const broken: [string, string][] = [
    ["unbalanced braces", "function Get-Thing {\n    if ($true) {\n        'x'\n    }\n"],
    ["extra closing brace", "if ($a) { 1 } }"],
    ["unterminated string", "$s = 'never closed\nWrite-Output $s"],
    ["unterminated here-string", "$h = @'\nline one\nline two\n"],
    ["comparison without right operand", "if ($x -eq ) { 1 }"],
    ["unclosed param block", "param(\n    [string]$Name\n\nWrite-Output $Name"],
    ["unclosed hashtable", "$h = @{ a = 1; b = 2\nWrite-Output $h"],
    ["foreach without collection", "foreach ($i in ) { $i }"],
    ["unclosed subexpression in a string", "Write-Output \"value: $($x.Name\""],
];

test.each(broken)("rejects broken code: %s", async (_label, source) => {
    const parsed = await parsePowerShell(source);
    expect(parsed.ok).toBe(false);
    expect(parsed.problems.length).toBeGreaterThan(0);
});

test.each(samples)("rejects %s once its last closing brace is removed", async (file) => {
    const text = readFileSync(join(FIXTURES, file), "utf8");
    const cut = text.lastIndexOf("}");
    expect((await parsePowerShell(text.slice(0, cut) + text.slice(cut + 1))).ok).toBe(false);
});

/**
 * Valid PowerShell this grammar (tree-sitter-powershell 0.26.4) rejects: false alarms, never false
 * passes. The bootstrap scripts avoid these forms (the PowerShell 7 operators do not exist in the
 * Windows PowerShell 5.1 that Windows Server runs anyway). If a grammar update fixes one, this
 * test fails and the list should shrink.
 */
const knownGaps: [string, string][] = [
    ["comma list of bare words as a command argument", "Get-Service -Name W32Time, docker"],
    ["numeric multiplier suffix before a comma in a method call", "$r = [math]::Round($len / 1KB, 1)"],
    ["labelled break", ":outer while ($true) { break outer }"],
    ["null-coalescing operator (PowerShell 7)", "$n = $env:X ?? 'y'"],
    ["ternary operator (PowerShell 7)", "$k = $true ? 'a' : 'b'"],
];

test.each(knownGaps)("known grammar gap (false alarm, documented): %s", async (_label, source) => {
    expect((await parsePowerShell(source)).ok).toBe(false);
});
