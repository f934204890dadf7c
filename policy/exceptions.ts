/**
 * Exceptions a team may configure (policy config), each with a reason. The plan tool lists
 * every one that suppressed a finding, so an exception is never silent.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Exemption {
    /** Resource name or full URN. */
    readonly resource: string;
    /** Why the finding does not apply; shown in the report. */
    readonly reason: string;
}

export interface ExemptionConfig {
    readonly exemptions?: readonly Exemption[];
}

/** Config keys that grant exceptions; the plan tool evaluates once without them to show what they suppressed. */
export const EXCEPTION_CONFIG_KEYS: readonly string[] = ["exemptions", "trustedRegistries", "allowUnlistedVmSizes"];

export const exemptionsSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Per-resource exemptions: {resource: name or URN, reason}. Every one is listed in the plan report.",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 1 },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
    },
    default: [],
};

export function exemptionSchema(extra: Record<string, PolicyConfigJSONSchema> = {}): PolicyConfigSchema {
    return { properties: { exemptions: exemptionsSchema, ...extra } };
}

/** The exemption that covers a resource, by name or URN. */
export function exemptionFor(config: ExemptionConfig | undefined, name: string, urn: string): Exemption | undefined {
    return (config?.exemptions ?? []).find((e) => e.resource === name || e.resource === urn);
}
