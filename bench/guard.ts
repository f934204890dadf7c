/**
 * Benchmark (not a test): what the guard adds to Docker API round trips. One real engine
 * (test/helpers/engine/guardedEngine.ts) is measured without the guard, then with it: daemon.json's
 * `authorization-plugins` is added by a live reload (SIGHUP), so both modes see the same engine
 * and cache. (dockerd cannot reload the plugin away again: an empty list leaves it in place, so
 * the modes cannot alternate; each block is preceded by a warm-up.) Calls: create +
 * remove of a container (both judged by the guard; the create passes it) and a container list.
 * Also the guard's resident memory (VmRSS, VmHWM) and its in-process decision time.
 * `npm run bench:guard`; results in bench/results/guard.json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Docker from "dockerode";
import { decide } from "../review/guard/decide";
import { GUARD_PLUGIN_NAME } from "../rules/guard/plugin";
import { DEFAULT_SETTINGS } from "../review/guard/settings";
import { ensureBuilt } from "../test/helpers/build/builtTools";
import { IMAGE } from "../test/helpers/engine/engine";
import { FLOOR_PLUGIN, startGuardedEngine } from "../test/helpers/engine/guardedEngine";
import { median, writeResults } from "./results";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 20;
/** Blocks per mode, alternated: `BENCH_GUARD_BLOCKS`. */
const BLOCKS = Number(process.env.BENCH_GUARD_BLOCKS ?? 4);
/** No plugin; a bare plugin that allows everything (what any authorization plugin costs); the guard. */
type Mode = "unguarded" | "floor" | "guarded";
const PLUGIN_OF: Record<Mode, string[]> = { unguarded: [], floor: [FLOOR_PLUGIN], guarded: [GUARD_PLUGIN_NAME] };
type Op = "create" | "remove" | "list";

const quantile = (xs: readonly number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function timed<T>(into: number[], call: () => Promise<T>): Promise<T> {
    const t = process.hrtime.bigint();
    const v = await call();
    into.push(Number(process.hrtime.bigint() - t) / 1e6);
    return v;
}

/** Whether the guard judges this engine's requests now: it refuses an untrusted process-isolated create. */
async function guarded(docker: Docker): Promise<boolean> {
    try {
        const c = await docker.createContainer({ Image: IMAGE, HostConfig: { Isolation: "process" as "default" } });
        await c.remove({ force: true });
        return false;
    } catch (e) {
        return new RegExp(`authorization denied by plugin ${GUARD_PLUGIN_NAME}:`).test(String((e as { json?: { message?: string } }).json?.message ?? e));
    }
}

/** Which plugin the daemon asks now: the floor refuses only its probe, the guard an untrusted process-isolated create. */
async function modeNow(docker: Docker): Promise<Mode> {
    try {
        await docker.getContainer("floor-probe").inspect();
    } catch (e) {
        if (/authorization denied by plugin allow-all-floor/.test(String((e as { json?: { message?: string } }).json?.message ?? e))) return "floor";
    }
    return (await guarded(docker)) ? "guarded" : "unguarded";
}

/**
 * Sets the daemon's authorization plugins by a live reload (dockerd re-reads
 * `authorization-plugins` on SIGHUP when daemon.json sets it, an empty list included) and waits
 * until requests show the new mode (docker info keeps the start-up list).
 */
async function switchMode(docker: Docker, daemonJson: string, dockerdPid: number, mode: Mode): Promise<void> {
    fs.writeFileSync(daemonJson, `${JSON.stringify({ "authorization-plugins": PLUGIN_OF[mode] })}\n`);
    process.kill(dockerdPid, "SIGHUP");
    const end = Date.now() + 30000;
    while (Date.now() < end) {
        if ((await modeNow(docker)) === mode) return;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the engine did not switch to ${mode} within 30 s`);
}

function vm(pid: number): { rssMiB: number; peakMiB: number } {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)![1]);
    return { rssMiB: kb("VmRSS") / 1024, peakMiB: kb("VmHWM") / 1024 };
}

function decisionMicros(): number {
    const body = Buffer.from(JSON.stringify({ Image: "x", Labels: { "windows-isolation.trust": "untrusted" }, HostConfig: { Isolation: "hyperv", Mounts: [{ Type: "volume", Source: "data", Target: "C:\\data" }] } }));
    const req = { user: "", authNMethod: "", method: "POST", uri: "/v1.44/containers/create", body };
    for (let i = 0; i < 2000; i++) decide(req, DEFAULT_SETTINGS);
    const runs: number[] = [];
    for (let i = 0; i < 20000; i++) {
        const t = process.hrtime.bigint();
        decide(req, DEFAULT_SETTINGS);
        runs.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    return median(runs);
}

(async () => {
    ensureBuilt();
    const engine = await startGuardedEngine({ localTrusted: true }, true, true);
    try {
        const docker = engine.local();
        const daemonJson = path.join(engine.state.dir, "daemon.json");
        const ms: Record<Mode, Record<Op, number[]>> = { unguarded: { create: [], remove: [], list: [] }, floor: { create: [], remove: [], list: [] }, guarded: { create: [], remove: [], list: [] } };
        if (await guarded(docker)) throw new Error("the engine started guarded");
        // Rotating blocks (none, floor, guard, none, ...) so that a change in the machine's load falls on every mode alike.
        const modes: Mode[] = ["unguarded", "floor", "guarded"];
        const order = Array.from({ length: 3 * BLOCKS }, (_, i): Mode => modes[i % 3]);
        for (const mode of order) {
            await switchMode(docker, daemonJson, engine.state.pids.dockerd, mode);
            const scratch: Record<Op, number[]> = { create: [], remove: [], list: [] };
            const perBlock = Math.ceil(RUNS / BLOCKS);
            for (let i = 0; i < WARMUP + perBlock; i++) {
                const into = i < WARMUP ? scratch : ms[mode];
                const c = await timed(into.create, () => docker.createContainer({ Image: IMAGE, Cmd: ["/bin/sleep", "1"], Labels: { "windows-isolation.trust": "trusted" }, HostConfig: { NetworkMode: "none" } }));
                await timed(into.remove, () => c.remove({ force: true }));
                await timed(into.list, () => docker.listContainers({ all: true }));
            }
        }
        const guardPid = engine.guardPid();
        if (guardPid === undefined) throw new Error("the guard is not running");
        const memory = vm(guardPid);
        const ops: Op[] = ["create", "remove", "list"];
        const row = (op: Op) => {
            const u = ms.unguarded[op];
            const f = ms.floor[op];
            const g = ms.guarded[op];
            return {
                unguarded: { medianMs: median(u), p99Ms: quantile(u, 0.99) },
                floor: { medianMs: median(f), p99Ms: quantile(f, 0.99) },
                guarded: { medianMs: median(g), p99Ms: quantile(g, 0.99) },
                addedMedianMs: median(g) - median(u),
                addedP99Ms: quantile(g, 0.99) - quantile(u, 0.99),
                ratioMedian: median(g) / median(u),
                // What the guard adds over a plugin that allows everything: its own share.
                overFloorMedianMs: median(g) - median(f),
                overFloorP99Ms: quantile(g, 0.99) - quantile(f, 0.99),
            };
        };
        const results = Object.fromEntries(ops.map((op) => [op, row(op)]));
        const decision = decisionMicros();
        for (const op of ops) {
            const r = results[op];
            console.log(`${op.padEnd(6)} unguarded median ${r.unguarded.medianMs.toFixed(2)} ms p99 ${r.unguarded.p99Ms.toFixed(2)} ms | guarded median ${r.guarded.medianMs.toFixed(2)} ms p99 ${r.guarded.p99Ms.toFixed(2)} ms | added median ${r.addedMedianMs.toFixed(2)} ms, p99 ${r.addedP99Ms.toFixed(2)} ms (ratio ${r.ratioMedian.toFixed(2)}x) | bare plugin median ${r.floor.medianMs.toFixed(2)} ms, guard over it: median ${r.overFloorMedianMs.toFixed(2)} ms, p99 ${r.overFloorP99Ms.toFixed(2)} ms`);
        }
        console.log(`guard memory after the guarded blocks' calls: VmRSS ${memory.rssMiB.toFixed(1)} MiB, peak ${memory.peakMiB.toFixed(1)} MiB; one decision in-process: median ${decision.toFixed(1)} µs`);
        writeResults("guard", { dockerd: engine.state.dockerdVersion, node: process.version, callsPerModeAndOp: RUNS, warmupPerMode: WARMUP, order: `${BLOCKS} blocks per mode, rotating none, bare plugin, guard (live reload), ${WARMUP} warm-up calls per block`, loadAverage1m: os.loadavg()[0], ops: results, guardMemoryMiB: memory, decisionMedianMicros: decision });
    } finally {
        await engine.stop();
    }
    process.exit(0);
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
