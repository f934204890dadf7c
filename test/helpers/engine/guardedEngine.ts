/**
 * A test engine of its own with the built guard as its authorization plugin: the guard runs in the
 * engine's namespaces (started just before dockerd, so it ends with them), listens on a unix
 * socket, and dockerd finds it through `/etc/docker/plugins/windows-isolation-guard.spec` (in the
 * engine's mount namespace only) and daemon.json `authorization-plugins`, both written by
 * `windows-isolation guard install` as on a host you run.
 * One per test file that needs it; the shared engine stays unguarded.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Docker from "dockerode";
import { BUILT_CLI } from "../build/builtTools";
import { EngineState, startEngine, stopEngine } from "./engine";
import { sameNamespace } from "./namespace";
import { PLUGIN_NAME } from "../../../review/guard/protocol";
import { install } from "../../../review/guard/install/main";

export interface GuardedEngine {
    readonly state: EngineState;
    readonly auditFile: string;
    /** The guard's pid on this machine, while it runs. */
    guardPid(): number | undefined;
    /** A client on the unix socket (no TLS identity: a local caller). */
    local(timeoutMs?: number): Docker;
    /** A client with the engine's client certificate (CN "client"). */
    tls(timeoutMs?: number): Docker;
    stop(): Promise<void>;
}

/** Runs `guard install` into `dir`; its daemon.json and spec file, or throws with what it said. */
function installForEngine(dir: string, sock: string, settingsFile: string): { daemonJson: string; specFile: string } {
    const daemonJson = path.join(dir, "daemon.json");
    const pluginDir = path.join(dir, "plugins");
    const said: string[] = [];
    const code = install(["--platform", "linux", "--daemon-json", daemonJson, "--plugin-dir", pluginDir, "--listen", `unix://${sock}`, "--settings", settingsFile, "--guard", BUILT_CLI], (l) => said.push(l), (l) => said.push(l));
    if (code !== 0) throw new Error(`guard install exited ${code}: ${said.join("\n")}`);
    return { daemonJson, specFile: path.join(pluginDir, `${PLUGIN_NAME}.spec`) };
}

/**
 * A bare authorization plugin for benchmarks: it activates as `authz` and allows everything
 * after reading each message (as any plugin must), except a request that names `floor-probe`, which
 * it refuses, so a caller can tell whether the daemon asks it.
 */
export const FLOOR_PLUGIN = "allow-all-floor";
// No single quote inside: the engine's setup passes it to `node -e` in single quotes.
const FLOOR_SERVER = [
    `require("http").createServer((q, s) => { const c = []; q.on("data", (d) => c.push(d)); q.on("end", () => {`,
    `const u = q.url.split("?")[0];`,
    `const probe = u === "/AuthZPlugin.AuthZReq" && /floor-probe/.test(Buffer.concat(c).toString());`,
    `const b = u === "/Plugin.Activate" ? { Implements: ["authz"] } : probe ? { Allow: false, Msg: "floor-probe" } : { Allow: true };`,
    `s.writeHead(200, { "Content-Type": "application/vnd.docker.plugins.v1.2+json" }); s.end(JSON.stringify(b)); }); }).listen(process.argv[1]);`,
].join(" ");

export async function startGuardedEngine(settings: Record<string, unknown>, offAtStart = false, withFloor = false): Promise<GuardedEngine> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-engine-"));
    const sock = path.join(dir, "guard.sock");
    const auditFile = path.join(dir, "audit.log");
    const settingsFile = path.join(dir, "settings.json");
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, auditLog: auditFile }));
    const guard = `'${process.execPath}' '${BUILT_CLI}' guard --listen 'unix://${sock}' --settings '${settingsFile}' >>'${path.join(dir, "guard.log")}' 2>&1`;
    const floorSock = path.join(dir, "floor.sock");
    const floor = withFloor ? ` & '${process.execPath}' -e '${FLOOR_SERVER}' '${floorSock}'` : "";
    let state: EngineState;
    try {
        // daemon.json and the spec as `guard install` writes them for a host you run (Linux paths in the temp dir).
        const installed = offAtStart ? undefined : installForEngine(dir, sock, settingsFile);
        const alsoPlugins = withFloor ? [{ plugin: FLOOR_PLUGIN, specUrl: `unix://${floorSock}` }] : [];
        state = await startEngine({ authorization: { plugin: PLUGIN_NAME, specUrl: `unix://${sock}`, beforeDockerd: guard + floor, offAtStart, installed, alsoPlugins }, workloads: false });
    } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
    }
    const tlsFile = (f: string) => fs.readFileSync(path.join(state.tls.client, f));
    const port = Number(new URL(state.tcpEndpoint.replace("tcp:", "https:")).port);
    return {
        state,
        auditFile,
        // The node process itself, not the namespace's init shell whose script names it too.
        guardPid: () => sameNamespace(state.pids.init, "pid").find((p) => p.cmdline.startsWith(`${process.execPath} ${BUILT_CLI} guard`))?.pid,
        local: (timeout = 60000) => new Docker({ socketPath: state.unixEndpoint.slice("unix://".length), timeout }),
        tls: (timeout = 60000) => new Docker({ host: "127.0.0.1", port, protocol: "https", ca: tlsFile("ca.pem"), cert: tlsFile("cert.pem"), key: tlsFile("key.pem"), timeout }),
        async stop() {
            try {
                await stopEngine(state);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}
