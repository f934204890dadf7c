/** A plan.json workload row for tests of the reports built from rows (compare, mermaid): a passing untrusted Hyper-V service unless `facts` say otherwise. */
import { PlanReport } from "../../review/plan/report";

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
