/** plan --compare's pure parts on plan.json objects: the diff, the exit code of both modes, the base plan's checks, the lead lines. */
import { BasePlanError, checkBasePlan, ComparablePlan } from "../../../review/plan/basePlan";
import { comparedExitCode, comparePlans } from "../../../review/plan/compare";
import { leadLines, leadMarkdown, leadText, NAMES_PER_LINE } from "../../../review/plan/compareReport";
import { Finding, PLAN_SCHEMA_VERSION, renderMarkdown, renderText } from "../../../review/plan/report";
import { planReport, planRow as row, urnOf } from "../../helpers/planRows";

type Row = ComparablePlan["workloads"][number];


function finding(name: string, policy = "untrusted-requires-hyperv", level: Finding["level"] = "mandatory"): Finding {
    return { policy, level, resource: name, type: "docker:index/service:Service", urn: urnOf(name), message: `${policy} on ${name}` };
}

function plan(workloads: Row[], findings: Finding[] = [], aliases: Record<string, string[]> = {}): ComparablePlan {
    return { schemaVersion: PLAN_SCHEMA_VERSION, project: "demo", stack: "dev", workloads, findings, aliases };
}

const FAIL = { "untrusted-requires-hyperv": "FAIL" } as const;

describe("comparePlans", () => {
    test("an isolation downgrade: the row changes isolation and verdicts, its finding is new, and both modes exit 1", () => {
        const base = plan([row("job")]);
        const head = plan([row("job", { requestedIsolation: "process", effectiveIsolation: "process", verdicts: FAIL })], [finding("job")]);
        const c = comparePlans(base, head);
        expect(c.workloads.map((w) => [w.status, w.workload, w.changes, w.violation])).toEqual([
            [
                "changed",
                "job",
                [
                    { field: "isolation", from: "hyperv", to: "process" },
                    { field: "verdicts", from: "ok", to: "FAIL untrusted-requires-hyperv" },
                ],
                true,
            ],
        ]);
        expect(c.findings.map((f) => [f.status, f.finding.resource])).toEqual([["new", "job"]]);
        expect(comparedExitCode(1, c, false)).toBe(1);
        expect(comparedExitCode(1, c, true)).toBe(1);
        expect(leadLines(c).map((l) => l.pieces.map((p) => ("words" in p ? p.words : "name" in p ? `\`${p.name}\`` : p.value)).join(""))[0]).toBe(
            "1 workload changes isolation: `job` hyperv → process (VIOLATION)",
        );
    });

    test("a known finding still there: the plan's own verdict is kept (exit 1), --fail-on-new-only passes it (exit 0)", () => {
        const p = plan([row("legacy", { effectiveIsolation: "process", verdicts: FAIL })], [finding("legacy")]);
        const c = comparePlans(p, p);
        expect(c.workloads.map((w) => w.status)).toEqual(["unchanged"]);
        expect(c.findings.map((f) => f.status)).toEqual(["still there"]);
        expect(comparedExitCode(1, c, false)).toBe(1);
        expect(comparedExitCode(1, c, true)).toBe(0);
    });

    test("a finding fixed and an advisory one new: --fail-on-new-only exits 0 (advisories never fail), the plan's verdict stays", () => {
        const base = plan([row("legacy", { effectiveIsolation: "process", verdicts: FAIL }), row("api")], [finding("legacy")]);
        const head = plan([row("legacy"), row("api", { verdicts: { "pinned-image": "warn" } })], [finding("api", "pinned-image", "advisory")]);
        const c = comparePlans(base, head);
        expect(c.findings.map((f) => [f.status, f.finding.policy, f.finding.resource])).toEqual([
            ["new", "pinned-image", "api"],
            ["fixed", "untrusted-requires-hyperv", "legacy"],
        ]);
        expect(c.counts).toEqual({ new: 1, newMandatory: 0, fixed: 1, stillThere: 0 });
        expect(comparedExitCode(0, c, false)).toBe(0);
        expect(comparedExitCode(0, c, true)).toBe(0);
    });

    test("trust relabel, image build, host: each a field of the changed row; added and removed workloads", () => {
        const base = plan([row("reports"), row("builder", { imageBuild: "17763" }), row("old-batch", { trust: "trusted" })]);
        const head = plan([row("reports", { trust: "trusted" }), row("builder", { host: "other", hostBuild: "26100" }), row("new-api")]);
        const c = comparePlans(base, head);
        expect(c.workloads.map((w) => [w.status, w.workload, w.changes.map((x) => `${x.field}: ${x.from} → ${x.to}`)])).toEqual([
            ["changed", "reports", ["trust: untrusted → trusted"]],
            ["changed", "builder", ["image build: 17763 → 20348", "host: winhost → other", "host build: 20348 → 26100"]],
            ["added", "new-api", []],
            ["removed", "old-batch", []],
        ]);
    });

    test("a rename through an alias matches the old row, in the plan's URN form or the engine's; without the alias it is removed + added", () => {
        const base = plan([row("web")], [finding("web")]);
        const renamed = { ...row("frontend"), verdicts: FAIL };
        for (const alias of [urnOf("web"), "urn:pulumi:dev::demo::docker:index/service:Service::web"]) {
            const c = comparePlans(base, plan([renamed], [finding("frontend")], { [urnOf("frontend")]: [alias] }));
            expect(c.workloads.map((w) => [w.status, w.workload, w.renamedFrom, w.changes.map((x) => x.field)])).toEqual([["changed", "frontend", "web", ["verdicts"]]]);
            expect(c.findings.map((f) => f.status)).toEqual(["still there"]);
        }
        const unaliased = comparePlans(base, plan([renamed], [finding("frontend")]));
        expect(unaliased.workloads.map((w) => [w.status, w.workload])).toEqual([
            ["added", "frontend"],
            ["removed", "web"],
        ]);
        expect(unaliased.findings.map((f) => f.status)).toEqual(["new", "fixed"]);
        expect(comparedExitCode(1, unaliased, true)).toBe(1);
    });

    test("findings count as a multiset: two of one policy on one resource in the head, one in the base, is one new", () => {
        const base = plan([row("a")], [finding("a")]);
        const head = plan([row("a")], [finding("a"), finding("a")]);
        expect(comparePlans(base, head).findings.map((f) => f.status)).toEqual(["still there", "new"]);
    });

    test("the same plan compared with itself: every row unchanged, one lead line that says so", () => {
        const p = plan([row("a"), row("b")]);
        const c = comparePlans(p, p);
        expect(leadText(c, "base/plan.json")).toEqual([
            "Change against the base plan base/plan.json:",
            "  No workload changes isolation, trust, image, image build, host or verdicts (2 workloads compared).",
            "  Findings against the base: 0 new (0 mandatory), 0 fixed, 0 still there.",
            "",
        ]);
    });

    test(`a lead line names at most ${NAMES_PER_LINE} workloads, then how many more`, () => {
        const names = Array.from({ length: NAMES_PER_LINE + 3 }, (_, i) => `w${i}`);
        const c = comparePlans(plan(names.map((n) => row(n))), plan(names.map((n) => row(n, { effectiveIsolation: "process" }))));
        const [line] = leadText(c, "b").slice(1);
        expect(line).toMatch(/^ {2}13 workloads change isolation: `w0` hyperv → process, .*`w9` hyperv → process, and 3 more \(see the table\)$/);
    });

    test("hostile names and values stay inside their code span and cell in the markdown lead and the table", () => {
        const evil = "evil`` ` | x\n## Result: ok <img src=x>";
        const base = plan([row(evil)]);
        const head = plan([row(evil, { effectiveIsolation: "process|\n- fake" })]);
        const lines = leadMarkdown(comparePlans(base, head), "base\n# x");
        expect(lines[0]).toBe("### Change against the base plan `base\\n# x`");
        expect(lines[2]).toBe("- 1 workload changes isolation: ```evil`` ` | x\\n## Result: ok <img src=x>``` hyperv → process\\|\\\\n- fake");
        expect(lines.every((l) => !l.includes("\n"))).toBe(true);
    });
});

describe("the reports with a comparison", () => {
    const report = planReport;

    test("lead with the change, then the full table with a change column", () => {
        const head = report([row("job", { effectiveIsolation: "process", verdicts: FAIL }), row("new-api")], [finding("job")]);
        const compared = { comparison: comparePlans(plan([row("job")]), head), base: "base.json" };
        const text = renderText(head, "/", compared).split("\n");
        expect(text.slice(2, 4)).toEqual(["Change against the base plan base.json:", "  1 workload changes isolation: `job` hyperv → process (VIOLATION)"]);
        const table = text.findIndex((l) => l.startsWith("change "));
        expect(table).toBeGreaterThan(3);
        expect(text[table + 2]).toMatch(/^isolation, verdicts\s+job\s+winhost/);
        expect(text[table + 3]).toMatch(/^new\s+new-api\s+winhost/);
        const md = renderMarkdown(head, "/", compared).split("\n");
        expect(md.slice(0, 5)).toEqual(["## Isolation plan: stack `dev` of `demo`", "", "### Change against the base plan `base.json`", "", "- 1 workload changes isolation: `job` hyperv → process (VIOLATION)"]);
        expect(md).toContain("| change | workload | host | image | image build | host build | trust | requested | effective | verdicts |");
        expect(md.indexOf("### Change against the base plan `base.json`")).toBeLessThan(md.findIndex((l) => l.startsWith("| change")));
    });
});

describe("checkBasePlan: a base that cannot be compared is an error, never an empty diff", () => {
    const head = { project: "demo", stack: "dev" };
    const good = plan([row("a")], [finding("a")]);
    const refused = (parsed: unknown) => {
        try {
            checkBasePlan(parsed, "base.json", head);
        } catch (e) {
            expect(e).toBeInstanceOf(BasePlanError);
            return (e as Error).message;
        }
        throw new Error("accepted");
    };

    test("a good base is read as it is", () => {
        expect(checkBasePlan(JSON.parse(JSON.stringify(good)), "base.json", head)).toEqual(good);
    });

    test("another schema version, or none", () => {
        expect(refused({ ...good, schemaVersion: 2 })).toBe("--compare base.json: schemaVersion 2, and this plan compares only schemaVersion 1; make the base plan with the same windows-isolation version");
        const old: Record<string, unknown> = { ...good };
        delete old.schemaVersion;
        expect(refused(old)).toMatch(/^--compare base.json: has no schemaVersion \(written by an older plan, or not a plan.json\); run the plan of this version on the base again$/);
    });

    test("another stack or project", () => {
        expect(refused({ ...good, stack: "prod" })).toBe(
            '--compare base.json: is the plan of stack "prod" of project "demo", and this plan is of stack "dev" of project "demo"; compare plans of the same stack (--stack)',
        );
        expect(refused({ ...good, project: "other" })).toMatch(/of project "other"/);
    });

    test("a damaged file: not an object, missing or mistyped fields, each named", () => {
        expect(refused([])).toMatch(/not a plan.json \(the file holds an array, not an object\)/);
        expect(refused(null)).toMatch(/holds null/);
        expect(refused({ ...good, workloads: {} })).toBe("--compare base.json: damaged plan.json (workloads: expected an array, got object); make the base plan again");
        expect(refused({ ...good, workloads: [{ ...row("a"), effectiveIsolation: 3 }], findings: [{ ...finding("a"), urn: undefined }] })).toBe(
            "--compare base.json: damaged plan.json (workloads[0].effectiveIsolation: expected a string, got number; findings[0].urn: expected a string, got undefined); make the base plan again",
        );
        const noAliases: Record<string, unknown> = { ...good };
        delete noAliases.aliases;
        expect(refused(noAliases)).toMatch(/aliases: expected an object of URN to alias URNs, got undefined/);
    });
});
