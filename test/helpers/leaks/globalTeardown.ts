/**
 * Fails the test run when a policy pack server or program runner that this run started is
 * still alive: every test and tool must end the children it starts. The leftovers are killed
 * (by pid, only this run's) so a failed run does not leave them behind either.
 */
import { leftovers, RUN_TOKEN_ENV } from "./leftovers";

export default async function globalTeardown(): Promise<void> {
    const token = process.env[RUN_TOKEN_ENV];
    if (!token) return;
    const left = leftovers(token);
    if (left.length === 0) return;
    for (const p of left) {
        try {
            process.kill(p.pid, "SIGKILL");
        } catch {
            // gone meanwhile
        }
    }
    throw new Error(`the tests left ${left.length} child process(es) running (now killed): ${left.map((p) => `${p.pid} ${p.cmdline}`).join("; ")}`);
}
