/**
 * The picture in plan.md: a Mermaid flowchart (GitHub, GitLab and Azure DevOps render it in
 * Markdown) of the hosts and the workloads on them. Isolation is the node's shape (Hyper-V a box in
 * a box, a utility VM around the container; process a plain box; anything else a hexagon), trust
 * its colour, a mandatory violation a thick red border; with --compare, new and changed workloads
 * are dashed and removed ones grey. Program-chosen text never reaches the diagram as syntax: node
 * and subgraph ids are ours, and every label character outside a small safe set is a Mermaid
 * entity code (`#35;`), so a name cannot end a label, start a statement or become HTML. A large
 * stack stays readable: at most MAX_HOSTS hosts and MAX_PER_HOST workloads each (violations and
 * changes first), the rest counted.
 */
import { textLine } from "./escape";
import type { PlanComparison, WorkloadChange } from "./compare";
import type { PlanReport } from "./report";

export const MAX_HOSTS = 12;
export const MAX_PER_HOST = 15;

type Row = PlanReport["workloads"][number];

/** Label text: one line (controls as visible escapes), every character but letters, digits and a few marks as an entity code. */
export function mermaidText(s: string): string {
    return Array.from(textLine(s), (c) => (/^[A-Za-z0-9 ._,:/()+=-]$/.test(c) ? c : `#${c.codePointAt(0)};`)).join("");
}

type State = "new" | "changed" | "removed" | "same";

interface Node {
    readonly row: Row;
    readonly state: State;
    readonly violation: boolean;
}

function shape(isolation: string, label: string): string {
    if (isolation === "hyperv") return `[["${label}"]]`;
    if (isolation === "process") return `["${label}"]`;
    return `{{"${label}"}}`;
}

const STATE_WORD: Record<State, string> = { new: "new: ", changed: "changed: ", removed: "removed: ", same: "" };

function nodeLine(id: string, n: Node): string[] {
    const trust = n.row.trust.startsWith("trusted") ? "trusted" : "untrusted";
    const verdict = n.violation && n.state !== "removed" ? " - VIOLATION" : "";
    const label = `${mermaidText(STATE_WORD[n.state] + n.row.workload)}<br/>${mermaidText(`${n.row.trust}, ${n.row.effectiveIsolation}${verdict}`)}`;
    const classes = [trust, ...(verdict ? ["violation"] : []), ...(n.state === "same" ? [] : [n.state === "removed" ? "removed" : "changed"])];
    return [`    ${id}${shape(n.row.effectiveIsolation, label)}`, ...classes.map((c) => `    class ${id} ${c}`)];
}

/** Violations first, then what the change touches, then untrusted, each group in the plan's order. */
function rank(n: Node): number {
    if (n.violation && n.state !== "removed") return 0;
    if (n.state !== "same") return 1;
    return n.row.trust.startsWith("trusted") ? 3 : 2;
}

function nodesOf(report: PlanReport, comparison?: PlanComparison): Node[] {
    const changes = new Map<string, WorkloadChange>((comparison?.workloads ?? []).filter((c) => c.status !== "removed").map((c) => [c.urn, c]));
    const state = (c: WorkloadChange | undefined): State => (!c ? "same" : c.status === "added" ? "new" : c.status === "changed" ? "changed" : "same");
    const violation = (r: Row) => Object.values(r.verdicts).includes("FAIL");
    const nodes: Node[] = report.workloads.map((row) => ({ row, state: comparison ? state(changes.get(row.urn)) : "same", violation: violation(row) }));
    for (const c of comparison?.workloads ?? []) if (c.status === "removed") nodes.push({ row: c.row, state: "removed", violation: false });
    return nodes;
}

/** The flowchart's text (without the Markdown fence). */
export function renderMermaid(report: PlanReport, comparison?: PlanComparison): string {
    const hosts = new Map<string, Node[]>();
    for (const n of nodesOf(report, comparison)) {
        const key = `${n.row.host}\u0000${n.row.hostBuild}`;
        hosts.set(key, [...(hosts.get(key) ?? []), n]);
    }
    const out = ["flowchart LR"];
    const entries = [...hosts.entries()];
    const shownHosts = [...entries].sort((a, b) => Math.min(...a[1].map(rank)) - Math.min(...b[1].map(rank))).slice(0, MAX_HOSTS);
    let w = 0;
    entries.forEach(([key, nodes], h) => {
        if (!shownHosts.some(([k]) => k === key)) return;
        const [host, build] = key.split("\u0000");
        out.push(`  subgraph h${h}["${mermaidText(`${host} (build ${build})`)}"]`);
        const ranked = nodes.map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i);
        for (const { n } of ranked.slice(0, MAX_PER_HOST)) out.push(...nodeLine(`w${w++}`, n));
        if (nodes.length > MAX_PER_HOST) out.push(`    more${h}["${mermaidText(`... and ${nodes.length - MAX_PER_HOST} more workloads (see the table)`)}"]`, `    class more${h} more`);
        out.push("  end");
    });
    if (entries.length > MAX_HOSTS) {
        const rest = entries.filter(([key]) => !shownHosts.some(([k]) => k === key));
        const count = rest.reduce((a, [, nodes]) => a + nodes.length, 0);
        out.push(`  moreHosts["${mermaidText(`... and ${rest.length} more hosts with ${count} workloads (see the table)`)}"]`, "  class moreHosts more");
    }
    if (hosts.size === 0) out.push(`  none["${mermaidText("no workloads")}"]`);
    out.push(
        "  classDef untrusted fill:#fde0dc,stroke:#c62828,color:#000",
        "  classDef trusted fill:#e0f2e9,stroke:#2e7d32,color:#000",
        "  classDef violation stroke:#b71c1c,stroke-width:4px",
        "  classDef changed stroke-dasharray:6 3,stroke-width:3px",
        "  classDef removed fill:#eeeeee,stroke:#9e9e9e,color:#616161,stroke-dasharray:2 2",
        "  classDef more fill:#ffffff,stroke:#9e9e9e,color:#616161",
    );
    return out.join("\n");
}

/** The diagram as a fenced Markdown section, with the key to its shapes and colours. */
export function mermaidSection(report: PlanReport, comparison?: PlanComparison): string[] {
    return [
        "### Hosts and workloads",
        "",
        "```mermaid",
        renderMermaid(report, comparison),
        "```",
        "",
        "Box in a box: Hyper-V isolation; plain box: process isolation; hexagon: daemon default or not known. Red: untrusted; green: trusted; thick red border: a mandatory violation." +
            (comparison ? " Dashed: new or changed against the base; grey: removed." : ""),
        "",
    ];
}
