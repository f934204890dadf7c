/**
 * Evaluates recorded resources through the policy pack's own analyzer server, as the engine
 * does during `pulumi preview`: Configure, one Analyze per resource, then AnalyzeStack. When
 * the config grants exceptions, a second pass without them shows what each one suppressed. A
 * config that weakens a mandatory policy is refused unless allowed; allowed, one more pass at
 * full strength shows what each weakened policy would have found.
 */
import { EXCEPTION_CONFIG_KEYS } from "../../policy/exceptions";
import { AnalyzerClient, AnalyzerInfo, Diagnostic, NotApplicable, PolicyPackConfig } from "../analyzer/client";
import { RecordedResource } from "../analyzer/resource";
import { atFullStrength, WeakenedPoliciesError, WeakenedPolicy, weakenedPolicies } from "./weakened";

export interface Evaluation {
    readonly info: AnalyzerInfo;
    readonly diagnostics: Diagnostic[];
    readonly notApplicable: NotApplicable[];
    /** Findings that the configured exceptions suppressed (shown in every report). */
    readonly suppressed: Diagnostic[];
    readonly config: PolicyPackConfig;
    /** Mandatory policies the config lowers, each with what it finds at full strength. */
    readonly weakened: (WeakenedPolicy & { readonly wouldFind: Diagnostic[] })[];
}

export interface EvaluateOptions {
    /** Run even when the config weakens a mandatory policy (otherwise `WeakenedPoliciesError`). */
    readonly allowWeakened?: boolean;
}

async function analyzeAll(client: AnalyzerClient, resources: readonly RecordedResource[], concurrency = 32) {
    const providers = new Map(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
    const diagnostics: Diagnostic[] = [];
    const notApplicable: NotApplicable[] = [];
    let next = 0;
    const results: { diagnostics: Diagnostic[]; notApplicable: NotApplicable[] }[] = new Array(resources.length);
    await Promise.all(
        Array.from({ length: Math.min(concurrency, resources.length) }, async () => {
            while (next < resources.length) {
                const i = next++;
                results[i] = await client.analyze(resources[i], providers);
            }
        }),
    );
    for (const r of results) {
        diagnostics.push(...r.diagnostics);
        notApplicable.push(...r.notApplicable);
    }
    const stack = await client.analyzeStack(resources, providers);
    diagnostics.push(...stack.diagnostics);
    notApplicable.push(...stack.notApplicable);
    return { diagnostics, notApplicable };
}

/** The config with every exception key removed. */
export function withoutExceptions(config: PolicyPackConfig): PolicyPackConfig {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : Object.fromEntries(Object.entries(v).filter(([key]) => !EXCEPTION_CONFIG_KEYS.includes(key)))]),
    ) as PolicyPackConfig;
}

function hasExceptions(config: PolicyPackConfig): boolean {
    return Object.values(config).some((v) => typeof v !== "string" && EXCEPTION_CONFIG_KEYS.some((k) => Array.isArray(v[k]) && (v[k] as unknown[]).length > 0));
}

/** `"all": <level>` sets every policy's level that the config does not set itself, as the Pulumi CLI does. */
export function expandAll(config: PolicyPackConfig, info: AnalyzerInfo): PolicyPackConfig {
    const { all, ...rest } = config;
    if (all === undefined) return config;
    const level = typeof all === "string" ? all : all.enforcementLevel;
    if (level === undefined) return rest;
    const out: PolicyPackConfig = { ...rest };
    for (const p of info.policies) {
        const own = out[p.name];
        if (own === undefined) out[p.name] = level;
        else if (typeof own !== "string" && own.enforcementLevel === undefined) out[p.name] = { ...own, enforcementLevel: level };
    }
    return out;
}

const key = (d: Diagnostic) => `${d.policyName}\u0000${d.urn}\u0000${d.message}`;

export async function evaluate(client: AnalyzerClient, resources: readonly RecordedResource[], userConfig: PolicyPackConfig = {}, opts: EvaluateOptions = {}): Promise<Evaluation> {
    const info = await client.getAnalyzerInfo();
    const unknownPolicy = Object.keys(userConfig).find((p) => p !== "all" && !info.policies.some((q) => q.name === p));
    if (unknownPolicy) throw new Error(`policy config names '${unknownPolicy}', which pack ${info.name} does not have (${info.policies.map((p) => p.name).join(", ")})`);
    const lowered = weakenedPolicies(userConfig, info);
    if (lowered.length > 0 && !opts.allowWeakened) throw new WeakenedPoliciesError(lowered);
    const config = expandAll(userConfig, info);
    let weakened: Evaluation["weakened"] = [];
    if (lowered.length > 0) {
        await client.configure(atFullStrength(config, lowered), info);
        const strong = await analyzeAll(client, resources);
        weakened = lowered.map((w) => ({ ...w, wouldFind: strong.diagnostics.filter((d) => d.policyName === w.policy) }));
    }
    let suppressed: Diagnostic[] = [];
    if (hasExceptions(config)) {
        await client.configure(withoutExceptions(config), info);
        const baseline = await analyzeAll(client, resources);
        await client.configure(config, info);
        const actual = await analyzeAll(client, resources);
        const kept = new Set(actual.diagnostics.map(key));
        suppressed = baseline.diagnostics.filter((d) => !kept.has(key(d)));
        return { info, ...actual, suppressed, config, weakened };
    }
    await client.configure(config, info);
    return { info, ...(await analyzeAll(client, resources)), suppressed, config, weakened };
}
