/**
 * `plan --compare`: what a change does to isolation, as the difference of two plans of one stack
 * (the base's plan.json and the plan of the change). Workloads are matched by URN, a renamed one
 * through the aliases the program gives it; findings by policy, level and resource. Pure: plan
 * objects in, a comparison out.
 */
import { ExitCode } from "../cli/exitCode";
import { canonicalUrn } from "./aliases";
import { ComparablePlan } from "./basePlan";
import { Finding, verdictText } from "./report";

type Row = ComparablePlan["workloads"][number];

/** The facts of a workload the comparison follows, in the order it reports them. */
export const COMPARED_FIELDS: readonly { readonly field: string; readonly of: (r: Row) => string }[] = [
    { field: "isolation", of: (r) => r.effectiveIsolation },
    { field: "trust", of: (r) => r.trust },
    { field: "image", of: (r) => r.image },
    { field: "image build", of: (r) => r.imageBuild },
    { field: "host", of: (r) => r.host },
    { field: "host build", of: (r) => r.hostBuild },
    { field: "verdicts", of: (r) => verdictText(r.verdicts) },
];

export interface FieldChange {
    readonly field: string;
    readonly from: string;
    readonly to: string;
}

export interface WorkloadChange {
    readonly status: "added" | "removed" | "changed" | "unchanged";
    /** The workload's name in the change (in the base, for a removed one). */
    readonly workload: string;
    readonly urn: string;
    /** The base workload's name, when the change renamed it (matched through an alias). */
    readonly renamedFrom?: string;
    readonly changes: FieldChange[];
    /** Whether a mandatory policy fails on it in the plan the change makes (for a removed one: in the base). */
    readonly violation: boolean;
    /** The row as it is in the change (in the base, for a removed one). */
    readonly row: Row;
}

export interface FindingChange {
    readonly status: "new" | "fixed" | "still there";
    readonly finding: Finding;
}

export interface PlanComparison {
    readonly workloads: WorkloadChange[];
    readonly findings: FindingChange[];
    readonly counts: { readonly new: number; readonly newMandatory: number; readonly fixed: number; readonly stillThere: number };
}

const hasViolation = (r: Row) => Object.values(r.verdicts).includes("FAIL");

/**
 * How the change's URNs map to the base's: a URN the base knows is itself; otherwise the first of
 * its aliases the base knows (a rename); otherwise it is new. Compared in the engine's URN form.
 */
function identityIn(base: ComparablePlan, head: ComparablePlan): (urn: string) => string {
    const known = new Set<string>();
    for (const r of base.workloads) for (const u of [r.urn, ...r.urns]) known.add(canonicalUrn(u));
    for (const f of base.findings) known.add(canonicalUrn(f.urn));
    return (urn) => {
        const own = canonicalUrn(urn);
        if (known.has(own)) return own;
        for (const alias of head.aliases[urn] ?? []) if (known.has(canonicalUrn(alias))) return canonicalUrn(alias);
        return own;
    };
}

export function comparePlans(base: ComparablePlan, head: ComparablePlan): PlanComparison {
    const identity = identityIn(base, head);
    const baseRows = new Map(base.workloads.map((r) => [canonicalUrn(r.urn), r]));
    const matched = new Set<string>();
    const workloads: WorkloadChange[] = [];
    for (const row of head.workloads) {
        const id = identity(row.urn);
        const old = matched.has(id) ? undefined : baseRows.get(id);
        if (!old) {
            workloads.push({ status: "added", workload: row.workload, urn: row.urn, changes: [], violation: hasViolation(row), row });
            continue;
        }
        matched.add(id);
        const changes = COMPARED_FIELDS.filter(({ of }) => of(old) !== of(row)).map(({ field, of }) => ({ field, from: of(old), to: of(row) }));
        const renamedFrom = id !== canonicalUrn(row.urn) ? old.workload : undefined;
        workloads.push({
            status: changes.length > 0 || renamedFrom !== undefined ? "changed" : "unchanged",
            workload: row.workload,
            urn: row.urn,
            ...(renamedFrom !== undefined ? { renamedFrom } : {}),
            changes,
            violation: hasViolation(row),
            row,
        });
    }
    for (const [id, old] of baseRows) {
        if (!matched.has(id)) workloads.push({ status: "removed", workload: old.workload, urn: old.urn, changes: [], violation: hasViolation(old), row: old });
    }

    // Findings as a multiset per policy, level and resource: the message may change with the facts it quotes.
    const key = (f: Finding, urn: string) => `${f.policy}\u0000${f.level}\u0000${urn}`;
    const open = new Map<string, Finding[]>();
    for (const f of base.findings) {
        const k = key(f, canonicalUrn(f.urn));
        open.set(k, [...(open.get(k) ?? []), f]);
    }
    const findings: FindingChange[] = [];
    for (const f of head.findings) {
        const same = open.get(key(f, identity(f.urn)));
        findings.push({ status: same && same.shift() ? "still there" : "new", finding: f });
    }
    for (const left of open.values()) for (const f of left) findings.push({ status: "fixed", finding: f });
    const count = (s: FindingChange["status"]) => findings.filter((f) => f.status === s).length;
    return {
        workloads,
        findings,
        counts: {
            new: count("new"),
            newMandatory: findings.filter((f) => f.status === "new" && f.finding.level === "mandatory").length,
            fixed: count("fixed"),
            stillThere: count("still there"),
        },
    };
}

/**
 * The exit code of a compared plan: the verdict of the plan the change makes; with
 * `failOnNewOnly`, a violation only for mandatory findings the base did not have.
 */
export function comparedExitCode(headExitCode: number, comparison: PlanComparison, failOnNewOnly: boolean): number {
    if (!failOnNewOnly) return headExitCode;
    return comparison.counts.newMandatory > 0 ? ExitCode.Violation : ExitCode.Ok;
}
