/**
 * Real processes, found through /proc: a plan run started with a token in its environment
 * passes it to every process it starts (and they to theirs), so the token finds all of them.
 */
import { ChildProcess, spawn } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hasEnv, liveProcesses, ProcInfo } from "../../review/process/procfs";
import { planEnv, ROOT } from "./planCli";
import { BUILT_CLI } from "./build/builtTools";

export const TOKEN_VAR = "WI_TEST_PROCESS_TOKEN";

export interface StartedPlan {
    readonly child: ChildProcess;
    readonly token: string;
    readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The plan's own entry point, or the package command that dispatches to it: built, as `npm run plan` runs them. */
export const PLAN_ENTRY = [path.join(ROOT, "build", "review", "plan", "main.js")];
export const BIN_PLAN_ENTRY = [BUILT_CLI, "plan"];

export function startPlan(args: string[], entry: string[] = PLAN_ENTRY): StartedPlan {
    const token = randomUUID();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    const child = spawn(process.execPath, [...entry, "--out", out, ...args], {
        cwd: ROOT,
        env: planEnv({ [TOKEN_VAR]: token }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += String(d)));
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
    );
    return { child, token, done };
}

/** Live (not zombie) processes started with `name=value` in their environment. */
export function processesWith(name: string, value: string): ProcInfo[] {
    return liveProcesses().filter((p) => p.pid !== process.pid && hasEnv(p.pid, name, value));
}

/** Waits (bounded only by the test's own timeout) until `test` holds for the token's processes. */
export async function waitForProcesses(token: string, test: (ps: ProcInfo[]) => boolean): Promise<ProcInfo[]> {
    for (;;) {
        const ps = processesWith(TOKEN_VAR, token);
        if (test(ps)) return ps;
        await new Promise((r) => setTimeout(r, 200));
    }
}
