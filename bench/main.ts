/**
 * npm run bench: component overhead and policy evaluation speed, printed as ratios and written to
 * bench/results/main.json.
 * 1. N workloads (default 10, 100, 1000; BENCH_N=10,100,1000,10000 to change), each run in its own
 *    process under the same mocks, BENCH_RUNS (default 3) alternating runs of each mode, medians:
 *    - component: WindowsContainer;
 *    - hand: the same resource graph written by hand (a bare ComponentResource of the same type and
 *      inputs, and its docker.Service with the same inputs; test/bench/declare.test.ts proves the
 *      registrations equal). component/hand is this project's overhead (target, issue 15: <= 1.05x
 *      at N=1000);
 *    - raw: one docker.Service per workload, no component. hand/raw is the SDK's cost of one more
 *      registration per workload, not this project's.
 * 2. Policy evaluation of 10,000 recorded resources through the pack's gRPC analyzer server
 *    (Configure + one Analyze per resource + AnalyzeStack), as the plan tool runs it, relative to
 *    the server's start-up. Reported, not asserted.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { AnalyzerClient } from "../review/analyzer/client";
import { startPolicyPack } from "../review/analyzer/packServer";
import { endChildrenOnExit } from "../review/process/children";
import { evaluate } from "../review/plan/evaluate";
import { RecordedResource } from "../review/analyzer/resource";
import { median, writeResults } from "./results";

type Mode = "component" | "hand" | "raw";
const MODES: Mode[] = ["raw", "hand", "component"];

interface Run {
    mode: Mode;
    n: number;
    resources: number;
    wallMs: number;
    cpuMs: number;
    peakRssMb: number;
    rssBeforeMb: number;
}

function declare(mode: Mode, n: number): Run {
    const out = execFileSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "declare.ts"), mode, String(n)], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split("\n").pop()!) as Run;
}

const fmt = (x: number, d = 1) => x.toFixed(d);

function syntheticStack(count: number): RecordedResource[] {
    const stack = "urn:pulumi:bench::bench::pulumi:pulumi:Stack::bench-bench";
    const hostUrn = "urn:pulumi:bench::bench::windows-isolation:index:ExistingDockerHost::host";
    const providerUrn = "urn:pulumi:bench::bench::windows-isolation:index:ExistingDockerHost$pulumi:providers:docker::host-docker";
    const out: RecordedResource[] = [
        { urn: hostUrn, type: "windows-isolation:index:ExistingDockerHost", name: "host", custom: false, parent: stack, inputs: { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true } },
        { urn: providerUrn, type: "pulumi:providers:docker", name: "host-docker", custom: true, parent: hostUrn, inputs: { host: "npipe:////./pipe/docker_engine" } },
    ];
    const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
    for (let i = 0; out.length < count; i++) {
        const wcUrn = `urn:pulumi:bench::bench::windows-isolation:index:WindowsContainer::w${i}`;
        out.push({
            urn: wcUrn,
            type: "windows-isolation:index:WindowsContainer",
            name: `w${i}`,
            custom: false,
            parent: stack,
            inputs: { host: "host", image, trust: "untrusted", requestedIsolation: null, isolation: "hyperv", imageOsBuild: 20348, hostOsBuild: 20348, hostHypervCapable: true, replicas: 1 },
        });
        if (out.length >= count) break;
        const labels = [
            { label: "windows-isolation.trust", value: "untrusted" },
            { label: "windows-isolation.isolation", value: "hyperv" },
        ];
        out.push({
            urn: `urn:pulumi:bench::bench::windows-isolation:index:WindowsContainer$docker:index/service:Service::w${i}-service`,
            type: "docker:index/service:Service",
            name: `w${i}-service`,
            custom: true,
            parent: wcUrn,
            provider: providerUrn,
            inputs: { name: `w${i}`, labels, taskSpec: { containerSpec: { image, isolation: "hyperv", labels } }, mode: { replicated: { replicas: 1 } } },
        });
    }
    return out;
}

async function main(): Promise<void> {
    const ns = (process.env.BENCH_N ?? "10,100,1000").split(",").map(Number);
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    console.log(`Workload declaration under mocks (own process per run, ${runs} alternating runs per mode, medians)`);
    console.log("N       mode       resources  wall ms    CPU ms     peak RSS MB  RSS growth MB");
    const rows: { n: number; median: Record<Mode, { wallMs: number; cpuMs: number; peakRssMb: number; rssGrowthMb: number; resources: number }>; runs: Record<Mode, Run[]> }[] = [];
    for (const n of ns) {
        const all = { component: [] as Run[], hand: [] as Run[], raw: [] as Run[] };
        for (let i = 0; i < runs; i++) for (const mode of MODES) all[mode].push(declare(mode, n));
        const med = Object.fromEntries(
            MODES.map((mode) => [mode, { wallMs: median(all[mode].map((r) => r.wallMs)), cpuMs: median(all[mode].map((r) => r.cpuMs)), peakRssMb: median(all[mode].map((r) => r.peakRssMb)), rssGrowthMb: median(all[mode].map((r) => r.peakRssMb - r.rssBeforeMb)), resources: all[mode][0].resources }]),
        ) as Record<Mode, { wallMs: number; cpuMs: number; peakRssMb: number; rssGrowthMb: number; resources: number }>;
        rows.push({ n, median: med, runs: all });
        for (const mode of ["component", "hand", "raw"] as const) {
            const x = med[mode];
            console.log(`${String(n).padEnd(8)}${mode.padEnd(11)}${String(x.resources).padEnd(11)}${fmt(x.wallMs).padEnd(11)}${fmt(x.cpuMs).padEnd(11)}${fmt(x.peakRssMb).padEnd(13)}${fmt(x.rssGrowthMb)}`);
        }
    }
    type Medians = { wallMs: number; cpuMs: number; peakRssMb: number; rssGrowthMb: number };
    const ratio = (a: Medians, b: Medians) => ({
        cpu: a.cpuMs / b.cpuMs,
        wall: a.wallMs / b.wallMs,
        peakRss: a.peakRssMb / b.peakRssMb,
        rssGrowth: a.rssGrowthMb / Math.max(0.1, b.rssGrowthMb),
    });
    const ratios = rows.map(({ n, median: m }) => ({ n, componentVsHand: ratio(m.component, m.hand), handVsRaw: ratio(m.hand, m.raw), componentVsRaw: ratio(m.component, m.raw) }));
    console.log("\nRatios (CPU time, wall time, peak RSS, RSS growth)");
    console.log("N       component/hand (this project's overhead)  hand/raw (SDK: one more registration)  component/raw");
    for (const r of ratios) {
        const three = (x: { cpu: number; wall: number; peakRss: number; rssGrowth: number }) => `${fmt(x.cpu, 2)}  ${fmt(x.wall, 2)}  ${fmt(x.peakRss, 2)}  ${fmt(x.rssGrowth, 2)}`;
        console.log(`${String(r.n).padEnd(8)}${three(r.componentVsHand).padEnd(42)}${three(r.handVsRaw).padEnd(39)}${three(r.componentVsRaw)}`);
    }
    console.log("target: component/hand <= 1.05x at N=1000 (CPU time is the steadier figure on a busy machine)");
    console.log("\nGrowth (wall ms per workload)");
    for (const { n, median: m } of rows) console.log(`${String(n).padEnd(8)}component ${fmt(m.component.wallMs / n, 3)}  hand ${fmt(m.hand.wallMs / n, 3)}  raw ${fmt(m.raw.wallMs / n, 3)}`);

    const count = Number(process.env.BENCH_POLICY_RESOURCES ?? 10_000);
    const resources = syntheticStack(count);
    const t0 = Date.now();
    // The pack as `npm run plan` starts it: policy/ built into build/ (rebuilt first if a source changed).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../scripts/ensureBuilt.js") as { ensureBuilt(): void }).ensureBuilt();
    const server = await startPolicyPack(path.join(__dirname, "..", "build", "policy"));
    const startup = Date.now() - t0;
    const client = new AnalyzerClient(server.port);
    try {
        const t1 = process.hrtime.bigint();
        const e = await evaluate(client, resources);
        const ms = Number(process.hrtime.bigint() - t1) / 1e6;
        console.log(`\nPolicy evaluation through the analyzer server: ${resources.length} resources in ${fmt(ms, 0)} ms, ${fmt(ms / startup, 2)}x the server's start-up (${startup} ms, not included); ${e.diagnostics.length} findings`);
        writeResults("main", {
            declaration: { runsPerMode: runs, ratios, rows },
            policyEvaluation: { resources: resources.length, evaluationMs: ms, serverStartMs: startup, evaluationVsStartup: ms / startup, findings: e.diagnostics.length },
        });
    } finally {
        client.close();
        await server.stop();
    }
}

endChildrenOnExit("bench");
main().catch((e) => {
    console.error(`bench: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
});
