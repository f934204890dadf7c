/**
 * npm run bench:pool: plan-time cost of a ContainerHostPool of 50 Azure hosts with 1,000
 * workloads, through the components vs the same resources declared raw (declarePool.ts), each run
 * in its own process, 3 runs each, medians printed with their ratio. Target (issue 6): <= 1.3x.
 * Reported, not asserted. BENCH_POOL="<workloads>,<hosts>" to change the size.
 * Note: the components register one component resource per workload and one for the pool on top.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const [n, hosts] = (process.env.BENCH_POOL ?? "1000,50").split(",").map(Number);

function run(mode: "component" | "raw"): { wallMs: number; resources: number } {
    const out = execFileSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "declarePool.ts"), mode, String(n), String(hosts)], { encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = { component: [] as number[], raw: [] as number[] };
let resources = { component: 0, raw: 0 };
for (let i = 0; i < 3; i++) {
    for (const mode of ["raw", "component"] as const) {
        const r = run(mode);
        runs[mode].push(r.wallMs);
        resources = { ...resources, [mode]: r.resources };
    }
}
const c = median(runs.component);
const r = median(runs.raw);
console.log(`pool of ${hosts} Azure hosts, ${n} workloads (median of 3 runs each)`);
console.log(`  raw resources: ${r.toFixed(0)} ms (${resources.raw} resources) runs ${runs.raw.map((x) => x.toFixed(0)).join(", ")}`);
console.log(`  components:    ${c.toFixed(0)} ms (${resources.component} resources) runs ${runs.component.map((x) => x.toFixed(0)).join(", ")}`);
console.log(`  ratio: ${(c / r).toFixed(2)}x (target <= 1.3x)`);
