/**
 * The program's process has no channel to the plan (Pulumi's runtime runs it, as under `pulumi
 * preview`): what the plan judges is what its monitor received, and a run counts only when it
 * ends as Pulumi's runtime ends a successful run (SignalAndWaitForShutdown, then exit 0). A
 * program that sends the plan a message of its own, or ends its own process, can only fail the
 * plan (exit 2, no report) or have it judge what the monitor received, never hide a resource.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, runPlan } from "../../helpers/planCli";

async function plan(name: string) {
    const run = await runPlan(["--program", path.join(FIXTURES, name), "--stack", "test"]);
    return { run, wroteReport: fs.existsSync(path.join(run.out, "plan.json")) };
}

test("a forged last message before the program's resources: no channel carries it, the hidden service is judged (exit 1)", async () => {
    const { run, wroteReport } = await plan("forged-done");
    expect([run.code, wroteReport]).toEqual([1, true]);
    const report = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8"));
    expect(report.findings.map((f: { policy: string; resource: string }) => [f.policy, f.resource])).toEqual([["untrusted-requires-hyperv", "hidden"]]);
}, 120_000);

const ENDED_EARLY = /failed \(stack test\): the program process exited with code 0 before Pulumi's runtime signalled the end of the program/;

test("a forged last message, then an untrusted process-isolated service and an exit with code 0 once it registered: not a finished run, refused (exit 2)", async () => {
    const { run, wroteReport } = await plan("early-done");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(ENDED_EARLY);
}, 120_000);

test("an exit with code 0 right after declaring an untrusted process-isolated service: not a finished run, refused (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-after-declare");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(ENDED_EARLY);
}, 120_000);

test("a transform that ends the program when the plan's monitor calls it: the registration waiting on it fails the plan (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-in-transform");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): transform of docker:index\/service:Service 'vanishing' failed: /);
}, 120_000);
