/**
 * Runs the Pulumi program in a child process (node + ts-node, transpile only), so a program
 * that throws, exits or hangs ends only that process and the plan reports its error.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramResult } from "./recorded";
import { PlanTarget } from "./project";

export interface ExecuteOptions {
    /** Called with the number of resources registered so far, while the program runs. */
    readonly onProgress?: (registered: number) => void;
}

export async function executeProgram(target: PlanTarget, opts: ExecuteOptions = {}): Promise<ProgramResult> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "wi-plan-"));
    const requestFile = path.join(work, "request.json");
    const resultFile = path.join(work, "result.json");
    fs.writeFileSync(requestFile, JSON.stringify({ programDir: target.programDir, config: target.config, configFile: target.configFile }));
    try {
        // runProgram.ts from source, runProgram.js from the built package; ts-node loads the
        // user's TypeScript program, with its own tsconfig when it has one, always as CommonJS.
        const runner = path.join(__dirname, `runProgram${path.extname(__filename)}`);
        const projectTsconfig = path.join(target.projectDir, "tsconfig.json");
        const child = fork(runner, [requestFile, resultFile], {
            cwd: target.projectDir,
            execArgv: ["-r", require.resolve("ts-node/register/transpile-only")],
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            env: {
                ...process.env,
                ...(fs.existsSync(projectTsconfig) ? { TS_NODE_PROJECT: projectTsconfig } : {}),
                TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: "commonjs" }),
            },
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += String(d)));
        child.stdout!.on("data", () => undefined); // the program's own console output is not part of the plan
        child.on("message", (m: { progress?: number }) => {
            if (typeof m?.progress === "number") opts.onProgress?.(m.progress);
        });
        const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
        if (fs.existsSync(resultFile)) return JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramResult;
        const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(-1)[0];
        return { ok: false, error: `the program process exited with code ${code}${lastLine ? `: ${lastLine}` : ""}` };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
