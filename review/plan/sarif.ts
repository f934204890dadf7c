/** SARIF 2.1.0 for code scanning: one result per finding, at the declaring line of the stack program. */
import * as path from "path";
import { PlanReport } from "./report";

export function renderSarif(report: PlanReport, srcRoot: string, toolVersion: string): object {
    const rules = report.policyPack.policies.map((p) => ({
        id: p.name,
        name: p.name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
        shortDescription: { text: p.description },
        fullDescription: { text: `${p.description} (policy pack ${report.policyPack.name}, ${p.enforcementLevel})` },
        defaultConfiguration: { level: p.enforcementLevel === "mandatory" ? "error" : "warning" },
    }));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const results = report.findings.map((f) => ({
        ruleId: f.policy,
        ruleIndex: ruleIndex.get(f.policy) ?? 0,
        level: f.level === "mandatory" ? "error" : "warning",
        message: { text: `${f.resource} (${f.type}): ${f.message}` },
        locations: [
            {
                ...(f.location
                    ? {
                          physicalLocation: {
                              artifactLocation: { uri: path.relative(srcRoot, f.location.file).split(path.sep).join("/"), uriBaseId: "SRCROOT" },
                              region: { startLine: f.location.line, startColumn: f.location.column },
                          },
                      }
                    : {}),
                logicalLocations: [{ fullyQualifiedName: f.urn, name: f.resource, kind: "resource" }],
            },
        ],
        partialFingerprints: { "pulumiUrnPolicy/v1": `${f.urn}|${f.policy}` },
    }));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "windows-isolation-plan", version: toolVersion, rules } },
                originalUriBaseIds: { SRCROOT: { uri: `file://${srcRoot.split(path.sep).join("/").replace(/\/?$/, "/")}` } },
                invocations: [{ executionSuccessful: true }],
                results,
            },
        ],
    };
}
