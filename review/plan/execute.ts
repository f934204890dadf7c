/**
 * Runs the Pulumi program as `pulumi preview` runs it: Pulumi's own Node.js runtime
 * (`@pulumi/pulumi/cmd/run` of the program's SDK) with the arguments and environment Pulumi's
 * Node.js language host gives it (languageHost.ts), pointed at the plan's own monitor and engine
 * (monitorServer.ts) in this process. Nothing of the plan's is in the program's process: what the
 * plan judges, the declaring lines, the program's error and the secrets all come over Pulumi's own
 * protocol. The program runs in a PID namespace of its own (pidNamespace.ts): a timeout, or the
 * plan ending any other way, ends it and everything it started, detached or not. The result is
 * taken only after the namespace is gone, and only when the run ended as a successful run ends:
 * exit 0 after the runtime signalled the end of the program (SignalAndWaitForShutdown), no error
 * logged and nothing cut off or late at the monitor.
 */
import * as fs from "fs";
import { endGroup, track } from "../process/children";
import { containmentProblem, spawnInPidNamespace } from "../process/pidNamespace";
import { RecordedResource } from "../analyzer/resource";
import { defaultProviderLocation } from "./defaultProvider";
import { languageHostLaunch } from "./languageHost";
import { startMonitorServer } from "./monitorServer";
import { ProgramResult } from "./recorded";
import { longestFirst } from "./secrets";
import { PlanInputError, PlanTarget } from "./project";
import { inStableOrder } from "./stableOrder";

export interface ExecuteOptions {
    /** Called with the number of resources registered so far, while the program runs. */
    readonly onProgress?: (registered: number) => void;
    /** The program is stopped, and `ProgramTimeoutError` thrown, when it runs longer than this. */
    readonly timeoutSeconds?: number;
}

export class ProgramTimeoutError extends Error {
    constructor(
        readonly timeoutSeconds: number,
        readonly registered: number,
    ) {
        super(`did not finish within --timeout ${timeoutSeconds} s and was stopped; it had registered ${registered} resource(s)`);
    }
}

/** The language host's nodeJSProcessExitedAfterShowingUserActionableMessage: the runtime logged the program's error itself. */
const EXITED_AFTER_LOGGING = 32;
/** How much of the program's stderr is kept, for the last line of a program that failed without logging. */
const STDERR_TAIL = 64 * 1024;

export async function executeProgram(target: PlanTarget, opts: ExecuteOptions = {}): Promise<ProgramResult> {
    const problem = containmentProblem();
    if (problem) throw new PlanInputError(problem);
    const monitor = await startMonitorServer(target.config, target.programDir, opts.onProgress);
    let syncDir: string | undefined;
    try {
        const launch = languageHostLaunch(target, monitor.address);
        syncDir = launch.syncDir;
        const child = track(spawnInPidNamespace("node", launch.args, { cwd: target.programDir, env: launch.env }));
        const exited = new Promise<number | null>((resolve) =>
            child.once("exit", (code) => {
                monitor.runnerExited();
                resolve(code);
            }),
        );
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-STDERR_TAIL)));
        child.stdout!.on("data", () => undefined); // the program's own console output is not part of the plan
        let timedOut = false;
        const timer =
            opts.timeoutSeconds === undefined
                ? undefined
                : setTimeout(() => {
                      timedOut = true;
                      void endGroup(child, 0);
                      monitor.abort();
                  }, opts.timeoutSeconds * 1000);
        const code = await exited;
        // unshare has exited: its namespace, and everything the program started, is gone.
        await endGroup(child);
        // What the plan judges: what its monitor received, nothing after this.
        const received = await monitor.finish();
        clearTimeout(timer);
        if (timedOut) throw new ProgramTimeoutError(opts.timeoutSeconds!, monitor.registered());
        const secrets = longestFirst(received.secrets);
        const failed = (error: string): ProgramResult => ({ ok: false, error, secrets });
        if (received.failure !== undefined) return failed(received.failure);
        if (code !== 0) {
            const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(-1)[0];
            const what = code === EXITED_AFTER_LOGGING ? "after logging an error the plan did not receive" : `with code ${code}`;
            return failed(`the program process exited ${what}${lastLine ? `: ${lastLine}` : ""}`);
        }
        if (!received.shutdownSignalled) {
            return failed(
                "the program process exited with code 0 before Pulumi's runtime signalled the end of the program (did the program end its own process?); resources it had not yet registered are unknown, and the plan judges no partial program",
            );
        }
        return { ok: true, resources: inStableOrder(located(received.resources, target.configFile)), outputs: received.outputs, secrets };
    } finally {
        monitor.abort();
        if (syncDir) fs.rmSync(syncDir, { recursive: true, force: true });
    }
}

/** A default provider at its package's config in the stack file (it has no declaring line). */
function located(resources: readonly RecordedResource[], configFile: string | undefined): RecordedResource[] {
    return resources.map((r) => {
        if (!r.defaultProvider) return r;
        const where = defaultProviderLocation(configFile, r.type.slice("pulumi:providers:".length));
        return where ? { ...r, location: where } : r;
    });
}
