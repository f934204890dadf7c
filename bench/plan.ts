/**
 * npm run bench:plan: the plan of a large program against its floor, as whole processes.
 * - plan: `node build/bin/windows-isolation.js plan` (what `npm run plan` runs) of bench/programs/pool,
 *   a ContainerHostPool of 3 hosts with 2,000 workloads, through the components (stack component)
 *   and the same program's resources written raw (stack raw).
 * - floor: the same program under Pulumi's mocks and nothing else (bench/runUnderMocks.ts).
 * - compare: the same plan with `--compare` against a base plan.json of the same program in which every
 *   workload had the other isolation and no finding (issue 26: the most a comparison has to report;
 *   target: adds < 5 % to the plan).
 * Runs alternate (floor, plan, compare, floor, plan, compare ...) so that a machine's drift hits all; each run is
 * timed by GNU time (wall, user + system CPU, peak RSS of the largest process it waited for).
 * Prints the medians' ratios plan/floor (targets, issue 15: time <= 1.3x, peak memory <= 1.2x) and compare/plan
 * and writes bench/results/plan.json. Reported, not asserted.
 * BENCH_PLAN_WORKLOADS (default 2000), BENCH_RUNS (default 3), BENCH_PLAN_STACKS (default component,raw).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { median, writeResults } from "./results";

const ROOT = path.resolve(__dirname, "..");
const PROGRAM = path.join(__dirname, "programs", "pool");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKLOADS = Number(process.env.BENCH_PLAN_WORKLOADS ?? 2000);
const STACKS = (process.env.BENCH_PLAN_STACKS ?? "component,raw").split(",");
const TIME = "/usr/bin/time";

interface Measured {
    readonly wallS: number;
    readonly cpuS: number;
    readonly peakMiB: number;
    readonly exit: number;
}

function timed(argv: readonly string[]): Measured {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
    const timeFile = path.join(work, "time");
    try {
        const r = spawnSync(TIME, ["-o", timeFile, "-f", "%e %U %S %M", ...argv], {
            cwd: ROOT,
            env: { ...process.env, BENCH_PLAN_WORKLOADS: String(WORKLOADS), INIT_CWD: work },
            stdio: ["ignore", "ignore", "pipe"],
            maxBuffer: 64 << 20,
        });
        if (r.error) throw new Error(`${TIME}: ${r.error.message} (bench:plan needs GNU time: apt-get install time)`);
        const line = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop()!;
        const [wall, user, sys, maxKb] = line.split(" ").map(Number);
        // The plan exits 1 when it finds violations; 2 or a signal is a failed run.
        if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(" ")} exited ${r.status}: ${String(r.stderr).trim().split("\n").slice(-3).join(" | ")}`);
        return { wallS: wall, cpuS: user + sys, peakMiB: maxKb / 1024, exit: r.status };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

function ensureBuild(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.join(ROOT, "scripts", "ensureBuilt.js")) as { ensureBuilt(): void }).ensureBuilt();
}

const fmt = (x: number, d = 2) => x.toFixed(d);

/**
 * A base for `--compare`: the program's own plan.json with every workload's isolation the other one
 * and no findings, so the comparison reports a change on every row and every finding as new.
 */
function comparisonBase(planArgv: readonly string[], planJson: string): string {
    timed(planArgv);
    const plan = JSON.parse(fs.readFileSync(planJson, "utf8"));
    for (const w of plan.workloads) w.effectiveIsolation = w.effectiveIsolation === "hyperv" ? "process" : "hyperv";
    plan.findings = [];
    const file = path.join(path.dirname(planJson), "base-plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    return file;
}

function main(): void {
    ensureBuild();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-out-"));
    const rows: Record<string, unknown>[] = [];
    try {
        console.log(`Plan of bench/programs/pool (3 hosts, ${WORKLOADS} workloads) against the same program under mocks alone; ${RUNS} alternating runs each, medians`);
        console.log("stack      plan/floor wall  plan/floor CPU  plan/floor peak memory  compare/plan wall  compare/plan CPU");
        const cli = [process.execPath, path.join(ROOT, "build", "bin", "windows-isolation.js"), "plan", "--program", PROGRAM];
        for (const stack of STACKS) {
            const floor: Measured[] = [];
            const plan: Measured[] = [];
            const compare: Measured[] = [];
            const base = comparisonBase([...cli, "--stack", stack, "--out", out], path.join(out, "plan.json"));
            for (let i = 0; i < RUNS; i++) {
                floor.push(timed([process.execPath, "-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "runUnderMocks.ts"), PROGRAM, stack]));
                plan.push(timed([...cli, "--stack", stack, "--out", out]));
                compare.push(timed([...cli, "--stack", stack, "--out", out, "--compare", base]));
            }
            const m = (xs: Measured[], k: keyof Measured) => median(xs.map((x) => x[k]));
            const ratios = { wall: m(plan, "wallS") / m(floor, "wallS"), cpu: m(plan, "cpuS") / m(floor, "cpuS"), peakMemory: m(plan, "peakMiB") / m(floor, "peakMiB") };
            const compareRatios = { wall: m(compare, "wallS") / m(plan, "wallS"), cpu: m(compare, "cpuS") / m(plan, "cpuS") };
            console.log(`${stack.padEnd(11)}${fmt(ratios.wall).padEnd(17)}${fmt(ratios.cpu).padEnd(16)}${fmt(ratios.peakMemory).padEnd(24)}${fmt(compareRatios.wall, 3).padEnd(19)}${fmt(compareRatios.cpu, 3)}`);
            const medians = (xs: Measured[]) => ({ wallS: m(xs, "wallS"), cpuS: m(xs, "cpuS"), peakMiB: m(xs, "peakMiB") });
            rows.push({ stack, workloads: WORKLOADS, ratios, compareRatios, median: { plan: medians(plan), floor: medians(floor), compare: medians(compare) }, runs: { plan, floor, compare } });
        }
        console.log("targets: time <= 1.3x, peak memory <= 1.2x of the floor; compare adds < 5 % to the plan (compare/plan < 1.05)");
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    writeResults("plan", { targets: { time: 1.3, peakMemory: 1.2, compareOverPlan: 1.05 }, stacks: rows });
}

try {
    main();
} catch (e) {
    console.error(`bench:plan: ${(e as Error).message}`);
    process.exit(2);
}
