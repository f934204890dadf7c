/* eslint-disable @typescript-eslint/no-require-imports -- the program's own copy of the Pulumi SDK, loaded at run time */
/**
 * Child process: runs one Pulumi program with its SDK pointed at the plan's own monitor
 * (monitorServer.ts, in the plan's process; the address comes in PULUMI_NODEJS_MONITOR as the
 * Pulumi CLI passes the engine's). Everything the plan judges is what reaches that monitor; this
 * process keeps only what decides no verdict, sent over IPC (RunnerMessage): where each
 * resource is declared, the secrets the program passes to pulumi.secret (cut from its own error
 * text) and the program's error. Run by the plan tool with `node -r typescriptHook`, so a
 * crashing program only ends this process. Usage: runProgram.ts <request.json>
 */
import * as fs from "fs";
import * as path from "path";
import { declaringLine } from "./declaringLine";
import { SourceLocation } from "../analyzer/resource";
import { ProgramConfig, RunnerDone, RunnerMessage } from "./recorded";
import { secretLeaves } from "./secrets";

interface RunRequest {
    readonly programDir: string;
    readonly config: ProgramConfig;
}

// The SDK formats a stack for every promise it makes (runtime/debuggable.js, only for its
// leaked-promise message), about a fifth of this process's CPU on a large program. Nothing here
// reads those stacks: the plan takes only the program's error message, the declaring lines come
// from declaringLine's own capture, and the SDK's source positions set their own limit.
Error.stackTraceLimit = 0;

const [requestFile] = process.argv.slice(2);
if (!process.send) {
    console.error("runProgram: start it with an IPC channel (the plan forks it); it sends the program's declaring lines and error over that channel");
    process.exit(2);
}
const channel = process.send.bind(process) as (message: RunnerMessage, callback?: (err: Error | null) => void) => boolean;
/** Set by `finish`: the last message is the last (a failed program may still be registering while it goes out). */
let finished = false;
function send(message: RunnerMessage): void {
    if (!finished) channel(message);
}
const request = JSON.parse(fs.readFileSync(requestFile, "utf8")) as RunRequest;
const programDir = path.resolve(request.programDir);
// The program's own copy of the Pulumi SDK: the one its resources register through.
const fromProgram = (id: string) => require(require.resolve(id, { paths: [programDir, __dirname] }));
const pulumi: typeof import("@pulumi/pulumi") = fromProgram("@pulumi/pulumi");

/** Per `type::name`, the declaring line of each of its registrations, in order. */
const locations: Record<string, SourceLocation[]> = {};
let failure: string | undefined;

function fail(err: unknown): void {
    // The program's own message only: a stack trace through the Pulumi runtime helps nobody.
    const message = err instanceof Error ? err.message : String(err);
    failure ??= message;
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

/**
 * Values the program passes to pulumi.secret: the plan cuts them out of what it prints, the
 * program's error message included. Each is sent as soon as it is known, for a program that
 * ends this process before its last message (the plan then prints its last stderr line).
 */
const secrets = new Set<string>();
function noteSecrets(values: readonly string[]): void {
    const fresh = values.filter((v) => !secrets.has(v));
    for (const v of fresh) secrets.add(v);
    if (fresh.length > 0) send({ secrets: fresh });
}

/** The last message, handed to the channel before the process exits (a queued message would be lost). */
function finish(done: RunnerDone): void {
    if (finished) return;
    finished = true;
    channel({ done }, () => process.exit(done.ok ? 0 : 3));
}

async function main(): Promise<void> {
    for (const mod of [pulumi, fromProgram("@pulumi/pulumi/output")]) {
        const secret = mod.secret;
        mod.secret = (value: unknown) => {
            const out = secret(value);
            out.apply((v: unknown) => noteSecrets(secretLeaves(v)));
            return out;
        };
    }
    pulumi.runtime.setAllConfig(request.config.values, request.config.secretKeys);
    // With an engine the SDK sends it three debug lines per resource, one at a time (each waits
    // for the last): three quarters of a large program's calls, which the engine shows only at
    // --debug and the plan never shows. They decide nothing, so they stay in this process.
    fromProgram("@pulumi/pulumi/log").debug = () => Promise.resolve();

    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(function locate(args) {
            const where = declaringLine(programDir, locate);
            if (where) (locations[`${args.type}::${args.name}`] ??= []).push(where);
            return undefined;
        });
        const mod = require(programDir);
        return mod instanceof Function ? await mod() : mod;
    });
    if (failure) return finish({ ok: false, error: failure });
    endWhenDrained();
}

/**
 * A real run does not end when the stack's callback resolves: Node's event loop drains first
 * (@pulumi/pulumi cmd/run/index.js ends a run from its last `beforeExit` handler), so a timer or a
 * `beforeExit` handler of the program may still register resources, and the engine sees them. So
 * the runner ends at a `beforeExit` that follows a previous one with no RPC started in between,
 * and only then closes its connections: every registration answered. A program that keeps
 * registering, or keeps the event loop busy, runs into the plan's --timeout.
 */
function endWhenDrained(): void {
    const settings = fromProgram("@pulumi/pulumi/runtime/settings");
    const store = fromProgram("@pulumi/pulumi/runtime/state").getStore();
    let seen: unknown;
    let ending = false;
    const onIdle = async () => {
        if (ending || finished) return;
        if (failure) return finish({ ok: false, error: failure });
        if (seen !== store.settings.rpcDone) {
            // Something started since the last idle loop: wait for it, then for the loop to empty again.
            seen = store.settings.rpcDone;
            await settings.waitForRPCs();
            setImmediate(() => undefined);
            return;
        }
        ending = true;
        await settings.disconnect();
        if (failure) return finish({ ok: false, error: failure });
        finish({ ok: true, locations });
    };
    process.on("beforeExit", () => void onIdle());
    // Also when the loop is already empty: the next turn then comes to `beforeExit`.
    setImmediate(() => undefined);
}

main().catch((err) => {
    fail(err);
    finish({ ok: false, error: failure ?? "the program failed" });
});
