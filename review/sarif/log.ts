/**
 * The one SARIF 2.1.0 writer of plan and verify: both logs name their tool the same way
 * (`windows-isolation <tool>`, the command that produced them), carry the package version as
 * `semanticVersion`, give every rule help text and every result a partial fingerprint, so code
 * scanning treats the two tools alike and follows an alert from run to run.
 */
import { ReviewTool, toolName } from "../cli/toolName";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export type SarifLevel = "error" | "warning" | "note";

export interface SarifRule {
    /** Stable id: the policy name or verify rule id. */
    readonly id: string;
    readonly summary: string;
    readonly description: string;
    /** What the rule protects and how to fix a finding. */
    readonly help: string;
    readonly level: SarifLevel;
    readonly properties?: Record<string, unknown>;
}

export interface SarifResult {
    readonly ruleId: string;
    readonly level: SarifLevel;
    readonly message: string;
    readonly locations: readonly object[];
    /** Stable across runs for the same finding on the same subject (code scanning's alert identity). */
    readonly fingerprints: Readonly<Record<string, string>>;
    readonly suppressions?: readonly object[];
    readonly properties?: Record<string, unknown>;
}

export interface SarifRun {
    readonly tool: ReviewTool;
    readonly version: string;
    readonly rules: readonly SarifRule[];
    readonly results: readonly SarifResult[];
    readonly exitCode?: number;
    readonly notifications?: readonly { readonly level: SarifLevel; readonly message: string; readonly ruleId: string }[];
    readonly originalUriBaseIds?: Record<string, { readonly uri: string }>;
    readonly properties?: Record<string, unknown>;
}

/** SARIF wants a friendly Pascal-case name distinct from the stable id. */
function friendlyName(id: string): string {
    return id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

export function sarifLog(run: SarifRun): object {
    const ruleIndex = new Map(run.rules.map((r, i) => [r.id, i]));
    const indexOf = (id: string): number => {
        const i = ruleIndex.get(id);
        // A result under an undeclared rule would point code scanning at the wrong help.
        if (i === undefined) throw new Error(`SARIF: result for rule '${id}', which the ${toolName(run.tool)} log does not declare`);
        return i;
    };
    const notifications = (run.notifications ?? []).map((n) => ({
        level: n.level,
        message: { text: n.message },
        associatedRule: { id: n.ruleId, index: indexOf(n.ruleId) },
    }));
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: toolName(run.tool),
                        semanticVersion: run.version,
                        rules: run.rules.map((r) => ({
                            id: r.id,
                            name: friendlyName(r.id),
                            shortDescription: { text: r.summary },
                            fullDescription: { text: r.description },
                            help: { text: r.help },
                            defaultConfiguration: { level: r.level },
                            ...(r.properties ? { properties: r.properties } : {}),
                        })),
                    },
                },
                ...(run.originalUriBaseIds ? { originalUriBaseIds: run.originalUriBaseIds } : {}),
                invocations: [
                    {
                        executionSuccessful: true,
                        ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
                        ...(notifications.length > 0 ? { toolConfigurationNotifications: notifications } : {}),
                    },
                ],
                results: run.results.map((r) => ({
                    ruleId: r.ruleId,
                    ruleIndex: indexOf(r.ruleId),
                    level: r.level,
                    message: { text: r.message },
                    locations: r.locations,
                    partialFingerprints: r.fingerprints,
                    ...(r.suppressions ? { suppressions: r.suppressions } : {}),
                    ...(r.properties ? { properties: r.properties } : {}),
                })),
                ...(run.properties ? { properties: run.properties } : {}),
            },
        ],
    };
}
