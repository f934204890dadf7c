/**
 * npm run bench:pool: plan-time cost of a ContainerHostPool of 50 Azure hosts with 1,000
 * workloads, through the components vs the same resources declared raw (declarePool.ts), each run
 * in its own process, 3 runs each, medians printed with their ratio. Target (issue 6): <= 1.3x.
 * Reported, not asserted; written to bench/results/pool.json. BENCH_POOL="<workloads>,<hosts>" to change the size.
 * Note: the components register one component resource per workload and one for the pool on top.
 */
import * as path from "path";
import { compareRuns, printComparison } from "./compareRuns";
import { writeResults } from "./results";

const [n, hosts] = (process.env.BENCH_POOL ?? "1000,50").split(",").map(Number);
const c = compareRuns(path.join(__dirname, "declarePool.ts"), [String(n), String(hosts)]);
printComparison(`pool of ${hosts} Azure hosts, ${n} workloads (median of 3 runs each)`, { raw: "raw resources", component: "components" }, c);
writeResults("pool", { workloads: n, hosts, ratio: c.median.component / c.median.raw, ...c });
