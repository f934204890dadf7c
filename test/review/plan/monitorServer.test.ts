/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs and protobuf messages have no TypeScript types */
/**
 * The plan's own resource monitor, spoken to as a program's SDK speaks to it (the SDK's generated
 * clients): it answers as Pulumi's mock monitor does, records what the engine would, and refuses
 * what it cannot trust.
 */
import * as grpc from "@grpc/grpc-js";
import { MonitorServer, startMonitorServer } from "../../../review/plan/monitorServer";
import { ProgramConfig } from "../../../review/plan/recorded";
/* eslint-disable @typescript-eslint/no-require-imports */
const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = require("@pulumi/pulumi/proto/engine_pb");
const callbackProto = require("@pulumi/pulumi/proto/callback_pb");
const structProto = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const CONFIG: ProgramConfig = { project: "demo", stack: "test", values: { "docker:host": "tcp://winhost:2376" }, secretKeys: [], placeholders: [] };
const STACK_URN = "urn:pulumi:test::demo::pulumi:pulumi:Stack::demo-test";

let server: MonitorServer;
let monitor: any;
let engine: any;
beforeEach(async () => {
    server = await startMonitorServer(CONFIG, "/nonexistent-program");
    monitor = new resourceRpc.ResourceMonitorClient(server.address, grpc.credentials.createInsecure());
    engine = new engineRpc.EngineClient(server.address, grpc.credentials.createInsecure());
});
afterEach(() => {
    monitor.close();
    engine.close();
    server.abort();
});

const call = (client: any, method: string, req: any): Promise<any> => new Promise((resolve, reject) => client[method](req, (err: Error | null, r: any) => (err ? reject(err) : resolve(r))));

function registration(type: string, name: string, opts: { parent?: string; custom?: boolean; inputs?: Record<string, unknown> } = {}): any {
    const req = new resourceProto.RegisterResourceRequest();
    req.setType(type);
    req.setName(name);
    req.setParent(opts.parent ?? "");
    req.setCustom(opts.custom ?? false);
    req.setObject(structProto.Struct.fromJavaScript(opts.inputs ?? {}));
    return req;
}

/** The program exits: its clients close, and the plan takes what arrived. */
async function exitProgram() {
    const result = server.finish();
    monitor.close();
    engine.close();
    return result;
}

test("registrations are answered as the mock monitor answers them and recorded with the default provider the engine adds", async () => {
    const stack = await call(monitor, "registerResource", registration("pulumi:pulumi:Stack", "demo-test"));
    const inputs = { name: "svc", taskSpec: { containerSpec: { isolation: "process" } } };
    const svc = await call(monitor, "registerResource", registration("docker:index/service:Service", "svc", { parent: STACK_URN, custom: true, inputs }));
    expect([stack.getUrn(), stack.getId()]).toEqual([STACK_URN, "demo-test-id"]);
    expect([svc.getUrn(), svc.getId(), svc.getObject().toJavaScript()]).toEqual(["urn:pulumi:test::demo::pulumi:pulumi:Stack$docker:index/service:Service::svc", "svc-id", inputs]);
    const result = await exitProgram();
    expect(result.failure).toBeUndefined();
    expect(result.resources.map((r) => [r.type, r.name, r.provider])).toEqual([
        ["pulumi:pulumi:Stack", "demo-test", undefined],
        ["pulumi:providers:docker", "default", undefined],
        ["docker:index/service:Service", "svc", "urn:pulumi:test::demo::pulumi:providers:docker::default"],
    ]);
    expect(result.resources[1].inputs).toEqual({ host: "tcp://winhost:2376" });
});

test("features: transforms and invoke transforms claimed (applied, refused by name), output values and unknown features not", async () => {
    const supports = async (id: string) => (await call(monitor, "supportsFeature", new resourceProto.SupportsFeatureRequest().setId(id))).getHassupport();
    expect(await Promise.all(["transforms", "invokeTransforms", "secrets", "outputValues", "no-such-feature"].map(supports))).toEqual([true, true, true, false, false]);
    expect((await exitProgram()).failure).toBeUndefined();
});

test("a call that starts once the program has exited is refused: the plan fails", async () => {
    await call(monitor, "registerResource", registration("pulumi:pulumi:Stack", "demo-test"));
    const result = server.finish();
    await call(monitor, "registerResource", registration("docker:index/service:Service", "after", { parent: STACK_URN, custom: true }));
    monitor.close();
    engine.close();
    expect((await result).failure).toMatch(/1 call\(s\) reached the plan's monitor after the program process had exited/);
});

test("an error the program logs fails the plan with its words; a warning does not", async () => {
    await call(engine, "log", new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.WARNING).setMessage("just a warning"));
    await call(engine, "log", new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.ERROR).setMessage("the program broke"));
    expect((await exitProgram()).failure).toBe("the program broke");
});

test("a stack transform served anywhere but 127.0.0.1 is refused, before the plan would call it", async () => {
    const cb = new callbackProto.Callback().setTarget("203.0.113.7:4000").setToken("t");
    await expect(call(monitor, "registerStackTransform", cb)).rejects.toThrow(/the SDK serves its callbacks on 127.0.0.1/);
    expect((await exitProgram()).failure).toMatch(/a transform callback at "203.0.113.7:4000"/);
});

test("a transform whose program is gone fails the registration and the plan", async () => {
    // A port nothing listens on: the program's callback server died with it.
    const gone = await startMonitorServer(CONFIG, "/nonexistent-program");
    const port = gone.address.split(":")[1];
    gone.abort();
    await call(monitor, "registerStackTransform", new callbackProto.Callback().setTarget(`127.0.0.1:${port}`).setToken("t"));
    await expect(call(monitor, "registerResource", registration("docker:index/service:Service", "svc", { custom: true }))).rejects.toThrow(/transform of docker:index\/service:Service 'svc' failed/);
    expect((await exitProgram()).failure).toMatch(/transform of docker:index\/service:Service 'svc' failed/);
});

test("invokes answer nothing known, never the arguments back", async () => {
    const provider = require("@pulumi/pulumi/proto/provider_pb"); // eslint-disable-line @typescript-eslint/no-require-imports
    const req = new resourceProto.ResourceInvokeRequest().setTok("docker:index/getNetwork:getNetwork").setArgs(structProto.Struct.fromJavaScript({ isolation: "hyperv" }));
    const resp = await call(monitor, "invoke", req);
    expect(resp).toBeInstanceOf(provider.InvokeResponse);
    expect(resp.getReturn().toJavaScript()).toEqual({});
    expect((await exitProgram()).failure).toBeUndefined();
});
