/**
 * Runs the Pulumi program in a child process, so a program that throws, exits or hangs ends only
 * that process and the plan reports its error. TypeScript is transpiled in that process by
 * typescriptHook (the program's own `typescript`, transpile only, always CommonJS). The child
 * leads its own process group: a timeout, or the plan ending any other way, ends it and
 * everything the program started. The child streams each resource it records over IPC as the
 * program registers it (RunnerMessage), so only this process holds them.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { endGroup, track } from "../process/children";
import { RecordedResource } from "../analyzer/resource";
import { ProgramResult, RunnerDone } from "./recorded";
import { longestFirst } from "./secrets";
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
    fs.writeFileSync(requestFile, JSON.stringify({ programDir: target.programDir, config: target.config, configFile: target.configFile }));
    try {
        // runProgram.ts and typescriptHook.ts from source, their .js from the built package. The
        // hook is preloaded; from source it is first transpiled on its own (it imports nothing
        // of ours), so the same hook also loads runProgram.ts and the repository's programs.
        const ext = path.extname(__filename);
        const runner = path.join(__dirname, `runProgram${ext}`);
        const hook = ext === ".ts" ? transpileHook(work) : path.join(__dirname, "typescriptHook.js");
        const child = track(
            fork(runner, [requestFile], {
                cwd: target.projectDir,
                execArgv: ["-r", hook],
                stdio: ["ignore", "pipe", "pipe", "ipc"],
                detached: true,
                env: {
                    ...process.env,
                    // The program's own typescript first; ours (when it has one) for the runner from source.
                    WINDOWS_ISOLATION_PLAN_TS: JSON.stringify({ projectDir: target.projectDir, resolveFrom: [target.projectDir, __dirname] }),
                },
            }),
        );
        // Both before anything can happen: 'exit' may come before the last messages are read; the
        // channel closes after them.
        const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
        const channelClosed = new Promise<void>((resolve) => child.once("disconnect", resolve));
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += String(d)));
        child.stdout!.on("data", () => undefined); // the program's own console output is not part of the plan
        const resources: RecordedResource[] = [];
        // Secrets arrive as the program shows them: also a runner that never finishes has them cut.
        const secrets = new Set<string>();
        let done: RunnerDone | undefined;
        let afterDone = false;
        // RunnerMessage, each field checked: the program runs in that process.
        child.on("message", (m: { resource?: unknown; secrets?: unknown; done?: unknown }) => {
            if (done) {
                // The runner sends nothing after its last message: something else in that process does.
                afterDone = true;
                return;
            }
            if (m?.resource !== null && typeof m?.resource === "object") {
                resources.push(m.resource as RecordedResource);
                opts.onProgress?.(resources.length);
            }
            if (Array.isArray(m?.secrets)) for (const v of m.secrets) if (typeof v === "string") secrets.add(v);
            if (m?.done !== undefined) done = runnerDone(m.done);
        });
        let timedOut = false;
        const timer =
            opts.timeoutSeconds === undefined
                ? undefined
                : setTimeout(() => {
                      timedOut = true;
                      void endGroup(child, 0);
                      // Whoever still holds the channel open (a process that left the group) cannot keep the plan waiting.
                      if (child.connected) child.disconnect();
                  }, opts.timeoutSeconds * 1000);
        const code = await exited;
        // The program may have left processes of its own behind in its group.
        await endGroup(child);
        if (child.connected) await channelClosed;
        clearTimeout(timer);
        if (timedOut) throw new ProgramTimeoutError(opts.timeoutSeconds!, resources.length);
        const allSecrets = longestFirst(secrets);
        if (afterDone) {
            return { ok: false, error: "the program process sent more after its last message (did the program send a message of its own over the plan's channel?); the plan judges no result it cannot trust", secrets: allSecrets };
        }
        if (done && !done.ok) return { ok: false, error: done.error, secrets: allSecrets };
        if (done && done.count !== resources.length) {
            return { ok: false, error: `the program process reported ${done.count} resource(s) but the plan received ${resources.length}; the plan judges no partial program`, secrets: allSecrets };
        }
        if (done) {
            const { locations } = done;
            return { ok: true, resources: resources.map((r, i) => (locations[i] ? { ...r, location: locations[i]! } : r)), outputs: done.outputs, secrets: allSecrets };
        }
        const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(-1)[0];
        return { ok: false, error: `the program process exited with code ${code}${lastLine ? `: ${lastLine}` : ""}`, secrets: allSecrets };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** The runner's last message as RunnerDone; any other shape is a failed program (never a result). */
function runnerDone(v: unknown): RunnerDone {
    const d = (v ?? {}) as Record<string, unknown>;
    if (typeof d.count !== "number") return { ok: false, count: -1, error: "the program process sent a malformed last message (no count)" };
    if (d.ok === true && Array.isArray(d.locations) && d.outputs !== null && typeof d.outputs === "object") return d as unknown as RunnerDone;
    if (d.ok === false && typeof d.error === "string") return d as unknown as RunnerDone;
    return { ok: false, count: d.count, error: "the program process sent a malformed last message" };
}

/** From the source tree: typescriptHook.ts as JavaScript in the plan's work folder, transpiled with our own typescript. */
function transpileHook(work: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a dev dependency, only when running from source
    const ts: typeof import("typescript") = require("typescript");
    const source = path.join(__dirname, "typescriptHook.ts");
    const out = ts.transpileModule(fs.readFileSync(source, "utf8"), { fileName: source, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    const file = path.join(work, "typescriptHook.js");
    fs.writeFileSync(file, out.outputText);
    return file;
}
