/**
 * npm run bench:plan: the plan of a large program against two floors, as whole processes.
 * - plan: `node build/bin/windows-isolation.js plan` (what `npm run plan` runs) of bench/programs/pool,
 *   a ContainerHostPool of 3 hosts with 2,000 workloads, through the components (stack component)
 *   and the same program's resources written raw (stack raw).
 * - runtime floor: the same program under the same Pulumi runtime (`@pulumi/pulumi/cmd/run`, the
 *   plan's arguments and environment) against the cheapest engine side that answers it as the
 *   plan's monitor does (bench/runtimeFloor.ts): plan/runtime floor is what the plan adds.
 * - mocks floor: the same program under Pulumi's mocks and nothing else (bench/runUnderMocks.ts),
 *   in one process, no runtime: the floor of issue 15's targets, which a plan that runs the
 *   program under Pulumi's own runtime (issue 21) can no longer reach; still reported.
 * - compare: the same plan with `--compare` against a base plan.json of the same program in which every
 *   workload had the other isolation and no finding (issue 26: the most a comparison has to report;
 *   target: adds < 5 % to the plan).
 * Every command gets PULUMI_NODEJS_TRANSPILE_ONLY=true (the mocks floor transpiles only too), so no
 * side pays for ts-node's type check. Runs alternate (mocks floor, runtime floor, plan, compare, ...)
 * so that a machine's drift hits all; each run is timed by GNU time (wall, user + system CPU of the
 * whole process tree, peak RSS of the largest process it waited for).
 * Prints the medians' ratios and writes bench/results/plan.json. Reported, not asserted.
 * BENCH_PLAN_WORKLOADS (default 2000), BENCH_RUNS (default 3), BENCH_PLAN_STACKS (default component,raw),
 * BENCH_PLAN_COMPARE=0 leaves out the compare runs.
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
const COMPARE = process.env.BENCH_PLAN_COMPARE !== "0";
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
            env: { ...process.env, BENCH_PLAN_WORKLOADS: String(WORKLOADS), PULUMI_NODEJS_TRANSPILE_ONLY: "true", INIT_CWD: work },
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

/** runtimeFloor.ts as JavaScript in `dir`, so the floor's own process runs no ts-node (the plan runs built JavaScript too). */
function runtimeFloorScript(dir: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const source = fs.readFileSync(path.join(__dirname, "runtimeFloor.ts"), "utf8");
    const file = path.join(dir, "runtimeFloor.js");
    fs.writeFileSync(file, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    return file;
}

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

const startLoad = os.loadavg()[0];

function main(): void {
    ensureBuild();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-out-"));
    const rows: Record<string, unknown>[] = [];
    try {
        const floorScript = runtimeFloorScript(out);
        console.log(`Plan of bench/programs/pool (3 hosts, ${WORKLOADS} workloads) against the same program under the same runtime with a minimal monitor, and under mocks alone; ${RUNS} alternating runs each, medians, load average ${os.loadavg()[0].toFixed(1)} at the start`);
        console.log("stack      plan/runtime-floor CPU  wall   peak    plan/mocks-floor CPU  wall   peak    compare/plan CPU  wall");
        const cli = [process.execPath, path.join(ROOT, "build", "bin", "windows-isolation.js"), "plan", "--program", PROGRAM];
        for (const stack of STACKS) {
            const floor: Measured[] = [];
            const runtimeFloor: Measured[] = [];
            const plan: Measured[] = [];
            const compare: Measured[] = [];
            const base = COMPARE ? comparisonBase([...cli, "--stack", stack, "--out", out], path.join(out, "plan.json")) : undefined;
            for (let i = 0; i < RUNS; i++) {
                floor.push(timed([process.execPath, "-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "runUnderMocks.ts"), PROGRAM, stack]));
                runtimeFloor.push(timed([process.execPath, floorScript, ROOT, PROGRAM, stack]));
                plan.push(timed([...cli, "--stack", stack, "--out", out]));
                if (base) compare.push(timed([...cli, "--stack", stack, "--out", out, "--compare", base]));
            }
            const m = (xs: Measured[], k: keyof Measured) => median(xs.map((x) => x[k]));
            const over = (a: Measured[], b: Measured[]) => ({ wall: m(a, "wallS") / m(b, "wallS"), cpu: m(a, "cpuS") / m(b, "cpuS"), peakMemory: m(a, "peakMiB") / m(b, "peakMiB") });
            const ratios = over(plan, floor);
            const runtimeRatios = over(plan, runtimeFloor);
            const compareRatios = base ? { wall: m(compare, "wallS") / m(plan, "wallS"), cpu: m(compare, "cpuS") / m(plan, "cpuS") } : undefined;
            console.log(
                `${stack.padEnd(11)}${fmt(runtimeRatios.cpu).padEnd(24)}${fmt(runtimeRatios.wall).padEnd(7)}${fmt(runtimeRatios.peakMemory).padEnd(8)}` +
                    `${fmt(ratios.cpu).padEnd(22)}${fmt(ratios.wall).padEnd(7)}${fmt(ratios.peakMemory).padEnd(8)}` +
                    (compareRatios ? `${fmt(compareRatios.cpu, 3).padEnd(18)}${fmt(compareRatios.wall, 3)}` : "(not run)"),
            );
            const medians = (xs: Measured[]) => ({ wallS: m(xs, "wallS"), cpuS: m(xs, "cpuS"), peakMiB: m(xs, "peakMiB") });
            rows.push({
                stack,
                workloads: WORKLOADS,
                ratios,
                runtimeRatios,
                ...(compareRatios ? { compareRatios } : {}),
                median: { plan: medians(plan), runtimeFloor: medians(runtimeFloor), floor: medians(floor), ...(base ? { compare: medians(compare) } : {}) },
                runs: { plan, runtimeFloor, floor, ...(base ? { compare } : {}) },
            });
        }
        console.log("ratios: plan/runtime-floor = what the plan adds to running the program under Pulumi's runtime; plan/mocks-floor = issue 15's ratio (targets time <= 1.3x, peak memory <= 1.2x); compare/plan < 1.05");
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    writeResults("plan", {
        targets: { time: 1.3, peakMemory: 1.2, compareOverPlan: 1.05 },
        floors: {
            ratios: "plan over the mocks floor: the program under Pulumi's mocks in one process (bench/runUnderMocks.ts)",
            runtimeRatios: "plan over the runtime floor: the program under Pulumi's runtime (cmd/run) with a minimal monitor (bench/runtimeFloor.ts)",
        },
        transpileOnly: true,
        loadAverageAtStart: startLoad,
        stacks: rows,
    });
}

try {
    main();
} catch (e) {
    console.error(`bench:plan: ${(e as Error).message}`);
    process.exit(2);
}
