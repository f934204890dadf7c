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

// process.exit(0) with the SDK's work pending: Pulumi's runtime turns it into code 1 (its leaked-promises check), as under `pulumi preview`.
test.each([
    ["early-done", "a forged last message, then an untrusted process-isolated service and process.exit(0) once it registered"],
    ["exit-after-declare", "process.exit(0) right after declaring an untrusted process-isolated service"],
])("%s (%s): a failed run, refused (exit 2)", async (fixture) => {
    const { run, wroteReport } = await plan(fixture);
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process exited with code 1: /);
}, 120_000);

test("exit code 0 past Pulumi's runtime (process.reallyExit) once its service registered: the runtime never signalled the end of the program, refused (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-silently");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process exited with code 0 before Pulumi's runtime signalled the end of the program/);
}, 120_000);

test("a transform that ends the program when the plan's monitor calls it: the registration waiting on it fails the plan (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-in-transform");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): transform of docker:index\/service:Service 'vanishing' failed: /);
}, 120_000);
