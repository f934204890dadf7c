/**
 * No child process outlives the plan: a program that never ends is stopped by --timeout, and a
 * plan stopped by SIGTERM or SIGINT ends the program, the program's own subprocess and
 * the policy pack server. Checked in /proc, with real processes.
 */
import * as path from "path";
import { FIXTURES } from "../../helpers/planCli";
import { BIN_PLAN_ENTRY, PLAN_ENTRY, processesWith, startPlan, TOKEN_VAR, waitForProcesses } from "../../helpers/processes";

const neverEnds = path.join(FIXTURES, "never-ends");
const has = (ps: { cmdline: string }[], re: RegExp) => ps.some((p) => re.test(p.cmdline));

test.concurrent("--timeout stops a program that never ends: exit 2 naming the timeout and the resources registered; nothing survives", async () => {
    // A bound well above the program's start-up (Pulumi's runtime, ts-node and the SDK's load: a few
    // seconds of CPU) on a machine running a second suite beside this one, so the count the message names is
    // the program's 3 registrations, not a race with its start.
    const plan = startPlan(["--program", neverEnds, "--stack", "test", "--timeout", "45"]);
    const run = await plan.done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
        /^plan: the program test\/fixtures\/programs\/never-ends \(stack test\) did not finish within --timeout 45 s and was stopped; it had registered 3 resource\(s\); raise --timeout if it really needs longer$/m,
    );
    expect(run.stdout).toBe("");
    expect(processesWith(TOKEN_VAR, plan.token)).toEqual([]);
}, 120_000);

test.concurrent.each([
    ["SIGTERM", 143, "review/plan/main", PLAN_ENTRY],
    ["SIGINT", 130, "review/plan/main", PLAN_ENTRY],
    ["SIGTERM", 143, "windows-isolation plan", BIN_PLAN_ENTRY],
] as const)("a plan stopped by %s ends the program, its subprocess and the pack server (exit %d, started as %s)", async (signal, exitCode, _how, entry) => {
    const plan = startPlan(["--program", neverEnds, "--stack", "test"], [...entry]);
    const before = await waitForProcesses(plan.token, (ps) => has(ps, /@pulumi\/pulumi\/cmd\/run\/index\.js/) && has(ps, /^sleep 3600$/) && has(ps, /run-policy-pack/));
    expect(before.length).toBeGreaterThanOrEqual(4); // plan, the program (node under unshare and its init), sleep, pack server
    plan.child.kill(signal);
    const run = await plan.done;
    expect(run.code).toBe(exitCode);
    expect(run.stderr).toMatch(new RegExp(`^plan: stopped by ${signal}; ending 2 child process group\\(s\\)$`, "m"));
    expect(processesWith(TOKEN_VAR, plan.token)).toEqual([]);
}, 120_000);
