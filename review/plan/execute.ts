/**
 * Runs the Pulumi program in a child process, so a program that throws, exits or hangs ends only
 * that process and the plan reports its error. TypeScript is transpiled in that process by
 * typescriptHook (the program's own `typescript`, transpile only, always CommonJS). The child
 * leads its own process group: a timeout, or the plan ending any other way, ends it and
 * everything the program started. The program's SDK registers its resources with the plan's own
 * monitor (monitorServer.ts) in this process, as a real program registers them with the engine
 * in another: what the plan judges is what that monitor received, taken only when the runner
 * exited 0 after its last message said ok and nothing failed or arrived late at the monitor.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { endGroup, track } from "../process/children";
import { RecordedResource, SourceLocation } from "../analyzer/resource";
import { defaultProviderLocation } from "./defaultProvider";
import { startMonitorServer } from "./monitorServer";
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
    fs.writeFileSync(requestFile, JSON.stringify({ programDir: target.programDir, config: target.config }));
    const monitor = await startMonitorServer(target.config, opts.onProgress);
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
                    ...sdkEnvironment(target, monitor.address),
                },
            }),
        );
        // Both before anything can happen: 'exit' may come before the last messages are read; the
        // channel closes after them.
        const exited = new Promise<number | null>((resolve) =>
            child.once("exit", (c) => {
                monitor.runnerExited();
                resolve(c);
            }),
        );
        const channelClosed = new Promise<void>((resolve) => child.once("disconnect", resolve));
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += String(d)));
        child.stdout!.on("data", () => undefined); // the program's own console output is not part of the plan
        // Secrets arrive as the program shows them: also a runner that never finishes has them cut.
        const secrets = new Set<string>();
        let done: RunnerDone | undefined;
        let afterDone = false;
        // RunnerMessage, each field checked: the program runs in that process.
        child.on("message", (m: { secrets?: unknown; done?: unknown }) => {
            if (done) {
                // The runner sends nothing after its last message: something else in that process does.
                afterDone = true;
                return;
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
                      // Whoever still holds the channel or the monitor open (a process that left the group) cannot keep the plan waiting.
                      if (child.connected) child.disconnect();
                      monitor.abort();
                  }, opts.timeoutSeconds * 1000);
        const code = await exited;
        // The program may have left processes of its own behind in its group.
        await endGroup(child);
        if (child.connected) await channelClosed;
        // What the plan judges: what its monitor received, nothing after this.
        const received = await monitor.finish();
        clearTimeout(timer);
        if (timedOut) throw new ProgramTimeoutError(opts.timeoutSeconds!, monitor.registered());
        const allSecrets = longestFirst([...received.secrets, ...secrets]);
        const failed = (error: string): ProgramResult => ({ ok: false, error, secrets: allSecrets });
        if (afterDone) {
            return failed("the program process sent more after its last message (did the program send a message of its own over the plan's channel?); the plan judges no result it cannot trust");
        }
        if (received.failure !== undefined) return failed(received.failure);
        if (done && !done.ok) return failed(done.error);
        if (!done) {
            const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(-1)[0];
            return failed(`the program process exited with code ${code}${lastLine ? `: ${lastLine}` : ""}`);
        }
        if (code !== 0) return failed(`the program process exited with code ${code} after its last message; the plan judges no result it cannot trust`);
        return { ok: true, resources: located(received.resources, done.locations, target.configFile), outputs: received.outputs, secrets: allSecrets };
    } finally {
        monitor.abort();
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** The environment the Pulumi CLI gives a program (@pulumi/pulumi cmd/run/index.js), with the plan's monitor as its engine. */
function sdkEnvironment(target: PlanTarget, address: string): NodeJS.ProcessEnv {
    return {
        PULUMI_NODEJS_MONITOR: address,
        PULUMI_NODEJS_ENGINE: address,
        PULUMI_NODEJS_PROJECT: target.config.project,
        PULUMI_NODEJS_STACK: target.config.stack,
        PULUMI_NODEJS_DRY_RUN: "true",
        // The plan has no organization, as under the mocks it replaced; and no config of the user's shell.
        PULUMI_NODEJS_ORGANIZATION: undefined,
        PULUMI_CONFIG: undefined,
        PULUMI_CONFIG_SECRET_KEYS: undefined,
    };
}

/**
 * Each resource at its declaring line: the n-th registration of a `type::name` at its n-th
 * declaration (as the runner saw them; a line misplaced by the program decides nothing), a
 * default provider at its package's config.
 */
function located(resources: readonly Omit<RecordedResource, "location">[], locations: Record<string, SourceLocation[]>, configFile: string | undefined): RecordedResource[] {
    const used = new Map<string, number>();
    return resources.map((r) => {
        if (r.defaultProvider) {
            const where = defaultProviderLocation(configFile, r.type.slice("pulumi:providers:".length));
            return where ? { ...r, location: where } : r;
        }
        const key = `${r.type}::${r.name}`;
        const n = used.get(key) ?? 0;
        used.set(key, n + 1);
        const where = Object.hasOwn(locations, key) ? locations[key][n] : undefined;
        return where ? { ...r, location: where } : r;
    });
}

/** The runner's last message as RunnerDone; any other shape is a failed program (never a result). */
function runnerDone(v: unknown): RunnerDone {
    const d = (v ?? {}) as Record<string, unknown>;
    if (d.ok === true && isLocations(d.locations)) return { ok: true, locations: d.locations };
    if (d.ok === false && typeof d.error === "string") return { ok: false, error: d.error };
    return { ok: false, error: "the program process sent a malformed last message" };
}

function isLocation(v: unknown): v is SourceLocation {
    const l = v as Record<string, unknown> | null;
    return l !== null && typeof l === "object" && typeof l.file === "string" && typeof l.line === "number" && typeof l.column === "number";
}

function isLocations(v: unknown): v is Record<string, SourceLocation[]> {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
    return Object.values(v).every((list) => Array.isArray(list) && list.every(isLocation));
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
