/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * One plan run of a program whose cases are independent (test/fixtures/programs/*-cases: one
 * file per case, each naming its own resources), read case by case: a program run costs seconds
 * of CPU, so cases judged resource by resource share one run instead of a program each.
 */
import * as path from "path";
import { FIXTURES, PlanRun, readJson, runPlan } from "./planCli";

export interface CasesRun {
    readonly run: PlanRun;
    readonly report: any;
    /** The run with its report narrowed to one case's resources: what a program of that case alone reports. */
    only(name: string): { run: PlanRun; report: any };
    /** Findings and rows on resources no case declares (none, when the cases are what the program holds). */
    strays(): string[];
}

/** Runs `fixture` once; `cases` names each case's resources (a default provider it makes the engine add included). */
export async function planCases(fixture: string, cases: Record<string, readonly string[]>): Promise<CasesRun> {
    const run = await runPlan(["--program", path.join(FIXTURES, fixture), "--stack", "test"]);
    const report = run.code === 2 ? undefined : readJson(path.join(run.out, "plan.json"));
    if (!report) throw new Error(`${fixture}: the plan wrote no report (exit ${run.code}): ${run.stderr}`);
    const known = new Set(Object.values(cases).flat());
    return {
        run,
        report,
        only(name) {
            if (!(name in cases)) throw new Error(`${fixture} has no case ${name}`);
            const names = new Set(cases[name]);
            return { run, report: { ...report, findings: report.findings.filter((f: any) => names.has(f.resource)), workloads: report.workloads.filter((w: any) => names.has(w.workload)) } };
        },
        strays: () => [...report.findings.map((f: any) => f.resource), ...report.workloads.map((w: any) => w.workload)].filter((n: string) => !known.has(n)),
    };
}
