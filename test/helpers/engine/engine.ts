/**
 * A real Docker engine for the verify tests: Debian's dockerd in network, PID and mount namespaces
 * of its own (namespace.ts: its bridges, swarm ports and VXLAN never touch the host network, and
 * its processes and mounts end with the process that started it, however that ends), reachable
 * from the host only through its unix socket and one TLS port relayed to 127.0.0.1. TLS is end to
 * end between verify and dockerd; the relays copy bytes.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";
import { ISOLATION_LABEL, TRUST_LABEL, WORKLOAD_LABEL } from "../../../rules";
import { removeEngineCgroups, removeStaleEngineCgroups } from "./engineCgroups";
import { makeEngineDir, removeStaleEngineDirs } from "./engineDir";
import { isRunning } from "../../../review/process/procfs";
import { enter, findInit, hostPid, initScript, startNamespaces } from "./namespace";

export const STATE_ENV = "WI_VERIFY_ENGINE_STATE";
export const IMAGE = "wi-busybox:1";
const INNER_TLS_PORT = 2376;

/** What the tests read (written to a JSON file by globalSetup). */
export interface EngineState {
    readonly dir: string;
    readonly unixEndpoint: string;
    readonly tcpEndpoint: string;
    /** A 127.0.0.1 port nothing listens on. */
    readonly closedPort: number;
    readonly tls: {
        readonly client: string;
        /** Client certificate signed by a CA the engine does not trust (right CA for the server). */
        readonly rogueClient: string;
        /** Right client certificate, but a CA that did not sign the engine's certificate. */
        readonly wrongCa: string;
    };
    /**
     * This machine's pids: unshare, the namespaces' init (its child), dockerd, and the nsenter
     * that started each relay inside the engine's PID namespace.
     */
    readonly pids: { readonly unshare: number; readonly init: number; readonly dockerd: number; readonly innerRelay: number; readonly outerRelay: number };
    readonly timingsMs: { readonly engineReady: number; readonly workloadsReady: number };
    readonly dockerdVersion: string;
}

// Byte relay: "unix-to-tcp <socket> <host:port>" (inside the engine's namespace) or
// "tcp-to-unix - <socket>" (on the host, 127.0.0.1, prints the port it got).
const RELAY = `
const net = require("net");
const [mode, listenOn, target] = process.argv.slice(1);
const dial = mode === "tcp-to-unix" ? () => net.connect(target) : () => { const [h, p] = target.split(":"); return net.connect(Number(p), h); };
const server = net.createServer((c) => {
  const u = dial();
  c.pipe(u); u.pipe(c);
  const end = () => { c.destroy(); u.destroy(); };
  c.on("error", end); u.on("error", end); c.on("close", end); u.on("close", end);
});
if (mode === "tcp-to-unix") server.listen(0, "127.0.0.1", () => console.log(String(server.address().port)));
else server.listen(listenOn, () => console.log("ready"));
`;

function run(cmd: string, args: string[], cwd?: string): string {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function which(cmd: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
        const p = path.join(dir, cmd);
        if (fs.existsSync(p)) return p;
    }
    return undefined;
}

function need(cmd: string, pkg: string): string {
    const p = which(cmd);
    if (!p) throw new Error(`verify engine tests need '${cmd}' (Debian package ${pkg}); .ci/run installs it`);
    return p;
}

/** The bundles makeCertificates writes: the engine's (server) and the clients'. */
export type EngineTls = EngineState["tls"] & { readonly server: string };

/** CA, engine (server) and client certificates, plus a rogue CA, with the openssl CLI. */
export function makeCertificates(dir: string): EngineTls {
    const c = path.join(dir, "pki");
    fs.mkdirSync(c, { recursive: true });
    const openssl = (...args: string[]) => run("openssl", args, c);
    const ca = (name: string) => {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", `/CN=${name}`, "-keyout", `${name}-key.pem`, "-out", `${name}.pem`);
    };
    const leaf = (name: string, caName: string, ext: string) => {
        fs.writeFileSync(path.join(c, `${name}.ext`), ext);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${name}`,
            "-keyout", `${name}-key.pem`, "-out", `${name}.csr`);
        openssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${caName}.pem`, "-CAkey", `${caName}-key.pem`, "-CAcreateserial",
            "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
    };
    ca("test-ca");
    ca("rogue-ca");
    leaf("engine", "test-ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    leaf("client", "test-ca", "extendedKeyUsage=clientAuth\n");
    leaf("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n");
    const bundle = (name: string, caFile: string, cert: string) => {
        const d = path.join(dir, "tls", name);
        fs.mkdirSync(d, { recursive: true });
        fs.copyFileSync(path.join(c, `${caFile}.pem`), path.join(d, "ca.pem"));
        fs.copyFileSync(path.join(c, `${cert}.pem`), path.join(d, "cert.pem"));
        fs.copyFileSync(path.join(c, `${cert}-key.pem`), path.join(d, "key.pem"));
        return d;
    };
    return {
        server: bundle("server", "test-ca", "engine"),
        client: bundle("client", "test-ca", "client"),
        rogueClient: bundle("rogue-client", "test-ca", "rogue-client"),
        wrongCa: bundle("wrong-ca", "rogue-ca", "client"),
    };
}

async function freePort(): Promise<number> {
    const net = await import("node:net");
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

function firstLine(child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        let buf = "";
        const timer = setTimeout(() => reject(new Error(`${what}: no output within ${timeoutMs}ms`)), timeoutMs);
        child.stdout!.on("data", (d: Buffer) => {
            buf += d.toString();
            const nl = buf.indexOf("\n");
            if (nl >= 0) {
                clearTimeout(timer);
                resolve(buf.slice(0, nl).trim());
            }
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`${what} exited (${code}) before it was ready`));
        });
    });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, log?: string, gone?: () => string | undefined): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
        const why = gone?.();
        if (why) {
            last = why;
            break;
        }
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    const tail = log && fs.existsSync(log) ? `\n--- ${log} (tail) ---\n${fs.readFileSync(log, "utf8").split("\n").slice(-25).join("\n")}` : "";
    throw new Error(`${what}: not ready (${String(last ?? `no answer within ${timeoutMs}ms`)})${tail}`);
}

async function drain(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
}

/** Image from a local rootfs: a static busybox, imported (no registry is reachable). */
async function importImage(docker: Docker, dir: string): Promise<void> {
    const busybox = need("busybox", "busybox-static");
    const ldd = (() => {
        try {
            return run("ldd", [busybox]);
        } catch (e) {
            return String((e as { stdout?: string }).stdout ?? "") + String((e as { stderr?: string }).stderr ?? "");
        }
    })();
    if (!/not a dynamic executable|statically linked/.test(ldd)) throw new Error(`${busybox} is not static (ldd: ${ldd.trim()}); install busybox-static`);
    const rootfs = path.join(dir, "rootfs");
    fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
    fs.copyFileSync(busybox, path.join(rootfs, "bin", "busybox"));
    fs.chmodSync(path.join(rootfs, "bin", "busybox"), 0o755);
    for (const applet of ["sh", "sleep"]) fs.symlinkSync("busybox", path.join(rootfs, "bin", applet));
    const tar = path.join(dir, "rootfs.tar");
    run("tar", ["-C", rootfs, "-cf", tar, "."]);
    const [repo, tag] = IMAGE.split(":");
    await drain(docker, await docker.importImage(tar, { repo, tag }));
}

const labels = (workload: string, trust?: string, isolation?: string): Record<string, string> => ({
    [WORKLOAD_LABEL]: workload,
    ...(trust ? { [TRUST_LABEL]: trust } : {}),
    ...(isolation ? { [ISOLATION_LABEL]: isolation } : {}),
});

/** Plain containers (as `docker run` would start them) and two swarm services. */
async function startWorkloads(docker: Docker): Promise<void> {
    const containers: [string, Record<string, string>, string?][] = [
        ["wi-customer-job", labels("customer-job", "untrusted", "hyperv")],
        ["wi-web", labels("web", "trusted", "process"), "default"],
        ["wi-bad-label", { [TRUST_LABEL]: "maybe", [ISOLATION_LABEL]: "hyperv" }],
        ["wi-handmade", {}],
    ];
    for (const [name, l, isolation] of containers) {
        const c = await docker.createContainer({
            name,
            Image: IMAGE,
            Cmd: ["/bin/sleep", "3600"],
            Labels: l,
            // busybox sleep as PID 1 ignores SIGTERM; SIGKILL keeps the engine's shutdown short.
            StopSignal: "SIGKILL",
            HostConfig: { NetworkMode: "none", ...(isolation ? { Isolation: isolation as "default" } : {}) },
        });
        await c.start();
    }
    await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1:2377" });
    // The same shape WindowsContainer gives its docker.Service: labels on service and container.
    const service = (name: string, l: Record<string, string>, isolation: "default" | "hyperv") =>
        docker.createService({
            Name: name,
            Labels: l,
            TaskTemplate: {
                ContainerSpec: { Image: IMAGE, Command: ["/bin/sleep", "3600"], Labels: l, Isolation: isolation, StopSignal: "SIGKILL" },
                RestartPolicy: { Condition: "none" },
            },
            Mode: { Replicated: { Replicas: 1 } },
        });
    await service("wi-svc-legacy", labels("legacy-app", "trusted", "hyperv"), "default");
    await service("wi-svc-isolated", labels("isolated-job", "untrusted", "hyperv"), "hyperv");
    await until("swarm tasks", 180000, async () => {
        const tasks = await docker.listTasks();
        const running = tasks.some((t) => t.Status?.State === "running");
        const refused = tasks.some((t) => t.Status?.State === "rejected");
        return running && refused ? true : undefined;
    });
}

/** Options for an engine of one's own; the shared engine uses none of them. */
export interface EngineOptions {
    /**
     * An authorization plugin: its spec file (`<name>.spec` holding `specUrl`) is put in
     * /etc/docker/plugins inside the engine's mount namespace only (a tmpfs over /etc/docker
     * there), daemon.json names it in `authorization-plugins`, and `beforeDockerd` (a shell
     * command, e.g. the plugin itself) runs in the background in the engine's namespaces just
     * before dockerd, so that it ends with them.
     */
    readonly authorization?: {
        readonly plugin: string;
        readonly specUrl: string;
        readonly beforeDockerd?: string;
        /** Leave daemon.json without the plugin (a reload adds it later; dockerd cannot reload it away). */
        readonly offAtStart?: boolean;
        /** daemon.json and the spec file as something else wrote them (`guard install`), used as they are. */
        readonly installed?: { readonly daemonJson: string; readonly specFile: string };
        /** Further plugins' spec files for /etc/docker/plugins (a benchmark's floor), named by no daemon.json at start. */
        readonly alsoPlugins?: readonly { readonly plugin: string; readonly specUrl: string }[];
    };
    /** Start the labelled containers and swarm services the verify tests read (default true). */
    readonly workloads?: boolean;
    /** Certificates made elsewhere (makeCertificates), so that engines share one CA, as a pool's nodes do. */
    readonly tls?: EngineTls;
}

export async function startEngine(options: EngineOptions = {}): Promise<EngineState> {
    const t0 = Date.now();
    const dockerd = need("dockerd", "docker.io");
    need("openssl", "openssl");
    need("unshare", "util-linux");
    need("nsenter", "util-linux");
    const busybox = need("busybox", "busybox-static");
    // Leftovers of runs that were killed (their owner is gone, and their engine with it).
    removeStaleEngineDirs();
    removeStaleEngineCgroups();
    const dir = makeEngineDir();
    const tls = options.tls ?? makeCertificates(dir);
    const sock = path.join(dir, "docker.sock");
    const log = path.join(dir, "dockerd.log");
    const pidfile = path.join(dir, "docker.pid");
    const authz = options.authorization;
    if (authz?.installed) fs.copyFileSync(authz.installed.daemonJson, path.join(dir, "daemon.json"));
    else fs.writeFileSync(path.join(dir, "daemon.json"), authz && !authz.offAtStart ? `${JSON.stringify({ "authorization-plugins": [authz.plugin] })}\n` : "{}\n");
    const args = [
        "--config-file", path.join(dir, "daemon.json"),
        "--data-root", path.join(dir, "data"), "--exec-root", path.join(dir, "exec"), "--pidfile", pidfile,
        "-H", `unix://${sock}`, "-H", `tcp://127.0.0.1:${INNER_TLS_PORT}`,
        "--tlsverify", "--tlscacert", path.join(tls.server, "ca.pem"),
        "--tlscert", path.join(tls.server, "cert.pem"), "--tlskey", path.join(tls.server, "key.pem"),
        "--storage-driver=vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
        // Every container's cgroup under one named after the dir, for engineCgroups.ts to remove.
        "--cgroup-parent", `/${path.basename(dir)}`,
    ];
    const quoted = args.map((a) => `'${a}'`).join(" ");
    const out = fs.openSync(log, "a");
    const started: Partial<Record<keyof EngineState["pids"], number>> = {};
    try {
        let setup = `'${busybox}' ip link set lo up`;
        if (authz) {
            const spec = path.join(dir, `${authz.plugin}.spec`);
            if (authz.installed) fs.copyFileSync(authz.installed.specFile, spec);
            else fs.writeFileSync(spec, `${authz.specUrl}\n`);
            const also = (authz.alsoPlugins ?? []).map((p) => {
                const file = path.join(dir, `${p.plugin}.spec`);
                fs.writeFileSync(file, `${p.specUrl}\n`);
                return ` '${file}'`;
            });
            setup += ` && '${busybox}' mount -t tmpfs -o mode=755 tmpfs /etc/docker && mkdir /etc/docker/plugins && cp '${spec}'${also.join("")} /etc/docker/plugins/`;
            if (authz.beforeDockerd) setup += ` && { ${authz.beforeDockerd} 3<&- & }`;
        }
        const unshare = startNamespaces(initScript(setup, `'${dockerd}' ${quoted}`), out);
        started.unshare = unshare.pid;
        const exited = () => (unshare.exitCode !== null || unshare.signalCode !== null ? `it exited (${unshare.exitCode ?? unshare.signalCode})` : undefined);
        const init = await until("the engine's namespaces", 60000, async () => findInit(unshare.pid!), log, exited);
        started.init = init;
        const docker = new Docker({ socketPath: sock, host: undefined, protocol: "http", ca: undefined, cert: undefined, key: undefined, timeout: 5000 });
        await until("dockerd", 180000, async () => ((await docker.ping()) ? true : undefined), log, exited);
        // The pidfile holds dockerd's pid in its own PID namespace.
        const nsPid = Number(fs.readFileSync(pidfile, "utf8").trim());
        started.dockerd = await until(`dockerd (pid ${nsPid} in its namespace) on this machine`, 60000, async () => hostPid(init, nsPid), log, exited);
        const tEngine = Date.now();

        // Both relays run in the engine's PID namespace, so that they end with it too.
        const relaySock = path.join(dir, "tls-relay.sock");
        const inner = spawn("nsenter", [...enter(init, ["net", "pid"]), process.execPath, "-e", RELAY, "unix-to-tcp", relaySock, `127.0.0.1:${INNER_TLS_PORT}`], {
            stdio: ["ignore", "pipe", out],
        });
        started.innerRelay = inner.pid;
        await firstLine(inner, "inner TLS relay", 60000);
        const outer = spawn("nsenter", [...enter(init, ["pid"]), process.execPath, "-e", RELAY, "tcp-to-unix", "-", relaySock], { stdio: ["ignore", "pipe", out] });
        started.outerRelay = outer.pid;
        const port = Number(await firstLine(outer, "outer TLS relay", 60000));

        await importImage(docker, dir);
        if (options.workloads !== false) await startWorkloads(docker);
        const tReady = Date.now();
        return {
            dir,
            unixEndpoint: `unix://${sock}`,
            tcpEndpoint: `tcp://127.0.0.1:${port}`,
            closedPort: await freePort(),
            tls: { client: tls.client, rogueClient: tls.rogueClient, wrongCa: tls.wrongCa },
            pids: { unshare: unshare.pid!, init, dockerd: started.dockerd, innerRelay: inner.pid!, outerRelay: outer.pid! },
            timingsMs: { engineReady: tEngine - t0, workloadsReady: tReady - t0 },
            dockerdVersion: (await docker.version()).Version,
        };
    } catch (e) {
        // Leave nothing behind when set-up fails half way; the log tail is already in the error.
        await stopProcesses(started, dir);
        throw e;
    } finally {
        fs.closeSync(out); // the children hold their own copies
    }
}

/**
 * Ends the engine's PID namespace by SIGKILL to its init (the kernel then kills everything in it,
 * and its mounts go with it: the same end as when the starter is killed), waits for that and for
 * the host-side wrappers, then removes the dir.
 */
async function stopProcesses(pids: Partial<Record<keyof EngineState["pids"], number>>, dir: string): Promise<void> {
    // Without the init's pid, SIGKILL to unshare ends the init (--kill-child).
    const target = pids.init ?? pids.unshare;
    if (target !== undefined && isRunning(target)) process.kill(target, "SIGKILL");
    const ours = [pids.init, pids.unshare, pids.innerRelay, pids.outerRelay].filter((p): p is number => p !== undefined);
    const end = Date.now() + 30000;
    while (ours.some((p) => isRunning(p)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const left = ours.filter((p) => isRunning(p));
    // Removing the dir under a process still running would hide, not end, a leak.
    if (left.length > 0) throw new Error(`test engine in ${dir}: process(es) ${left.join(", ")} still running 30 s after SIGKILL to ${target}; the dir is kept`);
    removeEngineCgroups(path.basename(dir));
    fs.rmSync(dir, { recursive: true, force: true });
}

/** Stops exactly the processes startEngine started (by pid), then removes the temp dir. */
export async function stopEngine(state: EngineState): Promise<void> {
    await stopProcesses(state.pids, state.dir);
}
