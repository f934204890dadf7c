/**
 * npm run bench:swarm: plan-time cost of placement on a swarm of 50 nodes with 1,000 workloads,
 * WindowsContainer vs the same raw docker.Service resources (constraints written by hand), each
 * run in its own process, 3 runs each, medians printed with their ratio. Target (issue 6): <= 1.3x.
 * Reported, not asserted. BENCH_SWARM="<workloads>,<hosts>" to change the size.
 * Note: the component declares 2 resources per workload (component + service), raw declares 1.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const [n, hosts] = (process.env.BENCH_SWARM ?? "1000,50").split(",").map(Number);

function run(mode: "component" | "raw"): { wallMs: number; resources: number } {
    const out = execFileSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "declareSwarm.ts"), mode, String(n), String(hosts)], { encoding: "utf8" });
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
console.log(`swarm of ${hosts} nodes, ${n} workloads (median of 3 runs each)`);
console.log(`  raw docker.Service: ${r.toFixed(0)} ms (${resources.raw} resources) runs ${runs.raw.map((x) => x.toFixed(0)).join(", ")}`);
console.log(`  WindowsContainer:   ${c.toFixed(0)} ms (${resources.component} resources) runs ${runs.component.map((x) => x.toFixed(0)).join(", ")}`);
console.log(`  ratio: ${(c / r).toFixed(2)}x (target <= 1.3x)`);
