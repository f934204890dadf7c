/**
 * The SARIF log of one verify run. Runtime objects have no source file, so each result points
 * at a logical location: the engine, a container or a task; its fingerprint is that subject and
 * the rule, so the same container's finding is the same alert from run to run.
 */
import { Attestation, Finding, VERIFY_RULES, VerifyRuleId } from "../../rules";
import { sarifLog, SarifResult, SarifRule } from "../sarif/log";
import { textLine } from "../escape";

/** Every string of our own report structure through textLine: a viewer shows what the engine chose, never runs it. */
function escaped<T>(v: T): T {
    if (typeof v === "string") return textLine(v) as T;
    if (Array.isArray(v)) return v.map(escaped) as T;
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [textLine(k), escaped(x)])) as T;
    return v;
}

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
        message: textLine(f.message),
        locations: [{ logicalLocations: [{ name: textLine(f.subject.name), fullyQualifiedName: textLine(`${f.subject.kind}/${f.subject.id}`), kind: "resource" }] }],
        fingerprints: { "windowsIsolationSubjectRule/v1": textLine(`${f.subject.kind}/${f.subject.id}|${f.ruleId}`) },
        properties: { subjectKind: f.subject.kind, subjectId: textLine(f.subject.id) },
    };
}

export function toSarif(endpoint: string, a: Attestation, exitCode: number, version: string): object {
    return sarifLog({
        tool: "verify",
        version,
        rules: RULE_IDS.map(ruleOf),
        results: a.findings.map(resultOf),
        exitCode,
        properties: escaped({ endpoint, engine: a.engine, containers: a.containers, ...(a.witness ? { witness: a.witness } : {}), proven: a.proven }),
    });
}
