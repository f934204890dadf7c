/**
 * Runs the bootstrap's Pester suites (*.Tests.ps1 beside this file) under the real, pinned
 * PowerShell, so `npm test` executes every bootstrap script and a failing Pester test fails it.
 * The files the scripts read (settings.json, daemon.json, the bundle, the loader) are generated
 * here by the same functions the components use.
 */
import { spawnSync } from "child_process";
import { generateKeyPairSync } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { guardHostSettings, guardSpecFile } from "../../../../components/azure/bootstrap/guard";
import { DEFAULT_NODE_RELEASE } from "../../../../components/azure/nodeRelease";
import { BOOTSTRAP_SCRIPTS, bootstrapBundle, bootstrapScript, daemonJson, guardedDaemonJson, loaderScript, parseSwarmTokens, phase2Settings, stripComments, SwarmJoinTokens, tokenRecipient } from "../../../../components/azure/bootstrap";
import { DEFAULT_DOCKER_RELEASE } from "../../../../components/azure/dockerRelease";
import { PESTER_VERSION, powerShellTools, PWSH_VERSION } from "../../../helpers/pwsh";

interface PesterSummary {
    readonly powershell: string;
    readonly pester: string;
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly notRun: number;
    readonly containerErrors: { file: string; errors: string[] }[];
    readonly tests: { file: string; name: string; result: string; error: string }[];
}

const HERE = __dirname;

// The pool's swarm token key (what tls.PrivateKey makes for it: RSA 3072); swarm-tokens.ps1 gets the public half.
const tokenKey = generateKeyPairSync("rsa", { modulusLength: 3072 });

function generatedFiles(dir: string): void {
    writeFileSync(join(dir, "token-recipient.json"), JSON.stringify(tokenRecipient(tokenKey.publicKey.export({ type: "spki", format: "pem" }).toString())));
    const release = DEFAULT_DOCKER_RELEASE;
    writeFileSync(join(dir, "settings-host.json"), phase2Settings(release));
    writeFileSync(join(dir, "settings-pool-init.json"), phase2Settings(release, { role: "init", subnetCidr: "10.40.0.0/24" }));
    writeFileSync(join(dir, "settings-pool-join.json"), phase2Settings(release, { role: "join", subnetCidr: "10.40.0.0/24" }));
    writeFileSync(join(dir, "daemon.json"), daemonJson());
    // A host with the guard: its settings (Node.js pin), daemon.json with the plugin, the guard's files.
    writeFileSync(join(dir, "settings-guard.json"), phase2Settings(release, undefined, { node: DEFAULT_NODE_RELEASE }));
    writeFileSync(join(dir, "daemon-guard.json"), guardedDaemonJson());
    writeFileSync(join(dir, "guard-settings.json"), guardHostSettings(["windows-isolation-deployer"]));
    writeFileSync(join(dir, "guard.spec"), guardSpecFile());
    writeFileSync(join(dir, "bundle.ps1"), bootstrapBundle({ caPem: "ca", serverCertPem: "cert", docker: release }));
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    writeFileSync(join(dir, "loader.ps1"), loaderScript(Buffer.from(key).toString("base64")));
    // The scripts as generated (prelude in place): what every suite runs.
    for (const name of BOOTSTRAP_SCRIPTS) writeFileSync(join(dir, name), bootstrapScript(name));
    // What the bundle really runs: the scripts without their comments.
    for (const name of ["phase1.ps1", "phase2.ps1"] as const) writeFileSync(join(dir, name.replace(/\.ps1$/, ".stripped.ps1")), stripComments(bootstrapScript(name)));
}

let summary: PesterSummary;
/** What swarm-tokens.ps1 printed in its Pester suite (real pwsh, .NET's RSA-OAEP SHA-256). */
let tokensOutput: string | undefined;

beforeAll(() => {
    const { pwsh, pesterManifest, env } = powerShellTools();
    const dir = mkdtempSync(join(tmpdir(), "wi-pester-"));
    try {
        generatedFiles(dir);
        const resultPath = join(dir, "result.json");
        // spawnSync ends the child before it returns, on every path.
        const run = spawnSync(pwsh, ["-NoProfile", "-NonInteractive", "-File", join(HERE, "helpers", "Invoke-BootstrapPester.ps1"), "-PesterManifest", pesterManifest, "-ResultPath", resultPath], {
            encoding: "utf8",
            env: { ...env, WI_GENERATED_DIR: dir, NO_COLOR: "1" },
            maxBuffer: 64 * 1024 * 1024,
        });
        if (run.error) throw run.error;
        let text: string;
        try {
            text = readFileSync(resultPath, "utf8");
        } catch {
            throw new Error(`Pester wrote no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
        }
        summary = JSON.parse(text) as PesterSummary;
        try {
            tokensOutput = readFileSync(join(dir, "swarm-tokens.output.txt"), "utf8");
        } catch {
            tokensOutput = undefined;
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}, 15 * 60 * 1000);

test(`the suites ran under PowerShell ${PWSH_VERSION} with Pester ${PESTER_VERSION}`, () => {
    expect([summary.powershell, summary.pester]).toEqual([PWSH_VERSION, PESTER_VERSION]);
});

test("every bootstrap script has its Pester suite, plus the Windows PowerShell 5.1 checks", () => {
    const suites = readdirSync(HERE).filter((f) => f.endsWith(".Tests.ps1")).sort();
    expect(suites).toEqual([...BOOTSTRAP_SCRIPTS.map((s) => s.replace(/\.ps1$/, ".Tests.ps1")), "windows-powershell-5.1.Tests.ps1"].sort());
    for (const suite of suites) expect(summary.tests.filter((t) => t.file === suite).length).toBeGreaterThan(2);
});

test("every Pester test passed; none was skipped or left unrun", () => {
    const failures = summary.tests.filter((t) => t.result !== "Passed").map((t) => `${t.file}: ${t.name} [${t.result}]\n${t.error}`);
    expect(summary.containerErrors).toEqual([]);
    expect(failures).toEqual([]);
    expect([summary.failed, summary.skipped, summary.notRun]).toEqual([0, 0, 0]);
    expect(summary.passed).toBe(summary.tests.length);
});

test("what swarm-tokens.ps1 printed (encrypted by .NET under real pwsh) decrypts with Node's crypto and the private key to the leader's tokens", () => {
    expect(tokensOutput).toBeDefined();
    const privatePem = tokenKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const expected: SwarmJoinTokens = { manager: `SWMTKN-1-${"a".repeat(50)}-${"m".repeat(25)}`, worker: `SWMTKN-1-${"a".repeat(50)}-${"w".repeat(25)}` };
    expect(parseSwarmTokens(tokensOutput, privatePem, "test")).toEqual(expected);
    // Another key cannot read them.
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => parseSwarmTokens(tokensOutput, other, "test")).toThrow(/cannot decrypt/);
});
