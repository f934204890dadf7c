/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports -- the mock monitor and its protobuf requests are untyped runtime internals, loaded from the program's own SDK */
/**
 * Child process: runs one Pulumi program under Pulumi's own mock monitor and records every
 * registration exactly as the engine would receive it (the serialized request), sent to the plan
 * over IPC as it is registered (see RunnerMessage). Run by the plan tool with
 * `node -r typescriptHook`, so a crashing program only ends this process. Usage: runProgram.ts <request.json>
 */
import * as fs from "fs";
import * as path from "path";
import { declaringLine } from "./declaringLine";
import { defaultProvider, defaultProviderDisabled, defaultProviderLocation, defaultProviderName, disabledDefaultProviderMessage } from "./defaultProvider";
import { installEngineTransforms } from "./engineTransforms";
import { RecordedResource, SourceLocation } from "../analyzer/resource";
import { ignoredJudgedChanges } from "./ignoredChanges";
import { ProgramConfig, RunnerDone, RunnerMessage } from "./recorded";
import { secretLeaves, secretValues } from "./secrets";

interface RunRequest {
    readonly programDir: string;
    readonly config: ProgramConfig;
    /** Pulumi.<stack>.yaml: where a default provider's settings come from. */
    readonly configFile?: string;
}

const INVOKE_TRANSFORM_REFUSED =
    "the program calls pulumi.runtime.registerInvokeTransform: the engine would rewrite provider function calls (invokes) with it, and the plan cannot apply that, since it answers invokes from mocks without any provider; judge this program with `pulumi preview --policy-pack policy` instead";

const [requestFile] = process.argv.slice(2);
if (!process.send) {
    console.error("runProgram: start it with an IPC channel (the plan forks it); it sends everything it records over that channel");
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
// The program's own copy of the Pulumi SDK: mocks set on another copy would not see its resources.
const fromProgram = (id: string) => require(require.resolve(id, { paths: [programDir, __dirname] }));
const pulumi: typeof import("@pulumi/pulumi") = fromProgram("@pulumi/pulumi");
/** The gRPC library and stubs of that same SDK copy (credentials are checked by instance). */
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir, __dirname] }));
const fromSdk = (id: string) => require(require.resolve(id, { paths: [sdkDir] }));

/**
 * Per resource sent, only what its location needs (the resource itself is the plan's to keep):
 * the `type::name` key whose n-th declaring line it gets, or the package of a default provider.
 */
const sent: { readonly key: string; readonly defaultPackage?: string }[] = [];
const locations = new Map<string, SourceLocation[]>();
let failure: string | undefined;

function fail(err: unknown): void {
    // The program's own message only: a stack trace through the Pulumi runtime helps nobody.
    const message = err instanceof Error ? err.message : String(err);
    failure ??= message;
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

/**
 * Every secret the program has shown the plan: values in secret inputs and values it passed to
 * pulumi.secret. The plan cuts them out of what it prints, the program's error message included.
 * Each is also sent to the plan as soon as it is known, for a program that ends this process
 * before the result is written (the plan then prints its last stderr line).
 */
const secrets = new Set<string>();
function noteSecrets(values: readonly string[]): void {
    const fresh = values.filter((v) => !secrets.has(v));
    for (const v of fresh) secrets.add(v);
    if (fresh.length > 0) send({ secrets: fresh });
}

/** Sends one registration to the plan (its secrets first: they are cut from anything printed later). */
function record(r: Omit<RecordedResource, "location">): void {
    noteSecrets(secretValues([r as RecordedResource]));
    sent.push({ key: `${r.type}::${r.name}`, defaultPackage: r.defaultProvider ? r.type.slice("pulumi:providers:".length) : undefined });
    // Also the progress a program stopped by --timeout is reported with.
    send({ resource: r });
}

/** The last message, handed to the channel before the process exits (a queued message would be lost). */
function finish(done: RunnerDone): void {
    if (finished) return;
    finished = true;
    channel({ done }, () => process.exit(done.ok ? 0 : 3));
}

/** The URN of the engine's default provider for a package, recorded the first time it is used. */
const defaults = new Map<string, string>();
function defaultProviderFor(pkg: string, version: string): string {
    const key = `${pkg}@${version}`;
    if (defaults.has(key)) return defaults.get(key)!;
    let urn = defaults.get(key);
    if (!urn) {
        urn = settingsModule().getMonitor().newUrn("", `pulumi:providers:${pkg}`, defaultProviderName(version)) as string;
        defaults.set(key, urn);
        record(defaultProvider(urn, pkg, request.config, version));
    }
    return urn;
}
const settingsModule = () => fromProgram("@pulumi/pulumi/runtime/settings");

async function main(): Promise<void> {
    const { project, stack, values, secretKeys } = request.config;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: args.type.startsWith("pulumi:providers:") ? `${args.name}-provider-id` : `${args.name}-id`, state: args.inputs }),
            // An invoke's result is what its provider returns at deploy, which the plan cannot ask:
            // nothing is known, never the arguments echoed back (a program could put the value it
            // wants the plan to see, e.g. isolation 'hyperv', into an argument the provider ignores).
            call: () => ({}),
        },
        project,
        stack,
        true,
    );
    // Record the serialized request the engine (and so the analyzer) would receive.
    const settings = fromProgram("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        if (req.getRemote()) {
            // A remote component's children are registered by its provider plugin at preview and
            // deploy; the mocks never run it, so the plan would judge a component with nothing in it.
            fail(new Error(`${type} '${name}' is a remote component: its provider creates its resources, which the plan cannot run; judge this program with \`pulumi preview --policy-pack policy\` instead`));
        }
        let providerRef: string = req.getProvider();
        const custom: boolean = req.getCustom();
        const urn: string = monitor.newUrn(parent, type, name);
        const hidden = ignoredJudgedChanges(type, name, req.getIgnorechangesList());
        if (hidden) fail(new Error(hidden));
        if (custom && !providerRef && !type.startsWith("pulumi:providers:")) {
            const pkg = type.split(":")[0];
            try {
                if (defaultProviderDisabled(request.config, pkg)) fail(new Error(disabledDefaultProviderMessage(request.config, pkg, type, name)));
                else providerRef = `${defaultProviderFor(pkg, req.getVersion())}::default-id`;
            } catch (e) {
                fail(e);
            }
        }
        record({
            urn,
            type,
            name,
            custom,
            parent: parent || undefined,
            provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : undefined,
            inputs: req.getObject()?.toJavaScript() ?? {},
        });
        return original(req, callback);
    };
    // The engine runs transforms before anything sees the resource; so must the plan (outermost).
    installEngineTransforms(monitor, {
        grpc: fromSdk("@grpc/grpc-js"),
        callbackRpc: fromProgram("@pulumi/pulumi/proto/callback_grpc_pb"),
        callbackProto: fromProgram("@pulumi/pulumi/proto/callback_pb"),
        resourceProto: fromProgram("@pulumi/pulumi/proto/resource_pb"),
        emptyProto: fromSdk("google-protobuf/google/protobuf/empty_pb"),
    });
    // setMocks tells the SDK the monitor has no transforms; this one applies them as the engine does.
    const store = fromProgram("@pulumi/pulumi/runtime/state").getStore();
    store.supportsTransforms = true;
    // Invoke transforms rewrite provider function calls, which the mocks answer without any
    // provider: the plan cannot apply one as the engine would, so it refuses the program by name
    // (instead of the SDK's misleading "the Pulumi CLI does not support transforms").
    store.supportsInvokeTransforms = true;
    monitor.registerStackInvokeTransform = (_cb: any, callback: any) => {
        fail(new Error(INVOKE_TRANSFORM_REFUSED));
        callback(null, new (fromSdk("google-protobuf/google/protobuf/empty_pb").Empty)());
    };
    // A value the program makes secret is a secret wherever it goes next, an error message included.
    for (const mod of [pulumi, fromProgram("@pulumi/pulumi/output")]) {
        const secret = mod.secret;
        mod.secret = (value: unknown) => {
            const out = secret(value);
            out.apply((v: unknown) => noteSecrets(secretLeaves(v)));
            return out;
        };
    }
    pulumi.runtime.setAllConfig(values, secretKeys);

    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(function locate(args) {
            const where = declaringLine(programDir, locate);
            if (where) {
                const key = `${args.type}::${args.name}`;
                const seen = locations.get(key);
                if (seen) seen.push(where);
                else locations.set(key, [where]);
            }
            return undefined;
        });
        const mod = require(programDir);
        return mod instanceof Function ? await mod() : mod;
    });
    await settings.waitForRPCs?.();
    if (failure) return finish({ ok: false, count: sent.length, error: failure });
    // The n-th registration of a type::name is its n-th declaration.
    const used = new Map<string, number>();
    const where = sent.map(({ key, defaultPackage }) => {
        const n = used.get(key) ?? 0;
        used.set(key, n + 1);
        return (defaultPackage ? defaultProviderLocation(request.configFile, defaultPackage) : locations.get(key)?.[n]) ?? null;
    });
    finish({ ok: true, count: sent.length, locations: where, outputs: JSON.parse(JSON.stringify(outputs ?? {})) });
}

main().catch((err) => {
    fail(err);
    finish({ ok: false, count: sent.length, error: failure ?? "the program failed" });
});
