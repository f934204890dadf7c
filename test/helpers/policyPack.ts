/**
 * Starts the real policy pack (`policy/`) the way the Pulumi CLI does and evaluates recorded
 * resources through its gRPC analyzer server, with the plan tool's own evaluation code.
 */
import * as path from "path";
import { AnalyzerClient, PolicyPackConfig } from "../../review/analyzer/client";
import { RunningPack, startPolicyPack } from "../../review/analyzer/packServer";
import { evaluate, EvaluateOptions, Evaluation } from "../../review/plan/evaluate";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../../review/analyzer/resource";

export const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");

export interface Pack {
    readonly client: AnalyzerClient;
    readonly server: RunningPack;
    run(resources: readonly RecordedResource[], config?: PolicyPackConfig, opts?: EvaluateOptions): Promise<Evaluation>;
    stop(): Promise<void>;
}

export async function startPack(): Promise<Pack> {
    const server = await startPolicyPack(POLICY_DIR);
    const client = new AnalyzerClient(server.port);
    return {
        client,
        server,
        run: (resources, config = {}, opts = {}) => evaluate(client, resources, config, opts),
        async stop() {
            client.close();
            await server.stop();
        },
    };
}

const STACK = "urn:pulumi:test::proj::pulumi:pulumi:Stack::proj-test";

export function urnOf(type: string, name: string, parentType?: string): string {
    return `urn:pulumi:test::proj::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

/** A recorded resource as the engine would hand it to the analyzer. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return { urn: urnOf(type, name), type, name, custom: !type.includes(":index:") || type.startsWith("docker:"), parent: STACK, inputs, ...extra };
}

export const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

/** The findings of one policy: [resource name, the policy's message without its description line]. */
export function findingsOf(e: Evaluation, policy: string, resources: readonly RecordedResource[]): [string, string][] {
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    return e.diagnostics
        .filter((d) => d.policyName === policy)
        .map((d) => [names.get(d.urn) ?? d.urn, d.message.split("\n").slice(1).join(" ")] as [string, string]);
}
