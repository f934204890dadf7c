/**
 * plan.sarif: one result per finding, at the declaring line of the stack program. Artifact URIs
 * are relative to the repository root (`srcRoot`, the SRCROOT base), the form code scanning maps
 * to files; a file outside it keeps only its logical location. What a weakened policy would have
 * found is a result too, marked suppressed by the policy config.
 */
import { pathToFileURL } from "url";
import { sarifLog, SarifResult, SarifRule } from "../sarif/log";
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

function ruleOf(p: PlanReport["policyPack"]["policies"][number], pack: string): SarifRule {
    return {
        id: p.name,
        summary: p.description,
        description: `${p.description} (policy pack ${pack}, ${p.enforcementLevel})`,
        help: `${p.description} Policy ${p.name} of the policy pack ${pack}, ${p.enforcementLevel} by default. Each finding names the resource and what is at fault, at the line that declares it. An exemption or a lower level is set in the policy config (--policy-config) and listed in every plan report.`,
        level: p.enforcementLevel === "mandatory" ? "error" : "warning",
    };
}

export function renderSarif(report: PlanReport, srcRoot: string, toolVersion: string): object {
    const result = (f: Finding, level: SarifResult["level"]): SarifResult => ({
        ruleId: f.policy,
        level,
        message: `${f.resource} (${f.type}): ${f.message}`,
        locations: [locationOf(f, srcRoot)],
        fingerprints: { "pulumiUrnPolicy/v1": `${f.urn}|${f.policy}` },
    });
    const results = report.findings.map((f) => result(f, f.level === "mandatory" ? "error" : "warning"));
    for (const w of report.weakenedPolicies) {
        for (const f of w.wouldFind) {
            results.push({
                ...result(f, "error"),
                message: `${f.resource} (${f.type}): ${f.message} [found at full strength; policy ${describeWeakened(w)}]`,
                suppressions: [{ kind: "external", justification: `policy config key '${w.setBy}' sets ${w.policy} to ${w.level} (--allow-weakened-policies)` }],
            });
        }
    }
    return sarifLog({
        tool: "plan",
        version: toolVersion,
        rules: report.policyPack.policies.map((p) => ruleOf(p, report.policyPack.name)),
        results,
        exitCode: report.exitCode,
        notifications: report.weakenedPolicies.map((w) => ({
            level: "warning",
            message: `weakened policy: ${describeWeakened(w)}; at full strength it finds ${w.wouldFind.length}`,
            ruleId: w.policy,
        })),
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(srcRoot).href.replace(/\/?$/, "/") } },
    });
}
