/** The policy pack servers and programs (under Pulumi's runtime) of one test run that are still alive. */
import { hasEnv, liveProcesses, ProcInfo } from "../../../review/process/procfs";

export const RUN_TOKEN_ENV = "WI_TEST_RUN_TOKEN";

/** Command lines of the children our tools start; any of them still running after the tests is a leak. */
const OUR_CHILDREN = /run-policy-pack|@pulumi\/pulumi\/cmd\/run\b/;

export function leftovers(token: string): ProcInfo[] {
    return liveProcesses().filter((p) => p.pid !== process.pid && OUR_CHILDREN.test(p.cmdline) && hasEnv(p.pid, RUN_TOKEN_ENV, token));
}
