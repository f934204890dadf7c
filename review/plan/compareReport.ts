/**
 * How `plan --compare` reports: lines that lead the console table and plan.md with what the change
 * does ("1 workload changes isolation: `job` hyperv → process (VIOLATION)"), and the table's
 * `change` column. Program-chosen text is escaped as in the rest of the report.
 */
import { mdCode, mdText, textLine } from "./escape";
import { COMPARED_FIELDS, PlanComparison, WorkloadChange } from "./compare";

/** Names listed per line before "and N more": the full table follows. */
export const NAMES_PER_LINE = 10;

/** A piece of a lead line: plain words of ours, a name (code), or a value from the plans. */
type Piece = { readonly words: string } | { readonly name: string } | { readonly value: string };
/** `sub`: a line under the one before it (a finding under the findings count). */
interface Line {
    readonly pieces: readonly Piece[];
    readonly sub?: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Each item as `describe` gives it (the name first, by default), separated by commas, cut after NAMES_PER_LINE. */
function listed(items: readonly WorkloadChange[], describe: (c: WorkloadChange) => Piece[], named = (c: WorkloadChange): Piece[] => [{ name: c.workload }]): Piece[] {
    const shown = items.slice(0, NAMES_PER_LINE).flatMap((c, i) => [...(i > 0 ? [{ words: ", " }] : []), ...named(c), ...describe(c)]);
    return items.length > NAMES_PER_LINE ? [...shown, { words: `, and ${items.length - NAMES_PER_LINE} more (see the table)` }] : shown;
}

const mark = (c: WorkloadChange): Piece[] => (c.violation ? [{ words: " (VIOLATION)" }] : []);

/** What the change does, most telling first: isolation, trust, new, removed, renamed, the other facts, findings. */
export function leadLines(comparison: PlanComparison): Line[] {
    const lines: Line[] = [];
    const changed = comparison.workloads.filter((c) => c.status === "changed");
    const byField = (field: string) => changed.filter((c) => c.changes.some((x) => x.field === field));
    const fieldLine = (field: string) => {
        const items = byField(field);
        if (items.length === 0) return;
        const change = (c: WorkloadChange) => c.changes.find((x) => x.field === field)!;
        lines.push({
            pieces: [
                { words: `${plural(items.length, "workload changes", "workloads change")} ${field}: ` },
                ...listed(items, (c) => [{ words: " " }, { value: change(c).from }, { words: " → " }, { value: change(c).to }, ...mark(c)]),
            ],
        });
    };
    const facts = (c: WorkloadChange): Piece[] => [{ words: " (" }, { value: c.row.trust }, { words: ", " }, { value: c.row.effectiveIsolation }, { words: ", on " }, { value: c.row.host }, { words: ")" }, ...mark(c)];
    fieldLine("isolation");
    fieldLine("trust");
    const added = comparison.workloads.filter((c) => c.status === "added");
    if (added.length > 0) lines.push({ pieces: [{ words: `${plural(added.length, "new workload", "new workloads")}: ` }, ...listed(added, facts)] });
    const removed = comparison.workloads.filter((c) => c.status === "removed");
    if (removed.length > 0) lines.push({ pieces: [{ words: `${plural(removed.length, "workload", "workloads")} removed: ` }, ...listed(removed, (c) => facts({ ...c, violation: false }))] });
    const renamed = changed.filter((c) => c.renamedFrom !== undefined);
    if (renamed.length > 0) {
        const oldAndNew = (c: WorkloadChange): Piece[] => [{ name: c.renamedFrom ?? "" }, { words: " → " }, { name: c.workload }];
        lines.push({ pieces: [{ words: `${plural(renamed.length, "workload", "workloads")} renamed: ` }, ...listed(renamed, () => [], oldAndNew)] });
    }
    for (const { field } of COMPARED_FIELDS) if (field !== "isolation" && field !== "trust") fieldLine(field);
    if (lines.length === 0) lines.push({ pieces: [{ words: `No workload changes isolation, trust, image, image build, host or verdicts (${plural(comparison.workloads.length, "workload", "workloads")} compared).` }] });
    const { counts } = comparison;
    lines.push({ pieces: [{ words: `Findings against the base: ${counts.new} new (${counts.newMandatory} mandatory), ${counts.fixed} fixed, ${counts.stillThere} still there.` }] });
    for (const status of ["new", "fixed"] as const) {
        for (const { finding: f } of comparison.findings.filter((x) => x.status === status)) {
            lines.push({ sub: true, pieces: [{ words: `${status} ${f.level === "mandatory" ? "VIOLATION" : "advisory"} ${f.policy} on ` }, { name: f.resource }, { words: ": " }, { value: f.message }] });
        }
    }
    return lines;
}

function text(line: Line): string {
    return line.pieces.map((p) => ("words" in p ? p.words : "name" in p ? `\`${textLine(p.name)}\`` : textLine(p.value))).join("");
}

function markdown(line: Line): string {
    return line.pieces.map((p) => ("words" in p ? mdText(p.words) : "name" in p ? mdCode(p.name) : mdText(p.value))).join("");
}

export function leadText(comparison: PlanComparison, baseShownAs: string): string[] {
    return [`Change against the base plan ${textLine(baseShownAs)}:`, ...leadLines(comparison).map((l) => `${l.sub ? "    " : "  "}${text(l)}`), ""];
}

export function leadMarkdown(comparison: PlanComparison, baseShownAs: string): string[] {
    return [`### Change against the base plan ${mdCode(baseShownAs)}`, "", ...leadLines(comparison).map((l) => `${l.sub ? "  " : ""}- ${markdown(l)}`), ""];
}

/** The table's `change` cell of a workload in the plan the change makes (removed ones are in the lead lines). */
export function changeCell(comparison: PlanComparison): (urn: string) => string {
    const byUrn = new Map(comparison.workloads.filter((c) => c.status !== "removed").map((c) => [c.urn, c]));
    return (urn) => {
        const c = byUrn.get(urn);
        if (!c || c.status === "unchanged") return "-";
        if (c.status === "added") return "new";
        const parts = [...(c.renamedFrom !== undefined ? [`renamed from ${c.renamedFrom}`] : []), ...c.changes.map((x) => x.field)];
        return parts.join(", ");
    };
}
