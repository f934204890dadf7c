/**
 * npm run bench:swarm: plan-time cost of placement on a swarm of 50 nodes with 1,000 workloads,
 * WindowsContainer vs the same raw docker.Service resources (constraints written by hand), each
 * run in its own process, 3 runs each, medians printed with their ratio. Target (issue 6): <= 1.3x.
 * Reported, not asserted; written to bench/results/swarm.json. BENCH_SWARM="<workloads>,<hosts>" to change the size.
 * Note: the component declares 2 resources per workload (component + service), raw declares 1.
 */
import * as path from "path";
import { compareRuns, printComparison } from "./compareRuns";
import { writeResults } from "./results";

const [n, hosts] = (process.env.BENCH_SWARM ?? "1000,50").split(",").map(Number);
const c = compareRuns(path.join(__dirname, "declareSwarm.ts"), [String(n), String(hosts)]);
printComparison(`swarm of ${hosts} nodes, ${n} workloads (median of 3 runs each)`, { raw: "raw docker.Service", component: "WindowsContainer" }, c);
writeResults("swarm", { workloads: n, hosts, ratio: c.median.component / c.median.raw, ...c });
