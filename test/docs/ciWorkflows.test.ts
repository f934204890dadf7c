/* eslint-disable @typescript-eslint/no-explicit-any -- workflow files are read as untyped YAML */
/**
 * The CI files docs/plan.md gives users (docs/ci/github-actions.yml, docs/ci/azure-pipelines.yml),
 * parsed and run: every shell step, in order, with the shell and the step semantics of its CI
 * (GitHub: `bash -eo pipefail`, `$GITHUB_OUTPUT`, `${{ }}` expressions; Azure: `bash`, `##vso`
 * commands), in a clone of a fixture repository with two commits (the base: test/fixtures/programs/
 * compare-base; the change: compare-head). What cannot run here is stood in for, and only that:
 * `npm ci` (the registry) links the repository's node_modules with this package in it, `$PLAN`
 * (`npx windows-isolation plan`, which needs that install) is the built command, and steps that
 * use an action or task (checkout, comment, SARIF upload) are checked by the files they are given.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { BUILT_CLI, ROOT } from "../helpers/build/builtTools";

const NPM_CI = "npm ci --no-audit --no-fund";
let tmp: string;
let upstream: string;
let baseSha: string;
let modules: string;

function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" }).trim();
}

function copyProgram(from: string, to: string): void {
    for (const f of ["Pulumi.yaml", "Pulumi.test.yaml", "index.ts"]) fs.copyFileSync(path.join(ROOT, "test", "fixtures", "programs", from, f), path.join(to, f));
}

beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ci-workflows-"));
    // What `npm ci` would install in the user's repository: its dependencies, this package among them.
    modules = path.join(tmp, "node_modules");
    fs.mkdirSync(modules);
    for (const e of fs.readdirSync(path.join(ROOT, "node_modules"))) fs.symlinkSync(path.join(ROOT, "node_modules", e), path.join(modules, e));
    fs.symlinkSync(ROOT, path.join(modules, "windows-isolation"));
    upstream = path.join(tmp, "upstream");
    fs.mkdirSync(upstream);
    git(upstream, "init", "-q");
    fs.writeFileSync(path.join(upstream, ".gitignore"), "node_modules/\nout/\n");
    fs.writeFileSync(path.join(upstream, "package.json"), JSON.stringify({ name: "isolation-demo", private: true }, null, 2));
    copyProgram("compare-base", upstream);
    git(upstream, "add", ".");
    git(upstream, "commit", "-qm", "base");
    baseSha = git(upstream, "rev-parse", "HEAD");
    git(upstream, "checkout", "-qb", "change");
    copyProgram("compare-head", upstream);
    git(upstream, "commit", "-qam", "the change");
    git(upstream, "checkout", "-q", "main");
});

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh clone on the change's branch, as CI checks a pull request out. */
function checkout(name: string): string {
    const dir = path.join(tmp, name);
    git(tmp, "clone", "-q", "--branch", "change", upstream, dir);
    return dir;
}

interface StepRun {
    readonly id: string;
    readonly code: number;
    readonly stdout: string;
}

function shell(args: string[], script: string, cwd: string, env: Record<string, string>): { code: number; stdout: string } {
    if (script.includes("npm ci")) {
        expect(script).toContain(NPM_CI);
        script = script.replace(NPM_CI, `ln -s "${modules}" node_modules`);
    }
    const r = spawnSync("bash", [...args, "-c", script], { cwd, env, encoding: "utf8" });
    return { code: r.status ?? -1, stdout: r.stdout + r.stderr };
}

/**
 * The environment a step starts with: this process's, less npm's (a CI shell has no INIT_CWD).
 * The plans transpile the program without Pulumi's type check (PULUMI_NODEJS_TRANSPILE_ONLY, as
 * test/helpers/planCli.ts runs every test's plan): this file tests the CI steps, not the type
 * check, which would cost each of its four plans many seconds of CPU.
 */
function baseEnv(): Record<string, string> {
    const env = { ...process.env } as Record<string, string>;
    for (const k of Object.keys(env)) if (k === "INIT_CWD" || k.startsWith("npm_")) delete env[k];
    env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    return env;
}

const BUILT_PLAN = `node ${BUILT_CLI} plan`;

describe("docs/ci/github-actions.yml", () => {
    const workflow: any = yaml.load(fs.readFileSync(path.join(ROOT, "docs", "ci", "github-actions.yml"), "utf8"));
    const steps: any[] = workflow.jobs.plan.steps;
    let runs: StepRun[];
    let dir: string;
    let runnerTemp: string;
    let summary: string;

    beforeAll(() => {
        dir = checkout("github");
        runnerTemp = fs.mkdtempSync(path.join(tmp, "runner-"));
        summary = path.join(runnerTemp, "summary.md");
        const outputs: Record<string, Record<string, string>> = {};
        const expression = (text: string) =>
            String(text).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
                if (expr === "github.event.pull_request.base.sha") return baseSha;
                const m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
                if (m && outputs[m[1]]?.[m[2]] !== undefined) return outputs[m[1]][m[2]];
                throw new Error(`the test cannot evaluate \${{ ${expr} }}`);
            });
        expect(workflow.env.PLAN).toBe("npx windows-isolation plan");
        runs = [];
        for (const step of steps) {
            if (step.uses) continue;
            const outputFile = path.join(runnerTemp, `output-${runs.length}`);
            fs.writeFileSync(outputFile, "");
            const env = {
                ...baseEnv(),
                ...workflow.env,
                STACK: "test",
                PLAN: BUILT_PLAN,
                ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expression(v as string)])),
                RUNNER_TEMP: runnerTemp,
                GITHUB_OUTPUT: outputFile,
                GITHUB_STEP_SUMMARY: summary,
            };
            // GitHub's `shell: bash` on Linux: bash --noprofile --norc -eo pipefail {0}.
            const r = shell(["--noprofile", "--norc", "-eo", "pipefail"], step.run, dir, env);
            outputs[step.id] = Object.fromEntries(
                fs
                    .readFileSync(outputFile, "utf8")
                    .split("\n")
                    .filter((l) => l.includes("="))
                    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
            );
            runs.push({ id: step.id, ...r });
            if (r.code !== 0) break;
        }
    }, 300_000);

    test("every step runs; the gate fails the check with the plan's exit 1 (the change downgrades `job`)", () => {
        expect(runs.map((r) => [r.id, r.code])).toEqual([
            ["install", 0],
            ["userns", 0],
            ["checkout-base", 0],
            ["install-base", 0],
            ["plan-base", 0],
            ["plan", 0],
            ["summary", 0],
            ["gate", 1],
        ]);
        expect(runs.find((r) => r.id === "plan-base")!.stdout).toMatch(/^Result: 1 mandatory violation/m);
    });

    test("the job summary is plan.md: the change first, the diagram; the comment and code scanning get the files they name", () => {
        const md = fs.readFileSync(summary, "utf8");
        expect(md).toContain("- 2 workloads change isolation: `job` hyperv → process (VIOLATION), `legacy` process → hyperv");
        expect(md).toContain("```mermaid");
        const comment = steps.find((s) => String(s.uses).startsWith("marocchino/sticky-pull-request-comment@"));
        expect(fs.readFileSync(path.join(dir, comment.with.path), "utf8")).toBe(md);
        const upload = steps.find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif@"));
        expect(JSON.parse(fs.readFileSync(path.join(dir, upload.with.sarif_file), "utf8")).version).toBe("2.1.0");
        expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write", "security-events": "write" });
    });
});

describe("docs/ci/azure-pipelines.yml", () => {
    const pipeline: any = yaml.load(fs.readFileSync(path.join(ROOT, "docs", "ci", "azure-pipelines.yml"), "utf8"));
    const steps: any[] = pipeline.steps;
    let runs: StepRun[];
    let dir: string;
    let summaries: string[];

    beforeAll(() => {
        dir = checkout("azure");
        const agentTemp = fs.mkdtempSync(path.join(tmp, "agent-"));
        expect(pipeline.variables.PLAN).toBe("npx windows-isolation plan");
        // Pipeline variables reach scripts as environment variables, names upper-cased.
        const variables: Record<string, string> = { ...pipeline.variables, STACK: "test", PLAN: BUILT_PLAN };
        summaries = [];
        runs = [];
        for (const step of steps) {
            if (step.script === undefined) continue;
            const env = { ...baseEnv(), ...variables, AGENT_TEMPDIRECTORY: agentTemp, SYSTEM_PULLREQUEST_TARGETBRANCH: "refs/heads/main" };
            // Azure's script step on Linux: bash --noprofile --norc <file> (no -e: the script's own exit code decides).
            const r = shell(["--noprofile", "--norc"], step.script, dir, env);
            for (const [, name, value] of r.stdout.matchAll(/^##vso\[task\.setvariable variable=(\w+)\](.*)$/gm)) variables[name.toUpperCase()] = value;
            for (const [, file] of r.stdout.matchAll(/^##vso\[task\.uploadsummary\](.*)$/gm)) summaries.push(file);
            runs.push({ id: step.name, ...r });
            if (r.code !== 0) break;
        }
    }, 300_000);

    test("every step runs; the gate fails the run with the plan's exit 1", () => {
        expect(runs.map((r) => [r.id, r.code])).toEqual([
            ["install", 0],
            ["userns", 0],
            ["checkoutBase", 0],
            ["installBase", 0],
            ["planBase", 0],
            ["plan", 0],
            ["gate", 1],
        ]);
    });

    test("the summary page gets plan.md, the SARIF tasks get plan.sarif", () => {
        expect(summaries).toEqual([path.join(dir, "out", "plan.md")]);
        expect(fs.readFileSync(summaries[0], "utf8")).toContain("- 2 workloads renamed: `reports` → `reports-v2`, `web` → `frontend`");
        const artifact = steps.find((s) => s.task === "PublishBuildArtifacts@1");
        expect(artifact.inputs.ArtifactName).toBe("CodeAnalysisLogs");
        expect(JSON.parse(fs.readFileSync(path.join(dir, artifact.inputs.PathtoPublish), "utf8")).version).toBe("2.1.0");
        const publish = steps.find((s) => s.task === "AdvancedSecurity-Publish@1");
        expect(fs.readdirSync(path.join(dir, publish.inputs.SarifsInputDirectory)).filter((f) => f.endsWith(".sarif"))).toEqual(["plan.sarif"]);
    });
});
