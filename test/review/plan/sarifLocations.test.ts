/* eslint-disable @typescript-eslint/no-explicit-any -- plan.sarif is read back as untyped JSON */
/**
 * SARIF locations code scanning can map: artifact URIs relative to the repository root (the
 * program's git root, or --source-root), also for a program outside the current directory.
 * The program here is bad-raw-service copied into a fresh git repository under the temp dir.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES, readJson, ROOT, runPlan } from "../../helpers/planCli";
import { validateSarif } from "../../helpers/sarifValidator";

let repo: string;
let program: string;
beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "wi-sarif-repo-"));
    expect(spawnSync("git", ["init", "-q", repo]).status).toBe(0);
    program = path.join(repo, "my stacks", "outside");
    fs.mkdirSync(program, { recursive: true });
    const source = path.join(FIXTURES, "bad-raw-service");
    for (const f of ["Pulumi.yaml", "Pulumi.test.yaml"]) fs.copyFileSync(path.join(source, f), path.join(program, f));
    // The same program, importing this repository's package (its built entry point) by absolute path.
    const index = fs.readFileSync(path.join(source, "index.ts"), "utf8").replace('"windows-isolation"', JSON.stringify(ROOT));
    expect(index).toContain(JSON.stringify(ROOT));
    fs.writeFileSync(path.join(program, "index.ts"), index);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

const locationsOf = (sarif: any) => sarif.runs[0].results.map((r: any) => [r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.artifactLocation.uriBaseId]);

test("a program in another git repository: URIs from that repository's root, percent-encoded; the validator is clean", async () => {
    expect(path.relative(ROOT, program).startsWith("..")).toBe(true); // outside the directory the plan runs in
    const run = await runPlan(["--program", program, "--stack", "test"]);
    expect(run.code).toBe(1);
    const sarif = readJson(path.join(run.out, "plan.sarif"));
    expect(locationsOf(sarif)).toEqual([["my%20stacks/outside/index.ts", "SRCROOT"]]);
    expect(sarif.runs[0].originalUriBaseIds.SRCROOT.uri).toBe(`file://${repo}/`);
    expect(fs.readFileSync(path.join(run.out, "plan.md"), "utf8")).toContain("at `my stacks/outside/index.ts:11`");
    // Only the warning every log of ours gets: the project has no public informationUri to name.
    expect(await validateSarif(sarif)).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
}, 120_000);

test("--source-root names the root instead", async () => {
    const run = await runPlan(["--program", program, "--stack", "test", "--source-root", path.join(repo, "my stacks")]);
    expect(run.code).toBe(1);
    const sarif = readJson(path.join(run.out, "plan.sarif"));
    expect(locationsOf(sarif)).toEqual([["outside/index.ts", "SRCROOT"]]);
    expect(sarif.runs[0].originalUriBaseIds.SRCROOT.uri).toBe(`file://${repo}/my%20stacks/`);
}, 120_000);

test("--source-root that does not hold the program: exit 2 before anything runs", async () => {
    const run = await runPlan(["--program", program, "--stack", "test", "--source-root", ROOT]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^plan: --source-root ${ROOT.replace(/[/.]/g, "\\$&")}: the program .* is not inside ${ROOT.replace(/[/.]/g, "\\$&")}; SARIF locations must be relative to the repository root that holds the program$`, "m"));
    expect(fs.existsSync(path.join(run.out, "plan.sarif"))).toBe(false);
}, 60_000);
