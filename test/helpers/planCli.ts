/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json and plan.sarif are read back as untyped JSON */
/** Runs the plan tool as users do (`npm run plan`: the built tool, a separate node process), capturing its output and exit code. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILT_CLI } from "./build/builtTools";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "programs");

export interface PlanRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly out: string;
}

/**
 * The environment of a test's plan: Pulumi's runtime told to transpile TypeScript without type
 * checking (`PULUMI_NODEJS_TRANSPILE_ONLY`, which `pulumi preview` honours the same way), as a
 * type check of each fixture would cost each run about 20 s of CPU; `typeCheck` keeps Pulumi's default.
 */
export function planEnv(extra: NodeJS.ProcessEnv = {}, typeCheck = false): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: ROOT, PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...extra };
    if (typeCheck) delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    return env;
}

export function runPlan(args: string[], opts: { env?: NodeJS.ProcessEnv; typeCheck?: boolean; out?: string } = {}): Promise<PlanRun> {
    const out = opts.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    const child = spawn(process.execPath, [BUILT_CLI, "plan", "--out", out, ...args], {
        cwd: ROOT,
        env: planEnv(opts.env, opts.typeCheck),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr, out })));
}

export function readJson(file: string): any {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}
