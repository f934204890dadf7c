/**
 * SARIF 2.1.0 log of one verify run (self-contained; `plan` writes its own). Runtime objects have
 * no source file, so each result points at a logical location: the engine, a container or a task.
 */
import { Attestation, Finding, VERIFY_RULES, VerifyRuleId } from "../../rules";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const VERIFY_TOOL_NAME = "windows-isolation verify";

const RULE_IDS = Object.keys(VERIFY_RULES) as VerifyRuleId[];

function result(f: Finding) {
    return {
        ruleId: f.ruleId,
        ruleIndex: RULE_IDS.indexOf(f.ruleId),
        level: f.level,
        message: { text: f.message },
        locations: [
            {
                logicalLocations: [
                    { name: f.subject.name, fullyQualifiedName: `${f.subject.kind}/${f.subject.id}`, kind: "resource" },
                ],
            },
        ],
        properties: { subjectKind: f.subject.kind, subjectId: f.subject.id },
    };
}

export function toSarif(endpoint: string, a: Attestation, exitCode: number, version: string) {
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: VERIFY_TOOL_NAME,
                        semanticVersion: version,
                        rules: RULE_IDS.map((id) => {
                            const r = VERIFY_RULES[id];
                            return {
                                id,
                                // SARIF wants a friendly Pascal-case name distinct from the stable id.
                                name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
                                shortDescription: { text: r.summary },
                                fullDescription: { text: `${r.summary} ${r.help}` },
                                help: { text: r.help },
                                defaultConfiguration: { level: r.level },
                                properties: { "security-severity": r.securitySeverity.toFixed(1), tags: ["security", "windows-containers", "isolation"] },
                            };
                        }),
                    },
                },
                invocations: [{ executionSuccessful: true, exitCode }],
                results: a.findings.map(result),
                properties: { endpoint, engine: a.engine, containers: a.containers, ...(a.witness ? { witness: a.witness } : {}), proven: a.proven },
            },
        ],
    };
}
