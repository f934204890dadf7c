/**
 * Reports cannot be forged: resource names, labels and images with newlines, a fake `Result:`
 * line, terminal escapes, pipes, backticks and HTML (test/fixtures/programs/hostile-names) stay
 * inside their own cell and line in the console table and in plan.md.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { mdCode, mdText, textLine } from "../../../review/plan/escape";
import { mermaidBlock, parseMermaid } from "../../helpers/mermaid";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";

/** The cells a GFM table row splits into: pipes not escaped by a backslash. */
function liveCells(row: string): number {
    let pipes = 0;
    for (let i = 0; i < row.length; i++) {
        if (row[i] === "\\") i++;
        else if (row[i] === "|") pipes++;
    }
    return pipes - 1;
}

const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("hostile-names: five process-isolated untrusted services whose names try to forge the report", () => {
    let run: Awaited<ReturnType<typeof runPlan>>;
    beforeAll(async () => {
        run = await runPlan(["--program", path.join(FIXTURES, "hostile-names"), "--stack", "test"]);
    }, 120_000);

    test("exit 1; the console shows one Result line, the real one, and one table line per workload", () => {
        expect(run.code).toBe(1);
        const lines = run.stdout.split("\n");
        expect(lines.filter((l) => l.startsWith("Result:"))).toEqual(["Result: 6 mandatory violation(s), 1 advisory, 0 exempted by config."]);
        expect(lines.filter((l) => /^evil/.test(l))).toHaveLength(5);
        expect(lines.filter((l) => l.startsWith("VIOLATION untrusted-requires-hyperv on evil"))).toHaveLength(5);
        expect(run.stdout).not.toMatch(UNSAFE);
        expect(run.stdout).toContain("evil\\nResult: 0 mandatory violation(s)");
        expect(run.stdout).toContain("evil-ansi\\u001b[2K\\rResult: 0");
    });

    test("plan.md: every table row has exactly the header's cells, no HTML, no line that is not the tool's own", () => {
        const md = fs.readFileSync(path.join(run.out, "plan.md"), "utf8");
        const rows = md.split("\n").filter((l) => l.startsWith("|"));
        expect(rows).toHaveLength(2 + 5);
        for (const r of rows) expect(liveCells(r)).toBe(9);
        expect(md).not.toMatch(UNSAFE);
        for (const r of rows) expect(r.replace(/\\./g, "")).not.toMatch(/[<>`*[\]]/); // only escaped syntax characters
        // Every line is the tool's: a heading, a table row, a list item, a sentence it writes, or the diagram (parsed below).
        const outsideDiagram = md.replace(mermaidBlock(md), "");
        for (const l of outsideDiagram.split("\n").filter((x) => x !== "")) expect(l).toMatch(/^(## |### |\| |- \*\*|\*\*\d+ mandatory|The policy config|Policy pack |```mermaid$|```$|Box in a box: )/);
        expect(md).toMatch(/^\| evil \\\| ok \\\| ok \\\| ok \| winhost \|/m);
        expect(md).toMatch(/^\| evil\\`\\` \\` \\<img src=x onerror=alert\(1\)\\> \\\*\\\*bold\\\*\\\* \\\[link\\\]\(https:\/\/attacker\.example\) \|/m);
        // In a list item the name is one code span whose fence is longer than any backtick run in it.
        expect(md).toContain("on ```evil`` ` <img src=x onerror=alert(1)> **bold** [link](https://attacker.example)``` (");
    });

    test("plan.md's diagram: Mermaid's own parser finds one node per workload, each label the whole name, and nothing else", () => {
        const [diagram] = parseMermaid([mermaidBlock(fs.readFileSync(path.join(run.out, "plan.md"), "utf8"))]);
        if (!diagram.ok) throw new Error(`Mermaid refused the diagram: ${diagram.error}`);
        const names: string[] = readJson(path.join(run.out, "plan.json")).workloads.map((w: { workload: string }) => w.workload);
        expect(diagram.vertices.map((v) => v.lines[0]).sort()).toEqual(names.map(textLine).sort());
        expect(diagram.subgraphs.map((s) => s.title)).toEqual(["winhost (build 20348)"]);
        expect(diagram.edges).toBe(0);
    });

    test("plan.json keeps each name exactly as the program declared it", () => {
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.workloads.map((w: { workload: string }) => w.workload)).toContain("evil\nResult: 0 mandatory violation(s), 0 advisory, 0 exempted by config.");
    });
});

describe("the escapes, for any text", () => {
    test("textLine: one line, no control, separator or bidi character, and distinct texts stay distinct", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
                const t = textLine(a);
                expect(t).not.toMatch(/[\n\r\u2028\u2029]/);
                expect(t).not.toMatch(UNSAFE);
                if (a !== b) expect(textLine(b)).not.toBe(t);
            }),
        );
    });

    test("mdText: no live pipe, backtick, angle bracket or emphasis character", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary" }), (s) => {
                const m = mdText(s);
                expect(m).not.toMatch(/\n/);
                expect(liveCells(`|${m}|`)).toBe(1);
                // Every syntax character is preceded by a backslash that is not itself escaped.
                for (let i = 0; i < m.length; i++) {
                    if (m[i] === "\\") i++;
                    else expect("`*_~[]<>|&#!").not.toContain(m[i]);
                }
            }),
        );
    });

    test("mdCode: a single code span whatever backticks the text holds", () => {
        fc.assert(
            fc.property(fc.string({ unit: fc.constantFrom("`", "a", " ", "|", "<") }), (s) => {
                const c = mdCode(s);
                const fence = /^`+/.exec(c)![0];
                expect(c.endsWith(fence)).toBe(true);
                const inner = c.slice(fence.length, c.length - fence.length);
                // No backtick run inside is as long as the fence, so nothing closes it early.
                for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
                // What CommonMark shows: one space stripped from each end when both ends have one.
                const shown = inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "" ? inner.slice(1, -1) : inner;
                expect(shown).toBe(textLine(s));
            }),
        );
    });
});
