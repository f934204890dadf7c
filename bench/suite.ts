/**
 * npm run bench:suite: `npm test` as a whole process, timed by GNU time (wall, user + system CPU of
 * everything it waited for), first alone, then with a second copy of the suite running beside it:
 * a clone of this checkout's HEAD in a temporary folder, sharing node_modules and .tools, started
 * at the same moment. Every run must pass; a failed run is reported with its last lines, never
 * timed away. Prints the medians and writes bench/results/suite.json. Reported, not asserted
 * (issue 15: under 3 minutes alone on 2 cores, and no failure with a second suite beside it).
 * BENCH_RUNS (default 1): runs of each mode.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { median, writeResults } from "./results";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const TIME = "/usr/bin/time";

interface Run {
    readonly wallS: number;
    readonly cpuS: number;
    readonly exit: number | null;
    readonly tail: string;
}

/** `npm test` in `dir` under GNU time; resolves when it ends. */
function npmTest(dir: string, started: (child: ChildProcess) => void = () => undefined): Promise<Run> {
    const timeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-suite-")), "time");
    // npm's per-script variables would make the inner npm think it runs inside this script.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));
    // Its own process group: GNU time does not pass a signal on, so stopping ends the whole group.
    const child = spawn(TIME, ["-o", timeFile, "-f", "%e %U %S", "npm", "test"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    started(child);
    let output = "";
    child.stdout!.on("data", (d) => (output = (output + String(d)).slice(-20_000)));
    child.stderr!.on("data", (d) => (output = (output + String(d)).slice(-20_000)));
    return new Promise((resolve, reject) => {
        child.once("error", (e) => reject(new Error(`${TIME}: ${e.message} (bench:suite needs GNU time: apt-get install time)`)));
        child.once("close", (code) => {
            const line = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop()!;
            fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
            const [wall, user, sys] = line.split(" ").map(Number);
            const tail = output.trim().split("\n").filter((l) => /jest: |failed|FAIL/.test(l)).slice(-5).join(" | ");
            resolve({ wallS: wall, cpuS: user + sys, exit: code, tail });
        });
    });
}

/** A clone of HEAD that shares this checkout's installed packages and tools. */
async function cloneInto(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-suite-copy-"));
    await new Promise<void>((resolve, reject) =>
        spawn("git", ["clone", "--quiet", ROOT, dir], { stdio: "inherit" }).once("close", (c) => (c === 0 ? resolve() : reject(new Error(`git clone exited ${c}`)))),
    );
    for (const shared of ["node_modules", ".tools"]) {
        if (fs.existsSync(path.join(ROOT, shared))) fs.symlinkSync(path.join(ROOT, shared), path.join(dir, shared), "dir");
    }
    return dir;
}

const fmt = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
    const alone: Run[] = [];
    const beside: Run[] = [];
    const second: Run[] = [];
    const copy = await cloneInto();
    const children = new Set<ChildProcess>();
    const endAll = () => {
        for (const c of children) {
            try {
                if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGTERM");
            } catch {
                // already gone
            }
        }
    };
    process.once("SIGINT", () => (endAll(), process.exit(130)));
    process.once("SIGTERM", () => (endAll(), process.exit(143)));
    try {
        for (let i = 0; i < RUNS; i++) {
            alone.push(await npmTest(ROOT, (c) => children.add(c)));
            console.log(`alone:  ${fmt(alone[i].wallS)} s wall, ${fmt(alone[i].cpuS)} s CPU, exit ${alone[i].exit}`);
            const [ours, theirs] = await Promise.all([npmTest(ROOT, (c) => children.add(c)), npmTest(copy, (c) => children.add(c))]);
            beside.push(ours);
            second.push(theirs);
            console.log(`beside: ${fmt(ours.wallS)} s wall, exit ${ours.exit}; the second suite ${fmt(theirs.wallS)} s wall, exit ${theirs.exit}`);
        }
    } finally {
        endAll();
        fs.rmSync(copy, { recursive: true, force: true });
    }
    const failed = [...alone, ...beside, ...second].filter((r) => r.exit !== 0);
    for (const r of failed) console.log(`FAILED (exit ${r.exit}): ${r.tail}`);
    const m = (xs: Run[], k: "wallS" | "cpuS") => median(xs.map((x) => x[k]));
    console.log(`npm test alone: median ${fmt(m(alone, "wallS"))} s wall, ${fmt(m(alone, "cpuS"))} s CPU; beside a second suite: ${fmt(m(beside, "wallS"))} s wall; ${failed.length} failed run(s) of ${RUNS * 3}`);
    console.log("target: under 180 s wall alone on 2 cores, and no failed run beside a second suite");
    writeResults("suite", {
        target: { aloneWallS: 180, failedRuns: 0 },
        median: { alone: { wallS: m(alone, "wallS"), cpuS: m(alone, "cpuS") }, beside: { wallS: m(beside, "wallS"), cpuS: m(beside, "cpuS") }, second: { wallS: m(second, "wallS") } },
        failedRuns: failed.length,
        runs: { alone, beside, second },
    });
    if (failed.length > 0) process.exitCode = 1;
}

main().catch((e) => {
    console.error(`bench:suite: ${(e as Error).message}`);
    process.exit(2);
});
