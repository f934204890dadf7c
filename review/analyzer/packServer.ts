/**
 * Starts a policy pack the way the Pulumi CLI does: `node @pulumi/pulumi/cmd/run-policy-pack
 * <engine-address> <pack-dir>` in the pack's directory. `new PolicyPack` then serves the
 * analyzer over gRPC on 127.0.0.1 and prints its port, which we read. The server leads its own
 * process group, registered with review/process/children, and `stop` ends the whole group.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { endGroup, track } from "../process/children";

export interface RunningPack {
    readonly port: number;
    readonly process: ChildProcess;
    stop(): Promise<void>;
}

export function startPolicyPack(packDir: string, timeoutMs = 120_000): Promise<RunningPack> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    // The engine address is only used to stream logs back; the pack serves without it. The
    // server also ends when its stdin closes, i.e. when whatever started it is gone, however it
    // went (a killed test worker, a SIGKILLed plan): it leads its own group, so no terminal
    // signal reaches it.
    const withParent = `process.stdin.on("end", () => process.exit(0)).on("error", () => process.exit(0)).resume();`;
    const start = `${withParent} process.argv = [process.argv[0], ${JSON.stringify(runner)}, "127.0.0.1:0", "."]; require(process.argv[1]);`;
    const child = track(
        spawn(process.execPath, ["-e", start], {
            cwd: path.resolve(packDir),
            stdio: ["pipe", "pipe", "pipe"],
            detached: true,
        }),
    );
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const stop = () => endGroup(child);
    return new Promise((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => {
            void stop();
            reject(new Error(`policy pack ${packDir} did not print its port within ${timeoutMs} ms: ${stderr.trim()}`));
        }, timeoutMs);
        child.stdout!.on("data", (d) => {
            out += String(d);
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve({ port: Number(m[1]), process: child, stop });
            }
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            void stop();
            reject(new Error(`policy pack ${packDir} exited with code ${code} before serving: ${stderr.trim()}`));
        });
    });
}
