/**
 * npm run bench:resolve: what plan --resolve-images costs. A REAL registry (docker-registry 2.8,
 * TLS, token auth: test/helpers/registry) holds 40 images (each an index of 17763/20348/26100);
 * bench/programs/resolve declares 200 workloads over them. Each round runs, as whole processes:
 * - offline: `plan` (the tags alone),
 * - cold: `plan --resolve-images` with an empty cache (every manifest fetched, at most 8 requests
 *   in flight per registry),
 * - warm: `plan --resolve-images` again on that cache (one HEAD per tag; manifests from the cache).
 * Rounds alternate so a machine's drift hits all three. Prints the medians and the ratios
 * warm/offline and cold/offline (target: warm adds under 10 %), writes bench/results/resolve.json.
 * Reported, not asserted. BENCH_RUNS (default 3).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { median, writeResults } from "./results";
import { startRegistry } from "../test/helpers/registry/registry";

const ROOT = path.resolve(__dirname, "..");
const PROGRAM = path.join(__dirname, "programs", "resolve");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKLOADS = 200;
const IMAGES = 40;

/** One plan as a whole process, timed. Spawned asynchronously: the registry's token service runs in this process. */
async function timedPlan(env: NodeJS.ProcessEnv, extra: string[]): Promise<number> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-resolve-out-"));
    try {
        const started = process.hrtime.bigint();
        const child = spawn(process.execPath, [path.join(ROOT, "build", "bin", "windows-isolation.js"), "plan", "--program", PROGRAM, "--stack", "bench", "--out", out, ...extra], {
            cwd: ROOT,
            env: { ...process.env, ...env, INIT_CWD: ROOT },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-2000)));
        const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (code !== 0) throw new Error(`plan ${extra.join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
        return seconds;
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.join(ROOT, "scripts", "ensureBuilt.js")) as { ensureBuilt(): void }).ensureBuilt();
    const reg = await startRegistry();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-resolve-"));
    try {
        await Promise.all(
            Array.from({ length: IMAGES }, (_, i) =>
                reg.push(`bench/img${i}`, "ltsc2022", { index: true, platforms: ["10.0.17763.5576", "10.0.20348.2340", "10.0.26100.1742"].map((v) => ({ os: "windows", osVersion: v })) }),
            ),
        );
        fs.mkdirSync(path.join(work, "docker"));
        fs.copyFileSync(reg.dockerConfig, path.join(work, "docker", "config.json"));
        const env = { BENCH_RESOLVE_REGISTRY: reg.host, BENCH_RESOLVE_WORKLOADS: String(WORKLOADS), BENCH_RESOLVE_IMAGES: String(IMAGES), DOCKER_CONFIG: path.join(work, "docker") };
        const resolve = ["--resolve-images", "--registry-ca", reg.caFile];
        const runs = { offline: [] as number[], cold: [] as number[], warm: [] as number[] };
        console.log(`plan of bench/programs/resolve (${WORKLOADS} workloads over ${IMAGES} images at a local docker-registry), ${RUNS} alternating rounds`);
        for (let i = 0; i < RUNS; i++) {
            const cache = path.join(work, `cache-${i}`);
            runs.offline.push(await timedPlan(env, []));
            runs.cold.push(await timedPlan({ ...env, XDG_CACHE_HOME: cache }, resolve));
            runs.warm.push(await timedPlan({ ...env, XDG_CACHE_HOME: cache }, resolve));
        }
        const m = { offline: median(runs.offline), cold: median(runs.cold), warm: median(runs.warm) };
        const ratios = { warmOverOffline: m.warm / m.offline, coldOverOffline: m.cold / m.offline };
        console.log(`median wall: offline ${m.offline.toFixed(2)} s, cold ${m.cold.toFixed(2)} s, warm ${m.warm.toFixed(2)} s`);
        console.log(`warm/offline ${ratios.warmOverOffline.toFixed(3)} (target < 1.10), cold/offline ${ratios.coldOverOffline.toFixed(3)}`);
        writeResults("resolve", { workloads: WORKLOADS, images: IMAGES, runs: RUNS, ratios, medianWallS: m, runsWallS: runs, target: "warm adds under 10 % to the offline plan" });
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
        await reg.stop();
    }
}

main().catch((e) => {
    console.error(`bench:resolve: ${(e as Error).message}`);
    process.exit(2);
});
