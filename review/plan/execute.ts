/**
 * Runs the Pulumi program in a child process (node + ts-node, transpile only), so a program
 * that throws, exits or hangs ends only that process and the plan reports its error. The child
 * leads its own process group: a timeout, or the plan ending any other way, ends it and
 * everything the program started.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { endGroup, track } from "../process/children";
import { ProgramResult } from "./recorded";
import { PlanTarget } from "./project";

export interface ExecuteOptions {
    /** Called with the number of resources registered so far, while the program runs. */
    readonly onProgress?: (registered: number) => void;
    /** The program is stopped, and `ProgramTimeoutError` thrown, when it runs longer than this. */
    readonly timeoutSeconds?: number;
}

export class ProgramTimeoutError extends Error {
    constructor(
        readonly timeoutSeconds: number,
        readonly registered: number,
    ) {
        super(`did not finish within --timeout ${timeoutSeconds} s and was stopped; it had registered ${registered} resource(s)`);
    }
}

export async function executeProgram(target: PlanTarget, opts: ExecuteOptions = {}): Promise<ProgramResult> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "wi-plan-"));
    const requestFile = path.join(work, "request.json");
    const resultFile = path.join(work, "result.json");
    fs.writeFileSync(requestFile, JSON.stringify({ programDir: target.programDir, config: target.config }));
    try {
        // runProgram.ts from source, runProgram.js from the built package; ts-node loads the
        // user's TypeScript program, with its own tsconfig when it has one, always as CommonJS.
        const runner = path.join(__dirname, `runProgram${path.extname(__filename)}`);
        const projectTsconfig = path.join(target.projectDir, "tsconfig.json");
        const child = track(
            fork(runner, [requestFile, resultFile], {
                cwd: target.projectDir,
                execArgv: ["-r", require.resolve("ts-node/register/transpile-only")],
                stdio: ["ignore", "pipe", "pipe", "ipc"],
                detached: true,
                env: {
                    ...process.env,
                    ...(fs.existsSync(projectTsconfig) ? { TS_NODE_PROJECT: projectTsconfig } : {}),
                    TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: "commonjs" }),
                },
            }),
        );
        let stderr = "";
        let registered = 0;
        child.stderr!.on("data", (d) => (stderr += String(d)));
        child.stdout!.on("data", () => undefined); // the program's own console output is not part of the plan
        child.on("message", (m: { progress?: number }) => {
            if (typeof m?.progress === "number") {
                registered = m.progress;
                opts.onProgress?.(registered);
            }
        });
        let timedOut = false;
        const timer =
            opts.timeoutSeconds === undefined
                ? undefined
                : setTimeout(() => {
                      timedOut = true;
                      void endGroup(child, 0);
                  }, opts.timeoutSeconds * 1000);
        const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
        clearTimeout(timer);
        // The program may have left processes of its own behind in its group.
        await endGroup(child);
        if (timedOut) throw new ProgramTimeoutError(opts.timeoutSeconds!, registered);
        if (fs.existsSync(resultFile)) return JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramResult;
        const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(-1)[0];
        return { ok: false, error: `the program process exited with code ${code}${lastLine ? `: ${lastLine}` : ""}` };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
