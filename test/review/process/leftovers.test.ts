/**
 * The test run's leak guard (test/helpers/leaks): a policy pack server started by this run is
 * found through the run's token while it runs, and `stop` ends it, its whole process group.
 */
import { startPolicyPack } from "../../../review/analyzer/packServer";
import { groupMembers } from "../../../review/process/procfs";
import { leftovers, RUN_TOKEN_ENV } from "../../helpers/leaks/leftovers";
import { POLICY_DIR } from "../../helpers/policyPack";

test("a running pack server is a leftover of this run until stop() has ended its process group", async () => {
    const token = process.env[RUN_TOKEN_ENV];
    expect(token).toMatch(/^[0-9a-f-]{36}$/); // set by the unit project's globalSetup
    const pack = await startPolicyPack(POLICY_DIR);
    const pid = pack.process.pid!;
    expect(leftovers(token!).map((p) => p.pid)).toContain(pid);
    expect(groupMembers(pid).map((p) => p.pid)).toContain(pid);
    await pack.stop();
    expect(leftovers(token!).map((p) => p.pid)).not.toContain(pid);
    expect(groupMembers(pid)).toEqual([]);
}, 120_000);
