/**
 * SARIF 2.1.0 for code scanning: one result per finding, at the declaring line of the stack
 * program. Artifact URIs are relative to the repository root (`srcRoot`, the SRCROOT base), the
 * form code scanning maps to files; a file outside it keeps only its logical location. What a
 * weakened policy would have found is a result too, marked suppressed by the policy config.
 */
import { pathToFileURL } from "url";
import { Finding, PlanReport } from "./report";
import { relativeUri } from "./sourceRoot";
import { describeWeakened } from "./weakened";

function locationOf(f: Finding, srcRoot: string): object {
    const uri = f.location ? relativeUri(srcRoot, f.location.file) : undefined;
    return {
        ...(uri && f.location
            ? {
                  physicalLocation: {
                      artifactLocation: { uri, uriBaseId: "SRCROOT" },
                      region: { startLine: f.location.line, startColumn: f.location.column },
                  },
              }
            : {}),
        logicalLocations: [{ fullyQualifiedName: f.urn, name: f.resource, kind: "resource" }],
    };
}

export function renderSarif(report: PlanReport, srcRoot: string, toolVersion: string): object {
    const rules = report.policyPack.policies.map((p) => ({
        id: p.name,
        name: p.name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
        shortDescription: { text: p.description },
        fullDescription: { text: `${p.description} (policy pack ${report.policyPack.name}, ${p.enforcementLevel})` },
        defaultConfiguration: { level: p.enforcementLevel === "mandatory" ? "error" : "warning" },
    }));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const result = (f: Finding, level: string) => ({
        ruleId: f.policy,
        ruleIndex: ruleIndex.get(f.policy) ?? 0,
        level,
        message: { text: `${f.resource} (${f.type}): ${f.message}` },
        locations: [locationOf(f, srcRoot)],
        partialFingerprints: { "pulumiUrnPolicy/v1": `${f.urn}|${f.policy}` },
    });
    const results: object[] = report.findings.map((f) => result(f, f.level === "mandatory" ? "error" : "warning"));
    for (const w of report.weakenedPolicies) {
        for (const f of w.wouldFind) {
            results.push({
                ...result(f, "error"),
                message: { text: `${f.resource} (${f.type}): ${f.message} [found at full strength; policy ${describeWeakened(w)}]` },
                suppressions: [{ kind: "external", justification: `policy config key '${w.setBy}' sets ${w.policy} to ${w.level} (--allow-weakened-policies)` }],
            });
        }
    }
    const notifications = report.weakenedPolicies.map((w) => ({
        level: "warning",
        message: { text: `weakened policy: ${describeWeakened(w)}; at full strength it finds ${w.wouldFind.length}` },
        associatedRule: { id: w.policy, index: ruleIndex.get(w.policy) ?? 0 },
    }));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "windows-isolation-plan", version: toolVersion, rules } },
                originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(srcRoot).href.replace(/\/?$/, "/") } },
                invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolConfigurationNotifications: notifications } : {}) }],
                results,
            },
        ],
    };
}
