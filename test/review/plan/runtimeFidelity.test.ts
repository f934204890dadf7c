/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * Programs that differ between the way the plan used to run them and the way `pulumi preview`
 * runs them (issue 21). The plan now runs each under Pulumi's own Node.js runtime, so each is
 * judged as it deploys: the untrusted service each deploys process-isolated is a violation (exit
 * 1). On the merge base each of them passed the plan (exit 0).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";

const findings = (report: any) => report.findings.map((f: any) => [f.policy, f.resource]);

test.concurrent.each([
    ["entry-exports", "package.json \"exports\" names deploy.ts, which Pulumi runs instead of index.ts", "deploy.ts"],
    ["nodeargs-require", "Pulumi.yaml nodeargs --require ./telemetry.js rewrites every service as it registers", "index.ts"],
    ["class-fields", "no tsconfig.json: Pulumi's own TypeScript defaults (ES2020 class fields) keep 'process'", "index.ts"],
    ["detects-plan", "a program that looks for an IPC channel, Error.stackTraceLimit 0 or a plan variable finds none", "index.ts"],
])("%s (%s): exit 1, the service is judged as it deploys, at the line Pulumi ran", async (fixture, _why, file) => {
    const run = await runPlan(["--program", path.join(FIXTURES, fixture), "--stack", "test"]);
    expect(run.code).toBe(1);
    const report = readJson(path.join(run.out, "plan.json"));
    expect(findings(report)).toEqual([["untrusted-requires-hyperv", "tenant"]]);
    expect(report.workloads.map((w: any) => [w.workload, w.effectiveIsolation])).toEqual([["tenant", "process"]]);
    expect(run.stdout).toMatch(new RegExp(`^VIOLATION untrusted-requires-hyperv on tenant \\(docker:index/service:Service\\) at test/fixtures/programs/${fixture}/${file}:\\d+:`, "m"));
}, 180_000);

test("a detached, double-forked descendant of the program that waits for the report and rewrites it as clean: it ends with the program, the report stays as written", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-rewrite-"));
    const target = path.join(out, "plan.md");
    const run = await runPlan(["--program", path.join(FIXTURES, "detached-rewrite"), "--stack", "test"], { out, env: { REWRITE_TARGET: target, REWRITE_DELAY_MS: "300" } });
    expect(run.code).toBe(1);
    // Longer than the descendant's delay after the report appeared (it polls every 100 ms).
    await new Promise((r) => setTimeout(r, 3000));
    const report = fs.readFileSync(target, "utf8");
    expect(report).toMatch(/^\*\*1 mandatory violation\(s\)\*\*/m);
    expect(report).not.toMatch(/Result: 0 mandatory/);
    expect(fs.readdirSync(out).sort()).toEqual(["plan.json", "plan.md", "plan.sarif"]);
}, 180_000);
