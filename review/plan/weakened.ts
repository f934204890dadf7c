/**
 * Weakened policies: a policy config that sets a policy the pack declares mandatory to any other
 * level (`disabled`, `advisory`, `remediate`, directly, as `{enforcementLevel}`, or through `all`).
 * `remediate` counts too: the plan does not run remediations, and the engine would rewrite the
 * resource before judging it, so what the plan shows would not be what deploys.
 */
import { AnalyzerInfo, EnforcementLevel, PolicyPackConfig } from "../analyzer/client";

export interface WeakenedPolicy {
    readonly policy: string;
    /** The level the config sets instead of mandatory. */
    readonly level: EnforcementLevel;
    /** The config key that sets it: the policy's own name, or `all`. */
    readonly setBy: string;
}

function levelOf(value: PolicyPackConfig[string] | undefined): EnforcementLevel | undefined {
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : value.enforcementLevel;
}

/** Every mandatory policy of the pack that `config` (as the user wrote it, `all` unexpanded) lowers. */
export function weakenedPolicies(config: PolicyPackConfig, info: AnalyzerInfo): WeakenedPolicy[] {
    const all = levelOf(config.all);
    const out: WeakenedPolicy[] = [];
    for (const p of info.policies) {
        if (p.enforcementLevel !== "mandatory") continue;
        const own = levelOf(config[p.name]);
        // The policy's own level wins over `all`, as the Pulumi CLI applies them.
        const [level, setBy] = own !== undefined ? [own, p.name] : [all, "all"];
        if (level !== undefined && level !== "mandatory") out.push({ policy: p.name, level, setBy });
    }
    return out;
}

/** The same config with every weakened policy back at mandatory (its other properties kept). */
export function atFullStrength(config: PolicyPackConfig, weakened: readonly WeakenedPolicy[]): PolicyPackConfig {
    const out: PolicyPackConfig = { ...config };
    for (const w of weakened) {
        const own = out[w.policy];
        out[w.policy] = own === undefined || typeof own === "string" ? "mandatory" : { ...own, enforcementLevel: "mandatory" };
    }
    return out;
}

export function describeWeakened(w: WeakenedPolicy): string {
    return `${w.policy} (mandatory in the pack, set to ${w.level} by policy config key '${w.setBy}')`;
}

export class WeakenedPoliciesError extends Error {
    constructor(readonly weakened: readonly WeakenedPolicy[]) {
        super(
            `the policy config weakens ${weakened.length} mandatory polic${weakened.length === 1 ? "y" : "ies"}: ${weakened.map(describeWeakened).join("; ")}. ` +
                "Remove those settings, or pass --allow-weakened-policies to run with them weakened (every report then lists each one and what it would have found).",
        );
    }
}
