/** plan.json rows and whole reports for tests of the reports built from rows (compare, mermaid): a row is a passing untrusted Hyper-V service unless `facts` say otherwise. */
import { Finding, PLAN_SCHEMA_VERSION, PlanReport } from "../../review/plan/report";

export type PlanRow = PlanReport["workloads"][number];

export const urnOf = (name: string, type = "docker:index/service:Service") => `urn:pulumi:dev::demo::pulumi:pulumi:Stack$${type}::${name}`;

export function planRow(name: string, facts: Partial<PlanRow> = {}): PlanRow {
    return {
        workload: name,
        kind: "docker.Service",
        urn: urnOf(name),
        urns: [urnOf(name)],
        host: "winhost",
        image: "mcr.microsoft.com/windows/servercore:ltsc2022",
        imageBuild: "20348",
        hostBuild: "20348",
        trust: "untrusted",
        requestedIsolation: "hyperv",
        effectiveIsolation: "hyperv",
        placement: "(single host)",
        verdicts: { "untrusted-requires-hyperv": "pass" },
        ...facts,
    };
}

/** A whole plan.json of project `demo`, stack `dev`, around `workloads` and `findings` (each a mandatory violation). */
export function planReport(workloads: PlanRow[], findings: Finding[] = []): PlanReport {
    return {
        schemaVersion: PLAN_SCHEMA_VERSION,
        project: "demo",
        stack: "dev",
        program: "/p",
        configFile: "/p/Pulumi.dev.yaml",
        placeholders: [],
        policyPack: { name: "windows-isolation", version: "0.0.0", policies: [] },
        policyConfig: {},
        resourceCount: workloads.length,
        workloads,
        findings,
        exceptions: [],
        configuredExceptions: [],
        notApplicable: [],
        weakenedPolicies: [],
        summary: { mandatory: findings.length, advisory: 0, exempted: 0 },
        aliases: {},
        exitCode: findings.length > 0 ? 1 : 0,
    };
}
