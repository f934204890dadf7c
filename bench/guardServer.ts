/**
 * Benchmark (not a test): the guard's own share of a read's added latency. For every Docker API
 * request an authorization plugin gets two messages (AuthZReq before, AuthZRes after, with the
 * response body); this sends the pair dockerd sends for `GET /containers/json?all=1` straight to
 * guards over a unix socket with a keep-alive connection (as the daemon's plugin client does), and
 * to a floor: a bare Node.js HTTP server that answers `{"Allow":true}` without reading anything,
 * for a short list and a long one.
 * Several guards (e.g. a build of the merge base and this one) are measured ALTERNATING, one pair
 * each per round in a rotating order, so that the machine's load falls on all of them alike.
 *
 * `GUARD_CLIS=<before>/build/bin/windows-isolation.js:<after>/build/bin/windows-isolation.js
 * npx ts-node --transpile-only bench/guardServer.ts` (default: this checkout's build only).
 * Results in bench/results/guard-server.json.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_CLI, ensureBuilt } from "../test/helpers/build/builtTools";
import { median, writeResults } from "./results";

const ROUNDS = Number(process.env.BENCH_RUNS ?? 3000);
const WARMUP = 300;

const FLOOR = `require("http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.writeHead(200,{"Content-Type":"application/json"});s.end('{"Allow":true}')})}).listen(process.argv[1],()=>console.log("listening"))`;

const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** The two messages dockerd 20.10 sends for `docker ps -a` with `containers` containers. */
function messages(containers: number): [string, string] {
    const headers = { "User-Agent": "Docker-Client/20.10.24+dfsg1 (linux)" };
    const list = JSON.stringify(Array.from({ length: containers }, (_, i) => ({ Id: `${i}`.repeat(64), Names: [`/c${i}`], Image: "busybox", Command: "sleep 3600", Created: 1764800000, State: "running", Status: "Up 1 hour", Labels: { "windows-isolation.trust": "untrusted" }, HostConfig: { NetworkMode: "none" } })));
    const req = { User: "", UserAuthNMethod: "", RequestMethod: "GET", RequestURI: "/v1.41/containers/json?all=1", RequestHeaders: headers };
    const res = { ...req, ResponseStatusCode: 200, ResponseHeaders: { "Content-Type": "application/json" }, ResponseBody: Buffer.from(list).toString("base64") };
    return [JSON.stringify(req), JSON.stringify(res)];
}

function post(agent: http.Agent, socketPath: string, p: string, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const r = http.request({ agent, socketPath, path: p, method: "POST", headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
            let t = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (t += d));
            res.on("end", () => resolve(t));
        });
        r.on("error", reject);
        r.end(body);
    });
}

interface Target {
    readonly name: string;
    readonly socket: string;
    readonly agent: http.Agent;
    readonly child: ChildProcess;
    /** Per list size: the round trips' times. */
    readonly ms: [number[], number[]];
}

function start(name: string, argv: string[], socket: string): Promise<Target> {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
        child.stdout!.once("data", () => resolve({ name, socket, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), child, ms: [[], []] }));
        child.once("exit", (c) => reject(new Error(`${name} exited ${c}`)));
    });
}

(async () => {
    ensureBuilt();
    const clis = (process.env.GUARD_CLIS ?? BUILT_CLI).split(":");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-bench-guard-server-"));
    const targets: Target[] = [];
    try {
        targets.push(await start("floor (bare server)", ["-e", FLOOR, path.join(dir, "floor.sock")], path.join(dir, "floor.sock")));
        for (const [i, cli] of clis.entries()) {
            const sock = path.join(dir, `guard${i}.sock`);
            targets.push(await start(`guard ${i} (${cli})`, [cli, "guard", "--listen", `unix://${sock}`], sock));
        }
        // A short list (5 containers, ~2 KB) and a long one (500, ~240 KB base64), alternating too.
        const lists = [messages(5), messages(500)];
        const load = [os.loadavg()[0]];
        for (let round = 0; round < WARMUP + ROUNDS; round++) {
            for (let k = 0; k < targets.length * lists.length; k++) {
                const slot = (round + k) % (targets.length * lists.length);
                const t = targets[slot % targets.length];
                const size = Math.floor(slot / targets.length);
                const [req, res] = lists[size];
                const t0 = process.hrtime.bigint();
                const a = await post(t.agent, t.socket, "/AuthZPlugin.AuthZReq", req);
                const b = await post(t.agent, t.socket, "/AuthZPlugin.AuthZRes", res);
                const took = Number(process.hrtime.bigint() - t0) / 1e6;
                if (!a.includes('"Allow":true') || !b.includes('"Allow":true')) throw new Error(`${t.name} did not allow a read: ${a} ${b}`);
                if (round >= WARMUP) t.ms[size].push(took);
            }
        }
        load.push(os.loadavg()[0]);
        const rows = ["5 containers", "500 containers"].map((list, size) => {
            const floor = median(targets[0].ms[size]);
            return targets.map((t) => ({ list, name: t.name, medianMs: median(t.ms[size]), p99Ms: quantile(t.ms[size], 0.99), overFloorMedianMs: median(t.ms[size]) - floor }));
        }).flat();
        for (const r of rows) console.log(`${r.list}, ${r.name}: AuthZReq+AuthZRes median ${r.medianMs.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, over the floor ${r.overFloorMedianMs.toFixed(3)} ms`);
        console.log(`load average (1 min) before/after: ${load.map((l) => l.toFixed(2)).join(" / ")}`);
        writeResults("guard-server", { rounds: ROUNDS, warmup: WARMUP, order: "alternating, rotating per round", request: "GET /v1.41/containers/json?all=1 (AuthZReq + AuthZRes, 5 and 500 containers)", loadAverage1m: load, targets: rows });
    } finally {
        for (const t of targets) {
            t.agent.destroy();
            t.child.kill("SIGTERM");
        }
        fs.rmSync(dir, { recursive: true, force: true });
    }
})().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
