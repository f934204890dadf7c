/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs (analyzer_pb) have no TypeScript types */
/**
 * A client for a policy pack's analyzer server, built on the gRPC stubs @pulumi/pulumi ships
 * (the same protocol the Pulumi engine speaks): GetAnalyzerInfo, Configure, Analyze, AnalyzeStack.
 */
import * as grpc from "@grpc/grpc-js";
import { RecordedResource } from "./resource";
/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface Diagnostic {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    /** The resource the finding is about (stack policies name it; resource policies: the analyzed one). */
    readonly urn: string;
}

export interface NotApplicable {
    readonly policyName: string;
    readonly reason: string;
    /** The analyzed resource, or undefined for the stack analysis. */
    readonly urn?: string;
}

export interface PolicyDescription {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: unknown;
}

export interface AnalyzerInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: PolicyDescription[];
    readonly initialConfig: Record<string, unknown>;
}

/** Policy config as `pulumi preview --policy-pack-config` takes it: per policy, a level and/or properties. */
export type PolicyPackConfig = Record<string, { enforcementLevel?: EnforcementLevel; [k: string]: unknown } | EnforcementLevel>;

export interface AnalysisResult {
    readonly diagnostics: Diagnostic[];
    readonly notApplicable: NotApplicable[];
}

function unary<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function readDiagnostics(res: any, fallbackUrn: string | undefined): Diagnostic[] {
    return res.getDiagnosticsList().map((d: any) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        message: d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()],
        urn: d.getUrn() || fallbackUrn || "",
    }));
}

function readNotApplicable(res: any, urn: string | undefined): NotApplicable[] {
    return res.getNotApplicableList().map((n: any) => ({ policyName: n.getPolicyName(), reason: n.getReason(), urn }));
}

export class AnalyzerClient {
    private readonly client: any;

    constructor(port: number) {
        this.client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
    }

    close(): void {
        this.client.close();
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info: any = await unary(this.client, "getAnalyzerInfo", new emptyproto.Empty());
        const initialConfig: Record<string, unknown> = {};
        info.getInitialconfigMap().forEach((v: any, k: string) => {
            initialConfig[k] = { enforcementLevel: LEVELS[v.getEnforcementlevel()], ...(v.getProperties()?.toJavaScript() ?? {}) };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            initialConfig,
            policies: info.getPoliciesList().map((p: any) => ({
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                configSchema: p.getConfigschema()?.getProperties()?.toJavaScript(),
            })),
        };
    }

    /**
     * Sends the whole policy config, as the engine does before analysis. Like the engine, a
     * policy without a configured level gets its own default level (the server would otherwise
     * read the proto default, advisory).
     */
    async configure(config: PolicyPackConfig, info: AnalyzerInfo): Promise<void> {
        const req = new analyzerproto.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [policy, value] of Object.entries(config)) {
            const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : value;
            const level = enforcementLevel ?? info.policies.find((p) => p.name === policy)?.enforcementLevel ?? "advisory";
            if (!LEVELS.includes(level)) throw new Error(`policy config for '${policy}': enforcementLevel '${level}' is not one of ${LEVELS.join(", ")}`);
            const pc = new analyzerproto.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(level));
            pc.setProperties(structproto.Struct.fromJavaScript(properties));
            map.set(policy, pc);
        }
        await unary(this.client, "configure", req);
    }

    async analyze(r: RecordedResource, providers: ReadonlyMap<string, RecordedResource>): Promise<AnalysisResult> {
        const req = new analyzerproto.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(toStruct(r.inputs));
        req.setOptions(options(r));
        const provider = r.provider ? providers.get(r.provider) : undefined;
        if (provider) req.setProvider(providerResource(provider));
        const res = await unary(this.client, "analyze", req);
        return { diagnostics: readDiagnostics(res, r.urn), notApplicable: readNotApplicable(res, r.urn) };
    }

    async analyzeStack(resources: readonly RecordedResource[], providers: ReadonlyMap<string, RecordedResource>): Promise<AnalysisResult> {
        const req = new analyzerproto.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const a = new analyzerproto.AnalyzerResource();
                a.setType(r.type);
                a.setName(r.name);
                a.setUrn(r.urn);
                a.setProperties(toStruct(r.inputs));
                a.setOptions(options(r));
                if (r.parent) a.setParent(r.parent);
                const provider = r.provider ? providers.get(r.provider) : undefined;
                if (provider) a.setProvider(providerResource(provider));
                return a;
            }),
        );
        const res = await unary(this.client, "analyzeStack", req);
        return { diagnostics: readDiagnostics(res, undefined), notApplicable: readNotApplicable(res, undefined) };
    }
}

/**
 * Properties as JSON carries them (no `undefined`), the shape the engine's Struct has. Built
 * once per recorded input object: Analyze, AnalyzeStack and a second pass reuse it (building
 * Structs is most of the client's cost at 10,000 resources).
 */
const structs = new WeakMap<object, any>();
function toStruct(inputs: Record<string, unknown>): any {
    let s = structs.get(inputs);
    if (!s) {
        s = structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(inputs)));
        structs.set(inputs, s);
    }
    return s;
}

function options(r: RecordedResource): any {
    const o = new analyzerproto.AnalyzerResourceOptions();
    if (r.parent) o.setParent(r.parent);
    return o;
}

const providerProtos = new WeakMap<object, any>();
function providerResource(p: RecordedResource): any {
    const cached = providerProtos.get(p);
    if (cached) return cached;
    const pr = new analyzerproto.AnalyzerProviderResource();
    pr.setType(p.type);
    pr.setName(p.name);
    pr.setUrn(p.urn);
    pr.setProperties(toStruct(p.inputs));
    providerProtos.set(p, pr);
    return pr;
}
