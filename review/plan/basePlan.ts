/**
 * The base of `plan --compare`: a plan.json a CI job kept from the base branch. Read whole and
 * checked before the program runs; a file of another schema version, of another stack or project,
 * or damaged is refused with the reason and the fix (exit 2), never compared into an empty diff.
 */
import * as fs from "fs";
import { PLAN_SCHEMA_VERSION, PlanReport } from "./report";

export class BasePlanError extends Error {}

/** What the comparison reads of a plan. */
export type ComparablePlan = Pick<PlanReport, "schemaVersion" | "project" | "stack" | "workloads" | "findings" | "aliases">;

const ROW_STRINGS = ["workload", "kind", "urn", "host", "image", "imageBuild", "hostBuild", "trust", "requestedIsolation", "effectiveIsolation"] as const;
const FINDING_STRINGS = ["policy", "level", "resource", "type", "urn", "message"] as const;

function kind(v: unknown): string {
    return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** Every shape problem of a parsed plan.json, each as `field: expected ..., got ...` (the first few). */
export function shapeProblems(plan: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const want = (ok: boolean, field: string, expected: string, value: unknown) => {
        if (!ok) problems.push(`${field}: expected ${expected}, got ${kind(value)}`);
        return ok;
    };
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    for (const key of ["project", "stack"]) want(typeof plan[key] === "string", key, "a string", plan[key]);
    if (want(Array.isArray(plan.workloads), "workloads", "an array", plan.workloads)) {
        (plan.workloads as unknown[]).forEach((row, i) => {
            if (!want(isObject(row), `workloads[${i}]`, "an object", row)) return;
            const r = row as Record<string, unknown>;
            for (const key of ROW_STRINGS) want(typeof r[key] === "string", `workloads[${i}].${key}`, "a string", r[key]);
            want(Array.isArray(r.urns) && r.urns.every((u) => typeof u === "string"), `workloads[${i}].urns`, "an array of strings", r.urns);
            want(isObject(r.verdicts) && Object.values(r.verdicts).every((v) => typeof v === "string"), `workloads[${i}].verdicts`, "an object of policy to verdict", r.verdicts);
        });
    }
    if (want(Array.isArray(plan.findings), "findings", "an array", plan.findings)) {
        (plan.findings as unknown[]).forEach((f, i) => {
            if (!want(isObject(f), `findings[${i}]`, "an object", f)) return;
            for (const key of FINDING_STRINGS) want(typeof (f as Record<string, unknown>)[key] === "string", `findings[${i}].${key}`, "a string", (f as Record<string, unknown>)[key]);
        });
    }
    if (want(isObject(plan.aliases), "aliases", "an object of URN to alias URNs", plan.aliases)) {
        for (const [urn, list] of Object.entries(plan.aliases as Record<string, unknown>)) {
            want(Array.isArray(list) && list.every((u) => typeof u === "string"), `aliases[${JSON.stringify(urn)}]`, "an array of strings", list);
        }
    }
    return problems;
}

/** A parsed base plan, checked against the plan it is compared with (the head's project and stack). */
export function checkBasePlan(parsed: unknown, file: string, head: { project: string; stack: string }): ComparablePlan {
    const where = `--compare ${file}`;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new BasePlanError(`${where}: not a plan.json (the file holds ${kind(parsed)}, not an object); pass the plan.json the plan wrote for the base`);
    }
    const plan = parsed as Record<string, unknown>;
    if (!("schemaVersion" in plan)) {
        throw new BasePlanError(`${where}: has no schemaVersion (written by an older plan, or not a plan.json); run the plan of this version on the base again`);
    }
    if (plan.schemaVersion !== PLAN_SCHEMA_VERSION) {
        throw new BasePlanError(`${where}: schemaVersion ${JSON.stringify(plan.schemaVersion)}, and this plan compares only schemaVersion ${PLAN_SCHEMA_VERSION}; make the base plan with the same windows-isolation version`);
    }
    const problems = shapeProblems(plan);
    if (problems.length > 0) {
        const shown = problems.slice(0, 3).join("; ") + (problems.length > 3 ? `; and ${problems.length - 3} more` : "");
        throw new BasePlanError(`${where}: damaged plan.json (${shown}); make the base plan again`);
    }
    if (plan.project !== head.project || plan.stack !== head.stack) {
        throw new BasePlanError(
            `${where}: is the plan of stack ${JSON.stringify(plan.stack)} of project ${JSON.stringify(plan.project)}, and this plan is of stack ${JSON.stringify(head.stack)} of project ${JSON.stringify(head.project)}; compare plans of the same stack (--stack)`,
        );
    }
    return plan as unknown as ComparablePlan;
}

/** Reads and checks the base plan.json; every problem a BasePlanError. */
export function readBasePlan(file: string, shownAs: string, head: { project: string; stack: string }): ComparablePlan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new BasePlanError(`--compare ${shownAs}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass the plan.json the plan wrote for the base`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new BasePlanError(`--compare ${shownAs}: not valid JSON (${(e as Error).message}); pass the plan.json the plan wrote for the base`);
    }
    return checkBasePlan(parsed, shownAs, head);
}
