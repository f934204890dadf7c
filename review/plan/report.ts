/**
 * The plan's report: one object, rendered as the console table, plan.md and plan.json. Secret
 * values are cut out of it when it is built; program-chosen text is escaped when it is rendered.
 */
import { ExitCode } from "../cli/exitCode";
import * as fs from "fs";
import * as path from "path";
import { EXCEPTION_CONFIG_KEYS, Exemption } from "../../policy/exceptions";
import { Diagnostic, EnforcementLevel } from "../analyzer/client";
import { mdCode, mdText, textLine } from "./escape";
import { Evaluation } from "./evaluate";
import { RecordedResource, SourceLocation } from "../analyzer/resource";
import { PlanTarget } from "./project";
import { redact, secretValues } from "./secrets";
import { describeWeakened, WeakenedPolicy } from "./weakened";
import { POLICIES_JUDGING, workloadRows, WorkloadRow } from "./workloads";
import type { PlanComparison } from "./compare";
import { changeCell, leadMarkdown, leadText } from "./compareReport";
import { mermaidSection } from "./mermaid";

/** With `plan --compare`: the comparison with the base plan, and how the base's file is named in the report. */
export interface Compared {
    readonly comparison: PlanComparison;
    readonly base: string;
}

/** Policies whose verdict belongs on a workload's row; the others are host and network findings. */
export const WORKLOAD_POLICIES = ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "image-host-compatibility", "pinned-image"];

export type Verdict = "pass" | "FAIL" | "warn" | "exempt" | "unchecked" | "n/a";

export interface Finding {
    readonly policy: string;
    readonly level: EnforcementLevel;
    readonly resource: string;
    readonly type: string;
    readonly urn: string;
    /** The policy's own words for this resource (without the policy description line). */
    readonly message: string;
    readonly location?: SourceLocation;
}

export interface ConfiguredException {
    readonly policy: string;
    /** The config key (exemptions, trustedRegistries, allowUnlistedVmSizes). */
    readonly kind: string;
    readonly value: string;
    readonly reason?: string;
}

export function configuredExceptions(config: Record<string, unknown>): ConfiguredException[] {
    const out: ConfiguredException[] = [];
    for (const [policy, value] of Object.entries(config)) {
        if (value === null || typeof value !== "object") continue;
        for (const kind of EXCEPTION_CONFIG_KEYS) {
            const list = (value as Record<string, unknown>)[kind];
            if (!Array.isArray(list)) continue;
            for (const item of list) {
                if (item !== null && typeof item === "object") out.push({ policy, kind, value: String((item as Exemption).resource), reason: String((item as Exemption).reason) });
                else out.push({ policy, kind, value: String(item) });
            }
        }
    }
    return out;
}

/**
 * The version of plan.json's shape. `plan --compare` reads a base plan.json only of this version:
 * raise it whenever a field the comparison reads changes its meaning or its place.
 */
export const PLAN_SCHEMA_VERSION = 1;

export interface PlanReport {
    readonly schemaVersion: typeof PLAN_SCHEMA_VERSION;
    readonly project: string;
    readonly stack: string;
    readonly program: string;
    readonly configFile: string;
    readonly placeholders: string[];
    readonly policyPack: { name: string; version: string; policies: { name: string; enforcementLevel: EnforcementLevel; description: string }[] };
    readonly policyConfig: unknown;
    readonly resourceCount: number;
    readonly workloads: (WorkloadRow & { verdicts: Record<string, Verdict> })[];
    readonly findings: Finding[];
    /** Findings that configured exceptions suppressed. */
    readonly exceptions: Finding[];
    /** Every exception the policy config grants, whether or not it suppressed anything. */
    readonly configuredExceptions: ConfiguredException[];
    readonly notApplicable: { policy: string; resource?: string; reason: string }[];
    /** Mandatory policies the config lowers (run with --allow-weakened-policies), each with what it finds at full strength. */
    readonly weakenedPolicies: (WeakenedPolicy & { wouldFind: Finding[] })[];
    readonly summary: { mandatory: number; advisory: number; exempted: number };
    /** URN to the URNs its `aliases` name (former names), for each resource that has any: how plan --compare follows a rename. */
    readonly aliases: Record<string, string[]>;
    readonly exitCode: typeof ExitCode.Ok | typeof ExitCode.Violation;
}

export function detail(message: string): string {
    const lines = message.split("\n");
    return (lines.length > 1 ? lines.slice(1) : lines).join(" ").trim();
}

/** Where a resource is declared: its own construction line, else its nearest parent's, else its name in the program source. */
export function locator(resources: readonly RecordedResource[], programDir: string): (urn: string) => SourceLocation | undefined {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    let sources: { file: string; lines: string[] }[] | undefined;
    const search = (name: string): SourceLocation | undefined => {
        sources ??= listSources(programDir).map((file) => ({ file, lines: fs.readFileSync(file, "utf8").split("\n") }));
        for (const s of sources) {
            for (let i = 0; i < s.lines.length; i++) {
                for (const q of ['"', "'", "`"]) {
                    const col = s.lines[i].indexOf(`${q}${name}${q}`);
                    if (col >= 0) return { file: s.file, line: i + 1, column: col + 1 };
                }
            }
        }
        return undefined;
    };
    return (urn) => {
        for (let r = byUrn.get(urn); r; r = r.parent ? byUrn.get(r.parent) : undefined) {
            if (r.location) return r.location;
        }
        const r = byUrn.get(urn);
        return r ? search(r.name) : undefined;
    };
}

function listSources(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.name === "node_modules" || e.name.startsWith(".")) continue;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...listSources(full));
        else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(full);
    }
    return out.sort();
}

export function buildReport(target: PlanTarget, resources: readonly RecordedResource[], evaluation: Evaluation): PlanReport {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const locate = locator(resources, target.programDir);
    const toFinding = (d: Diagnostic): Finding => {
        const r = byUrn.get(d.urn);
        return { policy: d.policyName, level: d.enforcementLevel, resource: r?.name ?? d.urn, type: r?.type ?? "", urn: d.urn, message: detail(d.message), location: locate(d.urn) };
    };
    const findings = evaluation.diagnostics.map(toFinding);
    const exceptions = evaluation.suppressed.map(toFinding);
    // Indexed by policy and resource: a large program has thousands of rows, findings and n/a answers.
    const at = (policy: string, urn: string | undefined) => `${policy}\u0000${urn ?? ""}`;
    const findingsAt = new Map<string, Finding[]>();
    for (const f of findings) {
        const same = findingsAt.get(at(f.policy, f.urn));
        if (same) same.push(f);
        else findingsAt.set(at(f.policy, f.urn), [f]);
    }
    const exemptAt = new Set(exceptions.map((f) => at(f.policy, f.urn)));
    const notApplicableAt = new Set(evaluation.notApplicable.map((n) => at(n.policyName, n.urn)));
    const packPolicies = new Set(evaluation.info.policies.map((p) => p.name));
    const rows = workloadRows(resources).map((row) => {
        const verdicts: Record<string, Verdict> = {};
        for (const policy of WORKLOAD_POLICIES) {
            if (!packPolicies.has(policy) || !POLICIES_JUDGING[row.kind].includes(policy)) continue;
            const mine = row.urns.flatMap((urn) => findingsAt.get(at(policy, urn)) ?? []);
            if (mine.some((f) => f.level === "mandatory")) verdicts[policy] = "FAIL";
            else if (mine.length > 0) verdicts[policy] = "warn";
            else if (row.urns.some((urn) => exemptAt.has(at(policy, urn)))) verdicts[policy] = "exempt";
            else if (policy === "image-host-compatibility" && row.hostBuild === "unknown") verdicts[policy] = "unchecked";
            else if (notApplicableAt.has(at(policy, row.urn))) verdicts[policy] = "n/a";
            else verdicts[policy] = "pass";
        }
        return { ...row, verdicts };
    });
    const mandatory = findings.filter((f) => f.level === "mandatory").length;
    const report: PlanReport = {
        schemaVersion: PLAN_SCHEMA_VERSION,
        project: target.config.project,
        stack: target.config.stack,
        program: target.programDir,
        configFile: target.configFile,
        placeholders: target.config.placeholders,
        policyPack: {
            name: evaluation.info.name,
            version: evaluation.info.version,
            policies: evaluation.info.policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel, description: p.description })),
        },
        policyConfig: evaluation.config,
        resourceCount: resources.length,
        workloads: rows,
        findings,
        exceptions,
        configuredExceptions: configuredExceptions(evaluation.config as Record<string, unknown>),
        notApplicable: evaluation.notApplicable.map((n) => ({ policy: n.policyName, resource: n.urn ? byUrn.get(n.urn)?.name : undefined, reason: n.reason })),
        weakenedPolicies: evaluation.weakened.map((w) => ({ policy: w.policy, level: w.level, setBy: w.setBy, wouldFind: w.wouldFind.map(toFinding) })),
        summary: { mandatory, advisory: findings.length - mandatory, exempted: exceptions.length },
        aliases: Object.fromEntries(resources.filter((r) => r.aliases && r.aliases.length > 0).map((r) => [r.urn, r.aliases as string[]])),
        exitCode: mandatory > 0 ? ExitCode.Violation : ExitCode.Ok,
    };
    return redact(report, secretValues(resources));
}

export function verdictText(v: Record<string, Verdict>): string {
    const notable = Object.entries(v).filter(([, x]) => x !== "pass" && x !== "n/a");
    return notable.length === 0 ? "ok" : notable.map(([p, x]) => `${x} ${p}`).join("; ");
}

const ALL_COLUMNS: [string, (r: PlanReport["workloads"][number]) => string][] = [
    ["workload", (r) => r.workload],
    ["host", (r) => r.host],
    ["image", (r) => r.image],
    ["image build", (r) => r.imageBuild],
    ["host build", (r) => r.hostBuild],
    ["trust", (r) => r.trust],
    ["requested", (r) => r.requestedIsolation],
    ["effective", (r) => r.effectiveIsolation],
    ["placement", (r) => r.placement],
    ["verdicts", (r) => verdictText(r.verdicts)],
];

function where(f: Finding, base: string): string {
    return f.location ? `${path.relative(base, f.location.file).split(path.sep).join("/")}:${f.location.line}` : "(location not found)";
}

function weakenedSummary(report: PlanReport): string {
    const n = report.weakenedPolicies.length;
    if (n === 0) return "";
    const would = report.weakenedPolicies.reduce((a, w) => a + w.wouldFind.length, 0);
    return `, ${n} mandatory polic${n === 1 ? "y" : "ies"} WEAKENED by config (${would} finding(s) at full strength)`;
}

/** The placement column only when some host declares swarm nodes; one host needs none. With --compare, a change column first. */
function columnsFor(report: PlanReport, compared?: Compared): typeof ALL_COLUMNS {
    const swarm = report.workloads.some((r) => !r.placement.startsWith("("));
    const columns = swarm ? ALL_COLUMNS : ALL_COLUMNS.filter(([h]) => h !== "placement");
    if (!compared) return columns;
    const change = changeCell(compared.comparison);
    return [["change", (r) => change(r.urn)], ...columns];
}

export function renderText(report: PlanReport, base: string, compared?: Compared): string {
    const COLUMNS = columnsFor(report, compared);
    const cells = report.workloads.map((r) => COLUMNS.map(([, get]) => textLine(get(r))));
    const widths = COLUMNS.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
    const out = [
        `Plan for stack '${report.stack}' of ${report.project} (${report.resourceCount} resources, policy pack ${report.policyPack.name}@${report.policyPack.version})`,
        "",
        line(COLUMNS.map(([h]) => h)),
        line(widths.map((w) => "-".repeat(w))),
        ...cells.map(line),
        "",
    ];
    if (report.workloads.length === 0) out.splice(2, 2, "(no workloads)");
    if (compared) out.splice(2, 0, ...leadText(compared.comparison, compared.base));
    const t = textLine;
    for (const f of report.findings) out.push(`${f.level === "mandatory" ? "VIOLATION" : "advisory "} ${f.policy} on ${t(f.resource)} (${t(f.type)}) at ${t(where(f, base))}: ${t(f.message)}`);
    for (const c of report.configuredExceptions) out.push(`Configured exception: ${t(c.policy)} ${c.kind} ${t(c.value)}${c.reason ? ` (reason: ${t(c.reason)})` : ""}`);
    for (const f of report.exceptions) out.push(`EXEMPTED  ${f.policy} on ${t(f.resource)} at ${t(where(f, base))} by policy config: ${t(f.message)}`);
    for (const w of report.weakenedPolicies) {
        out.push(`WEAKENED  ${describeWeakened(w)}, allowed by --allow-weakened-policies; at full strength it finds ${w.wouldFind.length}${w.wouldFind.length > 0 ? ":" : "."}`);
        for (const f of w.wouldFind) out.push(`  would be VIOLATION ${f.policy} on ${t(f.resource)} (${t(f.type)}) at ${t(where(f, base))}: ${t(f.message)}`);
    }
    if (report.placeholders.length > 0) out.push(`Secure config replaced by placeholders: ${report.placeholders.map(t).join(", ")}`);
    out.push(`Result: ${report.summary.mandatory} mandatory violation(s), ${report.summary.advisory} advisory, ${report.summary.exempted} exempted by config${weakenedSummary(report)}.`);
    return out.join("\n");
}

export function renderMarkdown(report: PlanReport, base: string, compared?: Compared): string {
    const COLUMNS = columnsFor(report, compared);
    const out = [
        `## Isolation plan: stack ${mdCode(report.stack)} of ${mdCode(report.project)}`,
        "",
        ...(compared ? leadMarkdown(compared.comparison, compared.base) : []),
        (report.summary.mandatory > 0
            ? `**${report.summary.mandatory} mandatory violation(s)**, ${report.summary.advisory} advisory, ${report.summary.exempted} exempted by config`
            : `No mandatory violations; ${report.summary.advisory} advisory, ${report.summary.exempted} exempted by config`) + `${weakenedSummary(report).replace("WEAKENED", "**weakened**")}.`,
        "",
        `| ${COLUMNS.map(([h]) => h).join(" | ")} |`,
        `| ${COLUMNS.map(() => "---").join(" | ")} |`,
        ...report.workloads.map((r) => `| ${COLUMNS.map(([, get]) => mdText(get(r))).join(" | ")} |`),
        "",
        ...mermaidSection(report, compared?.comparison),
    ];
    if (report.findings.length > 0) {
        out.push("### Findings", "");
        for (const f of report.findings) out.push(`- **${f.level}** ${mdCode(f.policy)} on ${mdCode(f.resource)} (${mdText(f.type)}) at ${mdCode(where(f, base))}: ${mdText(f.message)}`);
        out.push("");
    }
    if (report.weakenedPolicies.length > 0) {
        out.push("### Weakened policies", "");
        out.push("The policy config lowers these mandatory policies; the plan ran only because of `--allow-weakened-policies`.", "");
        for (const w of report.weakenedPolicies) {
            out.push(`- ${mdCode(w.policy)}: mandatory in the pack, set to **${mdText(w.level)}** by policy config key ${mdCode(w.setBy)}; at full strength it finds ${w.wouldFind.length}${w.wouldFind.length > 0 ? ":" : "."}`);
            for (const f of w.wouldFind) out.push(`  - on ${mdCode(f.resource)} (${mdText(f.type)}) at ${mdCode(where(f, base))}: ${mdText(f.message)}`);
        }
        out.push("");
    }
    out.push("### Exceptions", "");
    if (report.configuredExceptions.length === 0) {
        out.push(report.weakenedPolicies.length === 0 ? "The policy config grants no exceptions." : "The policy config grants no exemptions, but it weakens mandatory policies (above).");
    }
    for (const c of report.configuredExceptions) out.push(`- configured: ${mdCode(c.policy)} ${mdText(c.kind)} ${mdCode(c.value)}${c.reason ? ` (reason: ${mdText(c.reason)})` : ""}`);
    if (report.configuredExceptions.length > 0 && report.exceptions.length === 0) out.push("", "None suppressed a finding.");
    for (const f of report.exceptions) out.push(`- ${mdCode(f.policy)} on ${mdCode(f.resource)} at ${mdCode(where(f, base))} suppressed by policy config: ${mdText(f.message)}`);
    out.push("");
    if (report.placeholders.length > 0) out.push(`Secure config values replaced by marked placeholders: ${report.placeholders.map(mdCode).join(", ")}.`, "");
    out.push(`Policy pack ${mdCode(`${report.policyPack.name}@${report.policyPack.version}`)}: ${report.policyPack.policies.map((p) => `${mdCode(p.name)} (${p.enforcementLevel})`).join(", ")}. ${report.resourceCount} resources evaluated.`, "");
    return out.join("\n");
}
