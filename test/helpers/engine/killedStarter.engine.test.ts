/**
 * The test engine ends with the process that started it, however that ends. A child process
 * (holdEngine.ts) starts one, with its containers (`sleep 3600`) and swarm services running, and is
 * SIGKILLed, as a killed jest is: no teardown runs. Then no process of that engine, no
 * containerd-shim it started and no mount under its dir may remain anywhere on this machine. Its
 * start removed the dirs of dead owners and kept those of live ones (the shared engine this jest
 * project started runs beside it the whole time), and the dir it left is the next start's to remove.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Docker from "dockerode";
import { isRunning, liveProcesses, processInfo, ProcInfo } from "../../../review/process/procfs";
import { ROOT } from "../build/builtTools";
import { EngineState, STATE_ENV } from "./engine";
import { cgroupRoots, removeEngineCgroups, removeStaleEngineCgroups } from "./engineCgroups";
import { dirPrefix, ownerOf, pidNamespace, removeStaleEngineDirs } from "./engineDir";
import { namespaceProc, sameNamespace } from "./namespace";

const shared: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));
const HOLD = path.join(__dirname, "holdEngine.ts");
/** Only a bound for the kernel to reap a killed namespace, which takes well under a second. */
const REAP_DEADLINE_MS = 60000;

/** A process by pid and start time: still there only if both match (pids are reused). */
type Identity = { pid: number; ppid: number; startTicks: number; cmdline: string };
const identity = (p: ProcInfo): Identity => ({ pid: p.pid, ppid: p.ppid, startTicks: p.startTicks, cmdline: p.cmdline });
const stillThere = (ids: Identity[]) => ids.filter((id) => isRunning(id.pid, id.startTicks));

/** The pids from `pid` up to the root of this machine's process tree. */
function chain(pid: number): number[] {
    const out: number[] = [];
    for (let p = processInfo(pid); p && p.pid > 1 && out.length < 1000; p = processInfo(p.ppid)) out.push(p.pid);
    return out;
}

/** Mount points under `dir` in the mount table of every mount namespace a live process is in. */
function mountsUnder(dir: string): string[] {
    const seen = new Set<string>();
    const found = new Set<string>();
    for (const p of liveProcesses()) {
        let table: string;
        try {
            const ns = fs.readlinkSync(`/proc/${p.pid}/ns/mnt`);
            if (seen.has(ns)) continue;
            seen.add(ns);
            table = fs.readFileSync(`/proc/${p.pid}/mounts`, "utf8");
        } catch {
            continue; // ended meanwhile
        }
        for (const line of table.split("\n")) {
            const at = line.split(" ")[1];
            if (at === dir || at?.startsWith(`${dir}/`)) found.add(`${at} (seen by pid ${p.pid})`);
        }
    }
    return [...found];
}

/** Every pid in the cgroups named `name` (and below), in every hierarchy. */
function procsInCgroups(name: string): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return; // not in this hierarchy
        }
        for (const pid of fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) found.push(`${pid} in ${dir}`);
        for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    for (const root of cgroupRoots()) walk(path.join(root, name));
    return found;
}

function startHolder(): { child: ChildProcess; state: Promise<EngineState> } {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", HOLD], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const state = new Promise<EngineState>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
            stdout += d.toString();
            const nl = stdout.indexOf("\n");
            if (nl >= 0) resolve(JSON.parse(stdout.slice(0, nl)) as EngineState);
        });
        child.once("exit", (code, signal) => reject(new Error(`holdEngine.ts exited (${code ?? signal}) before its engine was ready:\n${stderr}`)));
    });
    return { child, state };
}

describe("SIGKILL of the process that started an engine", () => {
    let child: ChildProcess | undefined;
    let state: EngineState | undefined;
    const fixtures = { staleGone: "", staleReused: "", live: "", legacy: "", otherPidNs: "" };
    const before = { tree: [] as Identity[], shims: [] as Identity[], mounts: [] as string[], hostMounts: [] as string[], cgroupProcs: [] as string[], pidNs: "", mntNs: "", initInItsProc: "" };
    let after: { tree: Identity[]; shims: Identity[]; inNamespaces: ProcInfo[]; namingDir: ProcInfo[]; mounts: string[]; cgroupProcs: string[] };

    beforeAll(async () => {
        // Dirs of engines whose owner ended (its pid gone, or reused by a later process), one of a
        // live owner (this test process), one an older engine.ts made (no owner in its name), and
        // one whose owner's pid is of another PID namespace (so says nothing here).
        const gone = spawn(process.execPath, ["-e", "setInterval(() => undefined, 1 << 30)"], { stdio: "ignore" });
        const goneOwner = ownerOf(gone.pid!);
        await new Promise((r) => {
            gone.once("exit", r);
            gone.kill("SIGKILL");
        });
        const me = ownerOf(process.pid);
        fixtures.staleGone = fs.mkdtempSync(dirPrefix(goneOwner));
        fixtures.staleReused = fs.mkdtempSync(dirPrefix({ pid: me.pid, startTicks: me.startTicks - 1 }));
        fixtures.live = fs.mkdtempSync(dirPrefix(me));
        fixtures.legacy = fs.mkdtempSync(path.join(os.tmpdir(), "wi-engine-"));
        fixtures.otherPidNs = fs.mkdtempSync(dirPrefix(goneOwner, os.tmpdir(), pidNamespace() + 1));
        for (const d of Object.values(fixtures)) fs.writeFileSync(path.join(d, "marker"), "x");

        const holder = startHolder();
        child = holder.child;
        state = await holder.state;
        const s = state;

        before.pidNs = fs.readlinkSync(`/proc/${s.pids.init}/ns/pid`);
        before.mntNs = fs.readlinkSync(`/proc/${s.pids.init}/ns/mnt`);
        const hostSide = [s.pids.unshare, s.pids.innerRelay, s.pids.outerRelay].map((pid) => processInfo(pid)!);
        // The containers' processes are in PID namespaces nested in the engine's: found by descent.
        const descendants = liveProcesses().filter((p) => chain(p.pid).includes(s.pids.init));
        const members = sameNamespace(s.pids.init, "pid").filter((p) => !descendants.some((d) => d.pid === p.pid));
        before.tree = [...hostSide, ...descendants, ...members].map(identity);
        before.shims = descendants.filter((p) => /(^|\/)containerd-shim/.test(p.cmdline.split(" ")[0])).map(identity);
        before.mounts = mountsUnder(s.dir);
        before.cgroupProcs = procsInCgroups(path.basename(s.dir));
        before.initInItsProc = fs.readFileSync(path.join(namespaceProc(s.pids.init), "1", "cmdline"), "utf8").split("\0")[0];
        before.hostMounts = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .filter((l) => l.split(" ")[1]?.startsWith(`${s.dir}/`));
        // Both engines answer, side by side.
        await new Docker({ socketPath: s.unixEndpoint.slice("unix://".length) }).ping();
        await new Docker({ socketPath: shared.unixEndpoint.slice("unix://".length) }).ping();

        await new Promise((r) => {
            child!.once("exit", r);
            child!.kill("SIGKILL");
        });
        const look = () => ({
            tree: stillThere(before.tree),
            shims: stillThere(before.shims),
            inNamespaces: liveProcesses().filter((p) => {
                try {
                    return fs.readlinkSync(`/proc/${p.pid}/ns/pid`) === before.pidNs || fs.readlinkSync(`/proc/${p.pid}/ns/mnt`) === before.mntNs;
                } catch {
                    return false;
                }
            }),
            namingDir: liveProcesses().filter((p) => p.cmdline.includes(s.dir)),
            mounts: mountsUnder(s.dir),
            cgroupProcs: procsInCgroups(path.basename(s.dir)),
        });
        const end = Date.now() + REAP_DEADLINE_MS;
        for (after = look(); Object.values(after).some((l) => l.length > 0) && Date.now() < end; after = look()) await new Promise((r) => setTimeout(r, 100));
    });

    afterAll(async () => {
        if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        // Should any of it have survived (a failing test), end it here: SIGKILL to the init ends the namespace.
        if (state && isRunning(state.pids.init)) process.kill(state.pids.init, "SIGKILL");
        const end = Date.now() + REAP_DEADLINE_MS;
        while (state && isRunning(state.pids.init) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
        if (state && !isRunning(state.pids.init)) removeEngineCgroups(path.basename(state.dir));
        for (const d of [...Object.values(fixtures), state?.dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    test("before it: dockerd, containerd, the shims and their containers run in the engine's own namespaces", () => {
        const s = state!;
        const names = before.tree.map((p) => p.cmdline);
        // Compared as lists, so that a failure shows the command lines it found.
        expect(names.filter((c) => /^(\S*\/)?dockerd /.test(c))).toEqual([expect.stringMatching(/^(\S*\/)?dockerd /)]);
        expect(names.filter((c) => c.startsWith("containerd --config "))).toEqual([expect.stringMatching(/^containerd --config /)]);
        // 4 containers and 1 running service task, each with its shim, whose parent is the namespace's init.
        expect(names.filter((c) => c === "/bin/sleep 3600").length).toBe(5);
        expect(before.shims.length).toBe(5);
        for (const shim of before.shims) expect(shim.ppid).toBe(s.pids.init);
        expect(before.pidNs).not.toBe(fs.readlinkSync("/proc/self/ns/pid"));
        expect(before.mntNs).not.toBe(fs.readlinkSync("/proc/self/ns/mnt"));
        // The relays too: both node processes are in the engine's PID namespace (their nsenter is not).
        expect(names.filter((c) => c.startsWith(`${process.execPath} -e `)).length).toBe(2);
        // dockerd's mounts (its netns bind mounts at least) exist, but only in the engine's mount namespace.
        expect(before.mounts.some((m) => m.includes("/exec/netns/"))).toBe(true);
        expect(before.hostMounts).toEqual([]);
        // The containers' cgroups are under one named after the dir (each of the 5 containers has
        // its sleep there, in every hierarchy).
        expect(before.cgroupProcs.length).toBeGreaterThanOrEqual(5 * cgroupRoots().length);
        // The engine's /proc is its own: the init is PID 1 there.
        expect(before.initInItsProc).toBe("/bin/sh");
    });

    test("after it: no process of that engine remains, in its namespaces or anywhere naming its dir", () => {
        expect(after.tree).toEqual([]);
        expect(after.shims).toEqual([]);
        expect(after.inNamespaces).toEqual([]);
        expect(after.namingDir).toEqual([]);
        expect(after.cgroupProcs).toEqual([]);
    });

    test("after it: no mount under its dir remains in any mount namespace", () => {
        expect(after.mounts).toEqual([]);
    });

    test("its start removed the dirs of dead owners and kept those of live ones; the next start removes the dir and cgroups it left", () => {
        expect(fs.existsSync(fixtures.staleGone)).toBe(false);
        expect(fs.existsSync(fixtures.staleReused)).toBe(false);
        expect(fs.readFileSync(path.join(fixtures.live, "marker"), "utf8")).toBe("x");
        expect(fs.readFileSync(path.join(fixtures.legacy, "marker"), "utf8")).toBe("x");
        expect(fs.readFileSync(path.join(fixtures.otherPidNs, "marker"), "utf8")).toBe("x");
        // Nothing removes a killed run's dir but a later start.
        expect(fs.existsSync(path.join(state!.dir, "dockerd.log"))).toBe(true);
        const removed = removeStaleEngineDirs();
        expect(removed).toContain(state!.dir);
        expect(fs.existsSync(state!.dir)).toBe(false);
        const name = path.basename(state!.dir);
        const cgroups = cgroupRoots().map((root) => path.join(root, name));
        const present = cgroups.filter((c) => fs.existsSync(c));
        expect(present.length).toBeGreaterThan(0);
        expect(removeStaleEngineCgroups()).toEqual(expect.arrayContaining(present));
        expect(cgroups.filter((c) => fs.existsSync(c))).toEqual([]);
        expect(removed).not.toContain(fixtures.live);
        expect(fs.existsSync(fixtures.live)).toBe(true);
        expect(fs.existsSync(fixtures.legacy)).toBe(true);
        // The shared engine, owned by the jest process, runs on.
        expect(fs.existsSync(shared.dir)).toBe(true);
        expect(isRunning(shared.pids.dockerd)).toBe(true);
    });
});
