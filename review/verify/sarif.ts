/**
 * The SARIF log of one verify run. Runtime objects have no source file, so each result points
 * at a logical location: the engine, a container or a task; its fingerprint is that subject and
 * the rule, so the same container's finding is the same alert from run to run.
 */
import { Attestation, Finding, VERIFY_RULES, VerifyRuleId } from "../../rules";
import { sarifLog, SarifResult, SarifRule } from "../sarif/log";

const RULE_IDS = Object.keys(VERIFY_RULES) as VerifyRuleId[];

function ruleOf(id: VerifyRuleId): SarifRule {
    const r = VERIFY_RULES[id];
    return {
        id,
        summary: r.summary,
        description: `${r.summary} ${r.help}`,
        help: r.help,
        level: r.level,
        properties: { "security-severity": r.securitySeverity.toFixed(1), tags: ["security", "windows-containers", "isolation"] },
    };
}

function resultOf(f: Finding): SarifResult {
    return {
        ruleId: f.ruleId,
        level: f.level,
        message: f.message,
        locations: [{ logicalLocations: [{ name: f.subject.name, fullyQualifiedName: `${f.subject.kind}/${f.subject.id}`, kind: "resource" }] }],
        fingerprints: { "windowsIsolationSubjectRule/v1": `${f.subject.kind}/${f.subject.id}|${f.ruleId}` },
        properties: { subjectKind: f.subject.kind, subjectId: f.subject.id },
    };
}

export function toSarif(endpoint: string, a: Attestation, exitCode: number, version: string): object {
    return sarifLog({
        tool: "verify",
        version,
        rules: RULE_IDS.map(ruleOf),
        results: a.findings.map(resultOf),
        exitCode,
        properties: { endpoint, engine: a.engine, containers: a.containers, ...(a.witness ? { witness: a.witness } : {}), proven: a.proven },
    });
}
