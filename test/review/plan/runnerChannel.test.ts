/**
 * The runner's IPC channel carries nothing the plan judges (the resources are what the plan's own
 * monitor received), and ends with one last message. A program that speaks on that channel
 * itself can only fail the plan (exit 2, no report) or have it judge what the monitor received,
 * never hide a resource.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, runPlan } from "../../helpers/planCli";

async function plan(name: string) {
    const run = await runPlan(["--program", path.join(FIXTURES, name), "--stack", "test"]);
    return { run, wroteReport: fs.existsSync(path.join(run.out, "plan.json")) };
}

test("a forged last message before the program's resources: refused, as anything after the last message is", async () => {
    const { run, wroteReport } = await plan("forged-done");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process sent more after its last message/);
}, 120_000);

test("a well-formed ok last message sent early, then an untrusted process-isolated service and an exit with code 0: the service that reached the plan's monitor is judged (exit 1)", async () => {
    const { run, wroteReport } = await plan("early-done");
    expect([run.code, wroteReport]).toEqual([1, true]);
    const report = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8"));
    expect(report.findings.map((f: { policy: string; resource: string }) => [f.policy, f.resource])).toEqual([["untrusted-requires-hyperv", "late"]]);
}, 120_000);

test("an exit with code 0 right after declaring an untrusted process-isolated service: no last message, refused (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-after-declare");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process exited with code/);
}, 120_000);

test("a transform that ends the program when the plan's monitor calls it: the registration waiting on it fails the plan (exit 2)", async () => {
    const { run, wroteReport } = await plan("exit-in-transform");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): transform of docker:index\/service:Service 'vanishing' failed: /);
}, 120_000);
