/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports -- gRPC stubs have no types; modules load from the built package */
/**
 * bench:plan's runtime floor: the same program under the same Pulumi runtime the plan uses
 * (`@pulumi/pulumi/cmd/run`, the arguments and environment of review/plan/languageHost.ts), against
 * the cheapest engine side that answers it as the plan's monitor does: the same features, the URN
 * as the plan computes it, id `<name>-id`, the inputs as the state, debug lines dropped, and
 * nothing else (no recording, transforms, default providers, secrets, PID namespace, policy pack
 * or report). So plan/runtime-floor measures only what the plan adds to running the program.
 * bench/plan.ts transpiles this file to JavaScript and runs it with plain node (no ts-node in the
 * floor's process); everything of ours it uses comes from build/.
 * Usage: node runtimeFloor.js <repository root> <program dir> <stack>; prints {"registered": N}.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as Grpc from "@grpc/grpc-js";
import type * as LanguageHost from "../review/plan/languageHost";
import type * as Project from "../review/plan/project";
import type * as Aliases from "../review/plan/aliases";
import type * as Monitor from "../review/plan/monitorServer";

const [root, programDir, stack] = process.argv.slice(2);
const fromRoot = (m: string): any => require(require.resolve(m, { paths: [root] }));
const built = (m: string): any => require(path.join(root, "build", "review", "plan", m));

const grpc = fromRoot("@grpc/grpc-js") as typeof Grpc;
const resourceRpc = fromRoot("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = fromRoot("@pulumi/pulumi/proto/resource_pb");
const providerProto = fromRoot("@pulumi/pulumi/proto/provider_pb");
const engineRpc = fromRoot("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = fromRoot("@pulumi/pulumi/proto/engine_pb");
const structProto = fromRoot("google-protobuf/google/protobuf/struct_pb");
const emptyProto = fromRoot("google-protobuf/google/protobuf/empty_pb");
const { languageHostLaunch } = built("languageHost") as typeof LanguageHost;
const { resolveTarget } = built("project") as typeof Project;
const { planUrn } = built("aliases") as typeof Aliases;
const { MONITOR_FEATURES } = built("monitorServer") as typeof Monitor;

async function main(): Promise<number> {
    const target = resolveTarget({ program: programDir, stack, cwd: process.cwd() });
    const { project } = target.config;
    const states = new Map<string, any>();
    let registered = 0;
    let rootUrn = "";
    const empty = () => new emptyProto.Empty();
    const nothingKnown = () => new structProto.Struct();
    const unary = (handle: (req: any) => any) => (call: { request: any }, cb: (e: null, r: any) => void) => cb(null, handle(call.request));
    const server = new grpc.Server({ "grpc.enable_channelz": 0, "grpc.max_receive_message_length": 400 << 20, "grpc.max_send_message_length": 400 << 20 });
    server.addService(resourceRpc.ResourceMonitorService, {
        supportsFeature: unary((req) => new resourceProto.SupportsFeatureResponse().setHassupport(MONITOR_FEATURES[req.getId()] === true)),
        registerResource: unary((req) => {
            registered++;
            const name: string = req.getName();
            const type: string = req.getType();
            const urn = planUrn(target.config.stack, project, req.getParent(), type, name);
            const object = req.getObject() ?? nothingKnown();
            states.set(urn, object);
            return new resourceProto.RegisterResourceResponse()
                .setUrn(urn)
                .setId(type.startsWith("pulumi:providers:") ? `${name}-provider-id` : `${name}-id`)
                .setObject(object);
        }),
        registerResourceOutputs: unary(() => empty()),
        readResource: unary((req) => new resourceProto.ReadResourceResponse().setUrn(planUrn(target.config.stack, project, req.getParent(), req.getType(), req.getName())).setProperties(nothingKnown())),
        invoke: unary((req) => {
            const urn = req.getTok() === "pulumi:pulumi:getResource" ? req.getArgs()?.toJavaScript()?.urn : undefined;
            return new providerProto.InvokeResponse().setReturn(states.get(urn) ?? nothingKnown());
        }),
        call: unary(() => new providerProto.CallResponse().setReturn(nothingKnown())),
        registerStackTransform: unary(() => empty()),
        registerStackInvokeTransform: unary(() => empty()),
        registerResourceHook: unary(() => empty()),
        registerErrorHook: unary(() => empty()),
        registerPackage: unary(() => new resourceProto.RegisterPackageResponse().setRef("mock-uuid")),
        signalAndWaitForShutdown: unary(() => empty()),
    });
    server.addService(engineRpc.EngineService, {
        log: unary(() => empty()),
        getRootResource: unary(() => new engineProto.GetRootResourceResponse().setUrn(rootUrn)),
        setRootResource: unary((req) => {
            rootUrn = req.getUrn();
            return new engineProto.SetRootResourceResponse();
        }),
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const launch = languageHostLaunch(target, `127.0.0.1:${port}`);
    const child = spawn("node", launch.args, { cwd: target.programDir, env: launch.env, stdio: ["ignore", "ignore", "inherit"] });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    server.forceShutdown();
    fs.rmSync(launch.syncDir, { recursive: true, force: true });
    console.log(JSON.stringify({ registered }));
    return code ?? 2;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`runtimeFloor: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
    },
);
