/**
 * The runner streams every resource to the plan and ends with one last message; the plan takes a
 * result only from that last message, with the count it received. A program that speaks on the
 * runner's channel itself gets a failed program (exit 2), never a report.
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

test("a last message whose count is not what the plan received: refused", async () => {
    const { run, wroteReport } = await plan("short-count");
    expect([run.code, wroteReport]).toEqual([2, false]);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process reported 7 resource\(s\) but the plan received 3; the plan judges no partial program/);
}, 120_000);
