/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs and protobuf messages have no TypeScript types */
/**
 * The plan's own resource monitor and engine: a gRPC server on 127.0.0.1 in the plan's process,
 * which Pulumi's runtime in the program's process is pointed at (`--monitor` / `--engine`) as the
 * Pulumi CLI points it at the real engine. What the plan judges is what arrives here
 * (planRecorder.ts): nothing the program does inside its own process can take a registration
 * back. The engine side receives what the CLI receives: the program's errors and messages
 * (Engine.Log; an error fails the plan, debug lines are answered at once and dropped) and the end
 * of the program (SignalAndWaitForShutdown). Connections are accepted on our own socket and
 * handed to gRPC, so the plan knows when the program's last connection has closed, i.e. when
 * everything it wrote has been read.
 */
import * as grpc from "@grpc/grpc-js";
import * as net from "net";
import { RecordedResource } from "../analyzer/resource";
import { CallTracker } from "./callTracker";
import { PlanRecorder } from "./planRecorder";
import { programErrorText } from "./programError";
import { ProgramConfig } from "./recorded";
/* eslint-disable @typescript-eslint/no-require-imports */
const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = require("@pulumi/pulumi/proto/engine_pb");
const structProto = require("google-protobuf/google/protobuf/struct_pb");
const emptyProto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The SDK's own limit (runtime/settings.js maxRPCMessageSize): a large program's requests fit. */
const MAX_MESSAGE = 1024 * 1024 * 400;

/**
 * What the server claims, each feature the SDK asks (runtime/settings.js awaitFeatureSupport).
 * As the mock monitor, except that transforms and invoke transforms are claimed because this
 * server applies the former and refuses the latter by name; outputValues is not (it answers the
 * inputs as plain state). Exported for bench:plan's runtime floor, which answers the same.
 */
export const MONITOR_FEATURES: Readonly<Record<string, boolean>> = {
    secrets: true,
    resourceReferences: true,
    outputValues: false,
    deletedWith: true,
    replaceWith: true,
    aliasSpecs: true,
    transforms: true,
    invokeTransforms: true,
    parameterization: true,
    resourceHooks: true,
    errorHooks: true,
};

/** The result of a run, taken once the runner has exited. `failure`: why the plan cannot judge it. */
export interface MonitorResult {
    readonly resources: RecordedResource[];
    readonly outputs: Record<string, unknown>;
    readonly secrets: string[];
    readonly failure?: string;
    /** Pulumi's runtime called SignalAndWaitForShutdown: the program ran to its end (cmd/run's last `beforeExit`). */
    readonly shutdownSignalled: boolean;
}

export interface MonitorServer {
    /** 127.0.0.1:<port>, serving both the ResourceMonitor and the Engine. */
    readonly address: string;
    readonly registered: () => number;
    /** The runner has exited: every call that starts from now on is refused (fails the plan). */
    runnerExited(): void;
    /** After the runner has exited: refuses anything more, waits for what it sent, and stops. */
    finish(): Promise<MonitorResult>;
    /** Stops at once (a timed-out or failed run: nothing it received is judged). */
    abort(): void;
}

type Handler = (request: any) => any;

export async function startMonitorServer(config: ProgramConfig, programDir: string, onProgress?: (registered: number) => void): Promise<MonitorServer> {
    const recorder = new PlanRecorder(config, programDir, onProgress);
    const calls = new CallTracker();
    // Channelz (per-call tracking for gRPC's admin service) costs a share of every call and nobody asks it.
    const server = new grpc.Server({ interceptors: [calls.interceptor], "grpc.enable_channelz": 0, "grpc.max_receive_message_length": MAX_MESSAGE, "grpc.max_send_message_length": MAX_MESSAGE });
    let running = 0;
    let idle: (() => void) | undefined;
    /** Each handler, counted while it runs; what throws fails the program and is its answer. */
    const unary =
        (handle: Handler) =>
        (call: { request: any }, callback: (err: Error | null, response?: any) => void): void => {
            running++;
            Promise.resolve()
                .then(() => handle(call.request))
                .then(
                    (response) => callback(null, response),
                    (err: unknown) => {
                        const message = err instanceof Error ? err.message : String(err);
                        recorder.fail(message);
                        callback(Object.assign(new Error(message), { code: grpc.status.FAILED_PRECONDITION }));
                    },
                )
                .finally(() => {
                    running--;
                    if (running === 0) idle?.();
                });
        };
    let rootUrn = "";
    let shutdownSignalled = false;
    const empty = () => new emptyProto.Empty();
    const emptyAnswer = empty();
    const nothingKnown = () => new structProto.Struct();
    server.addService(resourceRpc.ResourceMonitorService, {
        supportsFeature: unary((req) => new resourceProto.SupportsFeatureResponse().setHassupport(MONITOR_FEATURES[req.getId()] === true)),
        registerResource: unary(async (req) => {
            const r = await recorder.register(req);
            const resp = new resourceProto.RegisterResourceResponse();
            resp.setUrn(r.urn);
            resp.setId(r.id);
            resp.setObject(r.object ?? nothingKnown());
            return resp;
        }),
        registerResourceOutputs: unary((req) => {
            recorder.registerOutputs(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
            return empty();
        }),
        readResource: unary((req) => {
            // A read's state is what the provider reads from the real resource at preview and deploy,
            // which the plan cannot ask: nothing is known, never the state the program passed in (a
            // program could plant isolation 'hyperv' there for a service deployed process-isolated
            // and feed it to another resource; the mock monitor echoes it back).
            const resp = new resourceProto.ReadResourceResponse();
            resp.setUrn(recorder.newUrn(req.getParent(), req.getType(), req.getName()));
            resp.setProperties(nothingKnown());
            return resp;
        }),
        invoke: unary((req) => {
            // An invoke's result is what its provider returns at deploy, which the plan cannot ask:
            // nothing is known, never the arguments echoed back (a program could put the value it
            // wants the plan to see, e.g. isolation 'hyperv', into an argument the provider ignores).
            const resp = new providerProto.InvokeResponse();
            if (req.getTok() === "pulumi:pulumi:getResource") {
                const urn = req.getArgs()?.toJavaScript()?.urn;
                const known = typeof urn === "string" ? recorder.stateOf(urn) : undefined;
                if (!known) throw new Error(`unknown resource ${String(urn)}`);
                resp.setReturn(structProto.Struct.fromJavaScript(known));
            } else {
                resp.setReturn(nothingKnown());
            }
            return resp;
        }),
        call: unary(() => new providerProto.CallResponse().setReturn(nothingKnown())),
        registerStackTransform: unary((req) => {
            const refused = recorder.transforms.registerStackTransform(req);
            if (refused) throw new Error(refused);
            return empty();
        }),
        registerStackInvokeTransform: unary(() => {
            recorder.registerStackInvokeTransform();
            return empty();
        }),
        // Hooks run around deploy steps and change no inputs; the plan takes them and runs none.
        registerResourceHook: unary(() => empty()),
        registerErrorHook: unary(() => empty()),
        registerPackage: unary(() => new resourceProto.RegisterPackageResponse().setRef("mock-uuid")),
        // The runtime's last call of a successful run (cmd/run index.js, at the last `beforeExit`):
        // the engine answers once its own work is done; the plan has none left.
        signalAndWaitForShutdown: unary(() => {
            shutdownSignalled = true;
            return empty();
        }),
    });
    const ERROR = engineProto.LogSeverity.ERROR;
    server.addService(engineRpc.EngineService, {
        log: (call: { request: any }, callback: (err: null, response: any) => void): void => {
            // The SDK sends a few debug lines per resource, each waiting for the last: answered at
            // once, outside the counted handlers (they decide nothing; the CLI shows them only at --debug).
            // An error logged fails `pulumi preview`; so it fails the plan, with the program's words.
            // Info and warning lines are the program's console, not part of the plan's report.
            if (call.request.getSeverity() === ERROR) recorder.fail(programErrorText(call.request.getMessage()));
            callback(null, emptyAnswer);
        },
        getRootResource: unary(() => new engineProto.GetRootResourceResponse().setUrn(rootUrn)),
        setRootResource: unary((req) => {
            rootUrn = req.getUrn();
            return new engineProto.SetRootResourceResponse();
        }),
    });

    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const sockets = new Set<net.Socket>();
    let allClosed: (() => void) | undefined;
    let accepting = true;
    const listener = net.createServer((socket) => {
        if (!accepting) {
            calls.close();
            socket.destroy();
            return;
        }
        sockets.add(socket);
        socket.once("close", () => {
            sockets.delete(socket);
            if (sockets.size === 0) allClosed?.();
        });
        injector.injectConnection(socket);
    });
    await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = listener.address() as net.AddressInfo;

    let stopped = false;
    const stop = () => {
        if (stopped) return;
        stopped = true;
        accepting = false;
        listener.close();
        for (const s of sockets) s.destroy();
        injector.destroy();
        server.forceShutdown();
        recorder.transforms.close();
    };
    const runnerExited = () => {
        calls.close();
        accepting = false;
    };
    return {
        address: `127.0.0.1:${port}`,
        registered: () => recorder.resources.length,
        runnerExited,
        async finish() {
            runnerExited();
            // Everything the runner wrote is read once its connections have closed (it has exited).
            if (sockets.size > 0) await new Promise<void>((resolve) => (allClosed = resolve));
            // A handler may still be calling a transform back in the dead program: that fails it.
            if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
            stop();
            const problem = calls.problem();
            return {
                resources: recorder.resources,
                outputs: recorder.outputs,
                secrets: [...recorder.secrets],
                failure: recorder.failure ?? problem,
                shutdownSignalled,
            };
        },
        abort: stop,
    };
}
