/**
 * Starts the real policy pack (`policy/`) the way the Pulumi CLI does and evaluates recorded
 * resources through its gRPC analyzer server, with the plan tool's own evaluation code.
 */
import { BUILT_POLICY_PACK } from "./build/builtTools";
import { AnalyzerClient, PolicyPackConfig } from "../../review/analyzer/client";
import { RunningPack, startPolicyPack } from "../../review/analyzer/packServer";
import { evaluate, EvaluateOptions, Evaluation } from "../../review/plan/evaluate";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../../review/analyzer/resource";

/** The pack as `npm run plan` starts it: policy/ compiled into build/ (see build/builtTools.ts). */
export const POLICY_DIR = BUILT_POLICY_PACK;

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

/**
 * One pack for the calling test file: started in beforeAll, stopped in afterAll (the unit
 * project's teardown fails the run when a pack server is left running).
 */
export function usePack(): () => Pack {
    let pack: Pack | undefined;
    beforeAll(async () => {
        pack = await startPack();
    }, 120_000);
    afterAll(async () => {
        await pack?.stop();
    });
    return () => {
        if (pack === undefined) throw new Error("the policy pack server did not start (see beforeAll)");
        return pack;
    };
}

/** One named case of a policy's table: a stack, and what the policy must report on it. */
export interface PolicyCase {
    readonly name: string;
    /** The happy stack changed once (policyFactories' replaced/added), or a stack the case names its reason for. */
    readonly stack: readonly RecordedResource[];
    readonly config?: PolicyPackConfig;
    readonly options?: EvaluateOptions;
    /** This policy's findings, in order: [resource name, message]; [] for none. */
    readonly findings: readonly (readonly [string, unknown])[];
    /** Further expectations on the whole evaluation (levels, suppressed findings, not-applicable reasons). */
    readonly also?: (e: Evaluation) => void;
}

/**
 * A policy's cases as a table (the Kubewarden/Kyverno style): each case runs through one pack
 * started for the file, and only the named policy's findings are compared.
 */
export function policyTable(policy: string, cases: readonly PolicyCase[]): void {
    const pack = usePack();
    describe(policy, () => {
        for (const c of cases) {
            test(c.name, async () => {
                const e = await pack().run(c.stack, c.config, c.options);
                expect(findingsOf(e, policy, c.stack)).toEqual(c.findings);
                c.also?.(e);
            });
        }
    });
}
