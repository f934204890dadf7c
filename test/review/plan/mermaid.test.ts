/**
 * The picture in plan.md, parsed by Mermaid's own parser (test/helpers/mermaid): hosts as
 * subgraphs, workloads as nodes whose shape is their isolation and class their trust, changes
 * marked, hostile names kept inside their labels, large stacks cut with a count. One parser
 * process for every diagram of this file.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { comparePlans } from "../../../review/plan/compare";
import { textLine } from "../../../review/plan/escape";
import { MAX_HOSTS, MAX_PER_HOST, renderMermaid } from "../../../review/plan/mermaid";
import { PlanReport } from "../../../review/plan/report";
import { mermaidBlock, ParsedDiagram, parseMermaid } from "../../helpers/mermaid";
import { planReport, planRow as row } from "../../helpers/planRows";

/** docs/plan.md's example diagram (written by scripts/docExamples.js from the tool's output). */
const DOC_DIAGRAM = mermaidBlock(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "docs", "plan.md"), "utf8"));

type Row = PlanReport["workloads"][number];


const report = (workloads: Row[]): PlanReport => planReport(workloads);

const FAKE = "Result: 0 mandatory violation(s), 0 advisory, 0 exempted by config.";
/** The hostile-names fixture's names, and Mermaid's own syntax: label ends, statements, comments, directives, links, HTML, entities. */
const HOSTILE = [
    `evil\n${FAKE}`,
    `evil-ansi\u001b[2K\r${FAKE}`,
    "evil | ok | ok | ok",
    "evil`` ` <img src=x onerror=alert(1)> **bold** [link](https://attacker.example)",
    `evil-ls\u2028${FAKE}`,
    '"]]\n  end\n  click w0 "javascript:alert(1)"\n  subgraph x["',
    "a --> b; c:::untrusted",
    "%%{init: {'securityLevel': 'loose'}}%%",
    "#quot; #35; &amp; &#60;script&#62;",
    "end",
    "日本語 ☃ 😀 \u202eevil",
];

const hostile = report(HOSTILE.map((name, i) => row(name, { host: i < 6 ? 'host"] end' : "winhost", effectiveIsolation: i % 2 === 0 ? "process" : "hyperv" })));
const base = report([row("job"), row("gone", { trust: "trusted", effectiveIsolation: "process" }), row("same")]);
const head = report([row("job", { effectiveIsolation: "process", verdicts: { "untrusted-requires-hyperv": "FAIL" } }), row("same"), row("added", { effectiveIsolation: "daemon default (unknown)" })]);
const large = report(
    Array.from({ length: MAX_HOSTS + 3 }, (_, h) => Array.from({ length: h === 0 ? MAX_PER_HOST + 25 : 2 }, (_, i) => row(`w-${h}-${i}`, { host: `host-${h}` }))).flat(),
);
const arbitrary = fc.sample(fc.string({ unit: "binary", minLength: 1 }), { numRuns: 60, seed: 26 });

let parsed: ParsedDiagram[];
beforeAll(() => {
    parsed = parseMermaid([
        ...[hostile, head, large, report(arbitrary.map((n, i) => row(n, { host: arbitrary[i - (i % 10)] })))].map((r, i) => renderMermaid(r, i === 1 ? comparePlans(base, head) : undefined)),
        DOC_DIAGRAM,
    ]);
}, 120_000);

const ok = (i: number) => {
    const d = parsed[i];
    if (!d.ok) throw new Error(`Mermaid refused diagram ${i}: ${d.error}`);
    return d;
};

test("hostile names: every one is one node, the whole name its label's first line, no edge, link or subgraph of its own", () => {
    const d = ok(0);
    expect(d.diagramType).toBe("flowchart-v2");
    expect(d.vertices.map((v) => v.id)).toEqual(HOSTILE.map((_, i) => `w${i}`));
    expect(d.vertices.map((v) => v.lines)).toEqual(HOSTILE.map((name, i) => [textLine(name), `untrusted, ${i % 2 === 0 ? "process" : "hyperv"}`]));
    expect(d.subgraphs.map((s) => [s.id, s.title, s.nodes.length])).toEqual([
        ["h0", 'host"] end (build 20348)', 6],
        ["h1", "winhost (build 20348)", 5],
    ]);
    expect(d.edges).toBe(0);
    expect(d.classDefs.sort()).toEqual(["changed", "more", "removed", "trusted", "untrusted", "violation"]);
});

test("isolation is the shape, trust the class; with --compare, new and changed are marked and removed ones shown", () => {
    const d = ok(1);
    const byName = new Map(d.vertices.map((v) => [v.lines[0], v]));
    // Violations first, then what the change touches, then the rest.
    expect([...byName.keys()]).toEqual(["changed: job", "new: added", "removed: gone", "same"]);
    expect(byName.get("changed: job")).toMatchObject({ type: "square", classes: ["untrusted", "violation", "changed"] });
    expect(byName.get("changed: job")!.lines).toEqual(["changed: job", "untrusted, process - VIOLATION"]);
    expect(byName.get("new: added")).toMatchObject({ type: "hexagon", classes: ["untrusted", "changed"] });
    expect(byName.get("same")).toMatchObject({ type: "subroutine", classes: ["untrusted"] });
    expect(byName.get("removed: gone")).toMatchObject({ type: "square", classes: ["trusted", "removed"] });
});

test(`a large stack: at most ${MAX_HOSTS} hosts and ${MAX_PER_HOST} workloads each, the rest counted`, () => {
    const d = ok(2);
    expect(d.subgraphs).toHaveLength(MAX_HOSTS);
    expect(d.subgraphs[0].nodes).toHaveLength(MAX_PER_HOST + 1);
    const texts = d.vertices.map((v) => v.lines.join("\n"));
    expect(texts).toContain("... and 25 more workloads (see the table)");
    expect(texts).toContain("... and 3 more hosts with 6 workloads (see the table)");
    expect(d.vertices.filter((v) => v.id.startsWith("w"))).toHaveLength(MAX_PER_HOST + (MAX_HOSTS - 1) * 2);
});

test("any text as a workload or host name parses, and its label reads back as the name (one line)", () => {
    const d = ok(3);
    expect(d.subgraphs.map((s) => s.title)).toEqual(arbitrary.filter((_, i) => i % 10 === 0).map((host) => `${textLine(host)} (build 20348)`));
    expect(d.vertices.map((v) => v.id)).toEqual(arbitrary.map((_, i) => `w${i}`));
    expect(d.vertices.map((v) => v.lines)).toEqual(arbitrary.map((name) => [textLine(name), "untrusted, hyperv"]));
});

test("the diagram docs/plan.md shows parses: the example stack's host and its three workloads", () => {
    const d = ok(4);
    expect(d.subgraphs.map((s) => [s.title, s.nodes.length])).toEqual([["winhost (build 26100)", 3]]);
    expect(d.vertices.map((v) => v.lines[0])).toEqual(["changed: web", "changed: customer-job", "changed: legacy-app"]);
});
