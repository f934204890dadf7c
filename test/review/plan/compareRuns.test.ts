/**
 * plan --compare end to end on a pair of programs of one stack (test/fixtures/programs/compare-base
 * and compare-head): an isolation downgrade, a finding fixed, a trust relabel, a new workload, a
 * removed one, renames through aliases (in the options and from a transform) and an image build
 * change, in one change. Four plan runs
 * in all; the diff's logic on its own is test/review/plan/compare.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, PlanRun, readJson, runPlan } from "../../helpers/planCli";

const program = (name: string) => path.join(FIXTURES, name);
const lines = (run: PlanRun) => run.stdout.split("\n");

let base: PlanRun;
let head: PlanRun;
beforeAll(async () => {
    base = await runPlan(["--program", program("compare-base"), "--stack", "test"]);
    head = await runPlan(["--program", program("compare-head"), "--stack", "test", "--compare", path.join(base.out, "plan.json")]);
}, 240_000);

test("the base plan records its schema version (and exits 1 for its own violation)", () => {
    expect(base.code).toBe(1);
    expect(readJson(path.join(base.out, "plan.json")).schemaVersion).toBe(1);
});

test("the change leads the console output, then the table with a change column per workload; exit 1, the plan's own verdict", () => {
    expect(head.code).toBe(1);
    const out = lines(head);
    const lead = out.slice(out.indexOf(out.find((l) => l.startsWith("Change against the base plan "))!) + 1, out.findIndex((l) => l.startsWith("change ")) - 1);
    expect(lead).toEqual([
        "  2 workloads change isolation: `job` hyperv → process (VIOLATION), `legacy` process → hyperv",
        "  1 workload changes trust: `reports-v2` untrusted → trusted",
        "  1 new workload: `new-api` (untrusted, hyperv, on winhost)",
        "  1 workload removed: `old-batch` (trusted, process, on winhost)",
        "  2 workloads renamed: `reports` → `reports-v2`, `web` → `frontend`",
        "  1 workload changes image: `builder` mcr.microsoft.com/windows/servercore:ltsc2019 → mcr.microsoft.com/windows/servercore:ltsc2022",
        "  1 workload changes image build: `builder` 17763 → 20348",
        "  2 workloads change verdicts: `job` ok → FAIL untrusted-requires-hyperv (VIOLATION), `legacy` FAIL untrusted-requires-hyperv → ok",
        "  Findings against the base: 1 new (1 mandatory), 1 fixed, 0 still there.",
        expect.stringMatching(/^ {4}new VIOLATION untrusted-requires-hyperv on `job`: trust 'untrusted' requires isolation 'hyperv', got 'process'/),
        expect.stringMatching(/^ {4}fixed VIOLATION untrusted-requires-hyperv on `legacy`: /),
    ]);
    const rows = out.filter((l) => /^\S.*\s{2}winhost\s/.test(l)).map((l) => l.split(/\s{2,}/).slice(0, 2));
    // In the report's stable order: by declaring line in compare-head/index.ts.
    expect(rows).toEqual([
        ["isolation, verdicts", "job"],
        ["isolation, verdicts", "legacy"],
        ["renamed from reports, trust", "reports-v2"],
        ["new", "new-api"],
        ["renamed from web", "frontend"],
        ["image, image build", "builder"],
    ]);
    const md = fs.readFileSync(path.join(head.out, "plan.md"), "utf8");
    expect(md.indexOf("### Change against the base plan")).toBeGreaterThan(0);
    expect(md.indexOf("### Change against the base plan")).toBeLessThan(md.indexOf("| change | workload |"));
    expect(md).toContain("- 2 workloads change isolation: `job` hyperv → process (VIOLATION), `legacy` process → hyperv");
    // The renames are in the plan through the aliases the program gives: one in the resource's options
    // (RegisterResourceRequest.aliases), one added by a stack transform (the engine's transform result).
    expect(Object.values(readJson(path.join(head.out, "plan.json")).aliases)).toEqual([
        ["urn:pulumi:test::compare::pulumi:pulumi:Stack$windows-isolation:index:WindowsContainer::reports"],
        ["urn:pulumi:test::compare::pulumi:pulumi:Stack$windows-isolation:index:WindowsContainer::web"],
    ]);
});

test("--fail-on-new-only: exit 1 for the change's new violation; exit 0 against a base that already had it", async () => {
    const againstBase = await runPlan(["--program", program("compare-head"), "--stack", "test", "--compare", path.join(base.out, "plan.json"), "--fail-on-new-only"]);
    expect(againstBase.code).toBe(1);
    const againstItself = await runPlan(["--program", program("compare-head"), "--stack", "test", "--compare", path.join(head.out, "plan.json"), "--fail-on-new-only"]);
    expect(lines(againstItself)).toContain("  Findings against the base: 0 new (0 mandatory), 0 fixed, 1 still there.");
    expect(lines(againstItself)).toContain("Result: 1 mandatory violation(s), 0 advisory, 0 exempted by config.");
    expect(againstItself.code).toBe(0);
}, 240_000);

describe("a base that cannot be compared: exit 2 with the reason, before the program runs", () => {
    const refused = async (name: string, content: string | undefined, extra: string[] = []) => {
        const file = path.join(base.out, name);
        if (content !== undefined) fs.writeFileSync(file, content);
        const run = await runPlan(["--program", program("compare-head"), "--stack", "test", "--compare", file, ...extra]);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe("");
        return run.stderr.trim();
    };
    const basePlan = () => readJson(path.join(base.out, "plan.json"));

    test("another stack, another schema version, a corrupt or missing file; --fail-on-new-only without --compare", async () => {
        expect(await refused("other-stack.json", JSON.stringify({ ...basePlan(), stack: "prod" }))).toMatch(
            /^plan: --compare .*other-stack.json: is the plan of stack "prod" of project "compare", and this plan is of stack "test" of project "compare"; compare plans of the same stack \(--stack\)$/,
        );
        expect(await refused("v2.json", JSON.stringify({ ...basePlan(), schemaVersion: 2 }))).toMatch(/^plan: --compare .*v2.json: schemaVersion 2, and this plan compares only schemaVersion 1; /);
        expect(await refused("corrupt.json", JSON.stringify(basePlan()).slice(0, 200))).toMatch(/^plan: --compare .*corrupt.json: not valid JSON \(.*\); pass the plan.json the plan wrote for the base$/);
        expect(await refused("missing.json", undefined)).toMatch(/^plan: --compare .*missing.json: cannot read it \(ENOENT\); /);
        const run = await runPlan(["--program", program("compare-head"), "--stack", "test", "--fail-on-new-only"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^plan: --fail-on-new-only: needs --compare <base plan.json>/);
    }, 120_000);
});
