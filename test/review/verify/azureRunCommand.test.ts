/**
 * --azure-vm through Azure's own SDK (@azure/arm-compute, the real client and poller) against a
 * local HTTPS server that answers as Azure documents it. The published example is
 * Azure/azure-rest-api-specs, specification/compute/resource-manager/Microsoft.Compute/ComputeRP/
 * stable/2024-07-01/examples/runCommandExamples/VirtualMachineRunCommand.json (commit
 * f5ec61419fff5b65e7a5f6a38782172d07b14ec4): subscription 24fb23e3-6ba3-41f0-9b6e-e41131d5d61e,
 * group crptestar98131, VM vm3036, commandId RunPowerShellScript; a 200 whose body `value` holds a
 * ComponentStatus/StdOut/succeeded and a ComponentStatus/StdErr/succeeded status (level Info,
 * displayStatus "Provisioning succeeded"), or a 202 with a Location to poll. Only the cloud is
 * stood in for: the credential is static, the certificate self-signed (openssl).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { deflateRawSync } from "node:zlib";
import * as fs from "node:fs";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { TokenCredential } from "@azure/identity";
import { runVerify } from "../../../review/verify/main";
import { AzureOptions, decodeScriptOutput, HOST_PROCESSES_SCRIPT, RUN_COMMAND_OUTPUT_LIMIT } from "../../../review/verify/azureVm";
import { EngineRecording, serveRecording } from "../../helpers/fakeEngine";
import { parseHostProcesses } from "../../../review/verify/hostProcesses";
import { powerShellTools } from "../../helpers/pwsh";

const VM_ID = "/subscriptions/24fb23e3-6ba3-41f0-9b6e-e41131d5d61e/resourceGroups/crptestar98131/providers/Microsoft.Compute/virtualMachines/vm3036";
const RUN_COMMAND_PATH = `${VM_ID}/runCommand`;
/** The api-version @azure/arm-compute 24.1.0 sends (the example above is the same operation at 2024-07-01). */
const SDK_API_VERSION = "2026-03-01";

/** The example's 200 body, field by field; `stdout` replaces its sample message where a test needs the script's output. */
const documentedBody = (stdout = "This is a sample script with parameters value1 value2") => ({
    value: [
        { code: "ComponentStatus/StdOut/succeeded", level: "Info", displayStatus: "Provisioning succeeded", message: stdout },
        { code: "ComponentStatus/StdErr/succeeded", level: "Info", displayStatus: "Provisioning succeeded", message: "" },
    ],
});

/** What HOST_PROCESSES_SCRIPT writes on the page's host: its rows ([Id, ProcessName, StartTimeMs]) deflated and base64-encoded after `z:`. */
const SCRIPT_JSON = { MachineName: "pagehost", DockerdPid: 1820, TotalProcesses: 87, Processes: [[4, "System", null], [1820, "dockerd", 1733030000000], [3964, "PING", 1733040000000], [2376, "vmwp", 1733039000000]], VmWorkers: [], ComputeSystems: [] };
const SCRIPT_OUTPUT = "z:" + deflateRawSync(JSON.stringify(SCRIPT_JSON)).toString("base64");

const PAGE = path.join(__dirname, "..", "..", "fixtures", "hypervIsolationPage");
const PROCESS_ID = "1f8bf89026c8f66921a55e773bac1c60174bb6bab52ef427c6c8dbc8698f9d7a";
const HYPERV_ID = "5d5611e38b31a41879d37a94468a1e11dc1086dcd009e2640d36023aa1663e62";

interface Seen {
    method: string;
    path: string;
    query: URLSearchParams;
    authorization?: string;
    body: string;
}

let dir: string;
let cert: { key: string; cert: string };
beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-azure-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"], { cwd: dir, stdio: "ignore" });
    cert = { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8") };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A local ARM: each request is recorded and answered by `respond`. */
async function withArm<T>(respond: (seen: Seen, base: string) => { status: number; headers?: Record<string, string>; body?: unknown }, run: (azure: AzureOptions, seen: Seen[], scopes: string[][]) => Promise<T>): Promise<T> {
    const seen: Seen[] = [];
    let base = "";
    const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", base);
            const s: Seen = { method: req.method ?? "", path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body };
            seen.push(s);
            const r = respond(s, base);
            res.writeHead(r.status, { "Content-Type": "application/json", ...r.headers });
            res.end(r.body === undefined ? "" : JSON.stringify(r.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const scopes: string[][] = [];
    const credential: TokenCredential = {
        getToken: async (s) => {
            scopes.push(([] as string[]).concat(s));
            return { token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 };
        },
    };
    try {
        return await run({ credential, clientOptions: { endpoint: base, tlsOptions: { ca: cert.cert }, retryOptions: { maxRetries: 0 } } }, seen, scopes);
    } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }
}

async function verify(azure: AzureOptions, ...flags: string[]) {
    const socketPath = path.join(dir, `engine-${Math.random().toString(36).slice(2)}.sock`);
    const rec = JSON.parse(fs.readFileSync(path.join(PAGE, "engine.json"), "utf8")) as EngineRecording;
    // The page shows no GET /info; the host name is the one the script's output carries.
    (rec.info as { Name?: string }).Name = "PAGEHOST";
    const engine = await serveRecording(rec, { socketPath });
    let stdout = "";
    let stderr = "";
    try {
        const code = await runVerify(["--endpoint", `unix://${socketPath}`, ...flags], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, azure);
        return { code, stdout, stderr };
    } finally {
        await engine.close();
    }
}

const expectRunCommandRequest = (s: Seen) => {
    expect(s.method).toBe("POST");
    expect(s.path).toBe(RUN_COMMAND_PATH);
    expect([...s.query.entries()]).toEqual([["api-version", SDK_API_VERSION]]);
    expect(s.authorization).toBe("Bearer test-token");
    // The one fixed, read-only script; its one parameter the PIDs docker top reported (digits and commas).
    expect(JSON.parse(s.body)).toEqual({ commandId: "RunPowerShellScript", script: [...HOST_PROCESSES_SCRIPT], parameters: [{ name: "Pids", value: "1732,3964" }] });
};

test("the request is the documented one; the documented 200 answer is parsed, and its sample message refused as no process list", async () => {
    await withArm(() => ({ status: 200, body: documentedBody() }), async (azure, seen, scopes) => {
        const r = await verify(azure, "--azure-vm", VM_ID, "--json");
        expect(seen).toHaveLength(1);
        expectRunCommandRequest(seen[0]);
        expect(scopes).toEqual([["https://management.azure.com/.default"]]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(new RegExp(`^verify: Azure Run Command on ${VM_ID} is not JSON \\(.*\\); write it on the host with the script in docs/verify\\.md`));
    });
});

test("the script's output in the documented answer: the page's verdicts, the source named", async () => {
    await withArm(() => ({ status: 200, body: documentedBody(SCRIPT_OUTPUT) }), async (azure) => {
        const r = await verify(azure, "--azure-vm", VM_ID, "--json");
        expect(r.stderr).toBe("");
        const out = JSON.parse(r.stdout);
        expect(out.witness).toEqual({ source: `Azure Run Command on ${VM_ID}`, hostProcessCount: 4 });
        expect(Object.fromEntries(out.containers.map((c: { id: string; witness: { verdict: string } }) => [c.id, c.witness.verdict]))).toEqual({
            [PROCESS_ID]: "shares-host-kernel",
            [HYPERV_ID]: "kernel-isolated",
        });
    });
});

test("a 202 with a Location: the SDK's poller follows it to the result", async () => {
    await withArm(
        (s, base) => (s.method === "POST" ? { status: 202, headers: { Location: `${base}/subscriptions/24fb23e3-6ba3-41f0-9b6e-e41131d5d61e/providers/Microsoft.Compute/locations/westus/operations/op1?monitor=true&api-version=${SDK_API_VERSION}` } } : { status: 200, body: documentedBody(SCRIPT_OUTPUT) }),
        async (azure, seen) => {
            const r = await verify(azure, "--azure-vm", VM_ID, "--json", "--timeout", "60");
            expect(r.stderr).toBe("");
            expectRunCommandRequest(seen[0]);
            expect(seen.slice(1).map((s) => [s.method, s.path])).toEqual([["GET", "/subscriptions/24fb23e3-6ba3-41f0-9b6e-e41131d5d61e/providers/Microsoft.Compute/locations/westus/operations/op1"]]);
            expect(JSON.parse(r.stdout).witness.source).toBe(`Azure Run Command on ${VM_ID}`);
        },
    );
});

test("Azure's error answer: exit 2 naming the VM, the status and the code", async () => {
    await withArm(() => ({ status: 403, body: { error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action'." } } }), async (azure) => {
        const r = await verify(azure, "--azure-vm", VM_ID);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`verify: Run Command on ${VM_ID} failed (HTTP 403 AuthorizationFailed): The client does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action'.\n`);
    });
});

test("stderr from the script, or the script's own 'too long' answer, is an error, never an empty list", async () => {
    const stderrBody = documentedBody(SCRIPT_OUTPUT);
    stderrBody.value[1].message = "Get-Process : Access is denied";
    await withArm(() => ({ status: 200, body: stderrBody }), async (azure) => {
        const r = await verify(azure, "--azure-vm", VM_ID);
        expect(r).toMatchObject({ code: 2, stderr: `verify: Run Command on ${VM_ID} wrote to stderr: Get-Process : Access is denied\n` });
    });
    await withArm(() => ({ status: 200, body: documentedBody(`{"error":"412 processes do not fit in the 4096 bytes Run Command returns; write the list with --host-processes instead"}`) }), async (azure) => {
        const r = await verify(azure, "--azure-vm", VM_ID);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`the host reported "412 processes do not fit in the 4096 bytes Run Command returns`);
    });
});

test("--azure-vm stack reads hostVmId, or nodeVmIds.<node> with --node, from the stack outputs", async () => {
    await withArm(() => ({ status: 200, body: documentedBody(SCRIPT_OUTPUT) }), async (azure, seen) => {
        // The engine endpoint comes from --endpoint in these tests, so the outputs here only name VMs.
        const outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify({ hostVmId: VM_ID, nodeVmIds: { w2022node01: VM_ID.replace("vm3036", "node01") } }));
        const { resolveWitnessSource } = await import("../../../review/verify/witnessSource");
        const text = fs.readFileSync(outputs, "utf8");
        expect(resolveWitnessSource({ format: "table", timeoutMs: 1, help: false, stackOutputs: outputs, azureVm: "stack" }, text)).toEqual({
            kind: "azure",
            vm: { id: VM_ID, subscriptionId: "24fb23e3-6ba3-41f0-9b6e-e41131d5d61e", resourceGroupName: "crptestar98131", vmName: "vm3036" },
        });
        expect(resolveWitnessSource({ format: "table", timeoutMs: 1, help: false, stackOutputs: outputs, node: "w2022node01", azureVm: "stack" }, text)).toMatchObject({ vm: { vmName: "node01" } });
        expect(resolveWitnessSource({ format: "table", timeoutMs: 1, help: false, stackOutputs: outputs, node: "nope", azureVm: "stack" }, text)).toEqual({
            error: `--azure-vm stack: --stack-outputs '${outputs}' has no string output nodeVmIds.nope; export it from the stack (stacks/index.ts exports hostVmId and nodeVmIds) or give the VM's resource id`,
        });
        expect(seen).toHaveLength(0);
        const r = await verify(azure, "--azure-vm", "/subscriptions/x/resourceGroups/y/virtualMachines/z");
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toBe("verify: --azure-vm '/subscriptions/x/resourceGroups/y/virtualMachines/z' is not a VM resource id; use /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Compute/virtualMachines/<vm> (az vm show --query id)\n");
    });
});

/**
 * Runs each command under the pinned real pwsh (installed by .ci/install-powershell), all in one
 * pwsh process, each in a scope of its own (`& { }`: a function one defines is gone for the next),
 * and returns each one's stdout by name. One process, not one per command: each pwsh start costs
 * about 2 s of CPU in .NET and PowerShell's own start-up. A command that throws fails its test.
 */
function pwshBatch(commands: Record<string, string>): Record<string, { out?: string; error?: string }> {
    const { pwsh, env } = powerShellTools();
    const blocks = Object.entries(commands).map(
        ([name, command]) =>
            `$results[${JSON.stringify(name)}] = try { @{ out = (@(& { ${command} }) | ForEach-Object { "$_" + [char]10 }) -join '' } } catch { @{ error = [string]$_ } }`,
    );
    // The results go to a file: whatever a command writes to the host stays out of them.
    const resultFile = path.join(dir, "batch.json");
    const script = ["$results = [ordered]@{}", ...blocks, `[System.IO.File]::WriteAllText('${resultFile}', (ConvertTo-Json -Compress -Depth 3 -InputObject $results))`].join("\n");
    const file = path.join(dir, "batch.ps1");
    fs.writeFileSync(file, script);
    const run = spawnSync(pwsh, ["-NoProfile", "-NonInteractive", "-File", file], { encoding: "utf8", timeout: 120_000, env, maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`pwsh exited ${run.status}: ${run.stderr}`);
    return JSON.parse(fs.readFileSync(resultFile, "utf8")) as Record<string, { out?: string; error?: string }>;
}

const CHECKER_51 = path.join(__dirname, "..", "..", "components", "azure", "bootstrap", "helpers", "WindowsPowerShell51.ps1");

function scriptFile(): string {
    const file = path.join(fs.mkdtempSync(path.join(dir, "runcommand-")), "script.ps1");
    fs.writeFileSync(file, HOST_PROCESSES_SCRIPT.join("\n"));
    return file;
}

test("the fixed script parses under the real PowerShell parser, holds nothing 5.1 runs differently, and only reads", () => {
    const out = pwsh("parse");
    const parsed = JSON.parse(out) as { errors: string[]; problems: string[]; commands: string[] };
    expect(parsed.errors).toEqual([]);
    expect(parsed.problems).toEqual([]);
    // Reading commands only: processes, the pid file, the VM workers' command lines, the compute systems.
    expect(parsed.commands).toEqual(["ConvertTo-Json", "Get-CimInstance", "Get-Command", "Get-ComputeProcess", "Get-Content", "Get-Process", "Join-Path", "New-Object", "Test-Path", "Write-Output"]);
});

test("the fixed script, run by the real PowerShell on this machine, writes a process list verify reads, with this test's own process in it", () => {
    const out = pwsh("this machine");
    const json = decodeScriptOutput(out);
    if (typeof json !== "string") throw new Error(json.error);
    const parsed = parseHostProcesses(json, "pwsh on this machine");
    if (!parsed.ok) throw new Error(parsed.error);
    // Only the PIDs asked about (and any System, dockerd, vmwp); the total says how many there were.
    const asked = parsed.list.processes.filter((p) => !["System", "dockerd", "vmwp"].includes(p.name));
    expect(asked.map((p) => p.pid).sort((a, b) => a - b)).toEqual([1, process.pid]);
    expect(parsed.list.totalProcesses).toBeGreaterThan(2);
    expect(parsed.list.machineName).toBe(os.hostname());
});

/** A busy Windows host's table, the same on every run: PIDs multiples of 4, ~90 names, start times from boot over five days. */
function busyHost(rows: number): { Id: number; ProcessName: string; StartMs: number }[] {
    let seed = 20261205;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const names = ["System", "Registry", "smss", "csrss", "wininit", "services", "lsass", "svchost", "dockerd", "vmwp", "vmmem", "conhost", "powershell", "cmd", "w3wp", "sqlservr", "MsMpEng"]
        .concat(Array.from({ length: 73 }, (_, i) => `app-worker-${i}`));
    const boot = Date.parse("2026-12-01T06:00:00Z");
    const pids = new Set<number>([4]);
    const table = [{ Id: 4, ProcessName: "System", StartMs: boot }];
    while (table.length < rows) {
        const pid = 4 * (2 + Math.floor(next() * 16000));
        if (pids.has(pid)) continue;
        pids.add(pid);
        const name = next() < 0.3 ? "svchost" : names[1 + Math.floor(next() * (names.length - 1))];
        table.push({ Id: pid, ProcessName: name, StartMs: boot + Math.floor(next() < 0.5 ? next() * 120_000 : next() * 5 * 86_400_000) });
    }
    return table;
}

/** The script run by the real pwsh over a generated process table, asked about its first `asked` PIDs. */
function onTable(table: ReturnType<typeof busyHost>, asked: number): string {
    const file = path.join(dir, `busy-${asked}.json`);
    fs.writeFileSync(file, JSON.stringify(table));
    const pids = table.slice(0, asked).map((p) => p.Id).join(",");
    // Get-Process is the stub (a function wins over the cmdlet); the script itself runs unchanged.
    return (
        `$global:fake = @(Get-Content -Raw '${file}' | ConvertFrom-Json | ForEach-Object { [pscustomobject]@{ Id = [int]$_.Id; ProcessName = [string]$_.ProcessName; StartTime = [DateTimeOffset]::FromUnixTimeMilliseconds([long]$_.StartMs).LocalDateTime } }); ` +
        `function Get-Process { $global:fake }; & '${scriptFile()}' -Pids '${pids}'`
    );
}

/** What this file runs under the real pwsh, by name (see pwshBatch). */
function pwshCommands(): Record<string, string> {
    const file = scriptFile();
    return {
        parse:
            `. '${CHECKER_51}'; $t = $null; $e = $null; ` +
            `$ast = [System.Management.Automation.Language.Parser]::ParseFile('${file}', [ref]$t, [ref]$e); ` +
            `$commands = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Sort-Object -Unique); ` +
            `ConvertTo-Json -Compress -InputObject @{ errors = @($e | ForEach-Object { $_.Message }); problems = @(Get-WindowsPowerShell51Problem -Path '${file}'); commands = $commands }`,
        "this machine": `& '${scriptFile()}' -Pids '${process.pid},1'`,
        "busy host, 200 asked": onTable(busyHost(1000), 200),
        "busy host, 1000 asked": onTable(busyHost(1000), 1000),
    };
}

let pwshResults: Record<string, { out?: string; error?: string }> | undefined;
/** The stdout of one of pwshCommands, all run on the first call. */
function pwsh(name: string): string {
    pwshResults ??= pwshBatch(pwshCommands());
    const result = pwshResults[name];
    if (result === undefined) throw new Error(`pwsh: no command '${name}'`);
    if (result.error !== undefined) throw new Error(`pwsh: ${name}: ${result.error}`);
    return result.out ?? "";
}

test("a busy host of 1,000 processes under the real pwsh, asked for the 200 PIDs of its containers: the answer fits in Run Command's 4096 bytes, start times included", () => {
    const table = busyHost(1000);
    const asked = 200;
    const out = pwsh("busy host, 200 asked");
    expect(Buffer.byteLength(out.trim())).toBeLessThanOrEqual(RUN_COMMAND_OUTPUT_LIMIT);
    const json = decodeScriptOutput(out);
    if (typeof json !== "string") throw new Error(json.error);
    const parsed = parseHostProcesses(json, "busy host");
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.list.totalProcesses).toBe(1000);
    const byPid = new Map(parsed.list.processes.map((p) => [p.pid, p]));
    for (const p of table.slice(0, asked)) expect(byPid.get(p.Id)).toEqual({ pid: p.Id, name: p.ProcessName, startTimeMs: p.StartMs });
});

test("asked for more rows than fit (all 1,000 PIDs of the busy host): the script says so, never a list cut at 4096 bytes", () => {
    const out = pwsh("busy host, 1000 asked").trim();
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(RUN_COMMAND_OUTPUT_LIMIT);
    expect(parseHostProcesses(out, "busy host")).toEqual({ ok: false, error: `busy host: the host reported "1000 of 1000 processes do not fit in the 4096 bytes Run Command returns; write the list with --host-processes instead"` });
});
