/**
 * Runs a built policy pack the way `pulumi preview --policy-pack <dir>` does, minus the CLI:
 * `@pulumi/pulumi/cmd/run-policy-pack` loads the pack with the pack folder as working
 * directory, the pack serves Pulumi's Analyzer gRPC service on 127.0.0.1 and prints its port,
 * and the engine's calls (GetAnalyzerInfo, Analyze) are made here.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerInfo, AnalyzerResourceOptions, AnalyzeResponse, EnforcementLevel } from "@pulumi/pulumi/proto/analyzer_pb";

export interface PolicyPackInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: readonly { readonly name: string; readonly enforcementLevel: string }[];
}

export interface Diagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly enforcementLevel: string;
}

export interface RunningPolicyPack {
    info(): Promise<PolicyPackInfo>;
    /** One resource as the engine sends it to `Analyze` (type, name, URN, input properties). */
    analyze(resource: { type: string; name: string; properties: Record<string, unknown> }): Promise<Diagnostic[]>;
    stop(): void;
}

const LEVELS: Record<number, string> = Object.fromEntries(Object.entries(EnforcementLevel).map(([k, v]) => [v as number, k.toLowerCase()]));

/**
 * Starts the pack in `packDir` with the run-policy-pack of the `@pulumi/pulumi` installed at
 * `pulumiDir` (the one the pack's own installation resolves, as the CLI would use).
 */
export function startPolicyPack(packDir: string, pulumiDir: string, timeoutMs = 60_000): Promise<RunningPolicyPack> {
    let child: ChildProcess;
    let stderr = "";
    const port = new Promise<number>((resolve, reject) => {
        // run-policy-pack <engine-address> <program>: the address is dropped before the pack runs.
        child = spawn(process.execPath, [path.join(pulumiDir, "cmd", "run-policy-pack", "index.js"), "127.0.0.1:0", packDir], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`policy pack printed no port within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        child.stderr!.on("data", (d) => (stderr += d));
        child.stdout!.on("data", (d) => {
            out += d;
            if (!out.includes("\n")) return;
            clearTimeout(timer);
            const line = out.split("\n")[0].trim();
            if (/^\d+$/.test(line)) resolve(Number(line));
            else reject(new Error(`policy pack printed '${line}' instead of its port; stderr: ${stderr}`));
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack exited (${code}) before printing its port; stderr: ${stderr}`));
        });
    });
    return port.then((p) => {
        const client = new AnalyzerClient(`127.0.0.1:${p}`, grpc.credentials.createInsecure());
        const call = <T>(fn: (cb: (err: grpc.ServiceError | null, res: T) => void) => void) => new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
        return {
            async info() {
                const info = await call<AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
                return {
                    name: info.getName(),
                    version: info.getVersion(),
                    policies: info.getPoliciesList().map((policy) => ({ name: policy.getName(), enforcementLevel: LEVELS[policy.getEnforcementlevel()] })),
                };
            },
            async analyze(resource) {
                const request = new AnalyzeRequest();
                request.setType(resource.type);
                request.setName(resource.name);
                request.setUrn(`urn:pulumi:test::test::${resource.type}::${resource.name}`);
                request.setProperties(Struct.fromJavaScript(resource.properties as Record<string, never>));
                request.setOptions(new AnalyzerResourceOptions()); // the engine always sends options (none set here)
                const response = await call<AnalyzeResponse>((cb) => client.analyze(request, cb));
                return response.getDiagnosticsList().map((d) => ({ policyName: d.getPolicyname(), message: d.getMessage(), enforcementLevel: LEVELS[d.getEnforcementlevel()] }));
            },
            stop() {
                client.close();
                child.kill();
            },
        };
    });
}
