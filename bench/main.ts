/**
 * npm run bench: component overhead and policy evaluation speed, measured once, printed.
 * 1. N workloads (default 10, 100, 1000; BENCH_N=10,100,1000,10000 to change) through
 *    WindowsContainer vs the same N raw docker.Service, each run in its own process under the
 *    same mocks: wall time, peak RSS (and its growth over the pre-declaration RSS), ratios.
 * 2. Policy evaluation of 10,000 recorded resources through the pack's gRPC analyzer server
 *    (Configure + one Analyze per resource + AnalyzeStack), as the plan tool runs it.
 * Targets (issue 4): overhead <= 1.3x at N=1000, linear growth, 10k evaluation < 5 s. Reported,
 * not asserted.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { AnalyzerClient } from "../review/analyzer/client";
import { startPolicyPack } from "../review/analyzer/packServer";
import { endChildrenOnExit } from "../review/process/children";
import { evaluate } from "../review/plan/evaluate";
import { RecordedResource } from "../review/analyzer/resource";

interface Run {
    mode: string;
    n: number;
    resources: number;
    wallMs: number;
    peakRssMb: number;
    rssBeforeMb: number;
}

function declare(mode: "component" | "raw", n: number): Run {
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
    console.log("Workload declaration under mocks (one run each, own process)");
    console.log("N       mode       resources  wall ms    peak RSS MB  RSS growth MB");
    const rows: { n: number; c: Run; r: Run }[] = [];
    for (const n of ns) {
        const c = declare("component", n);
        const r = declare("raw", n);
        rows.push({ n, c, r });
        for (const x of [c, r]) {
            console.log(`${String(n).padEnd(8)}${x.mode.padEnd(11)}${String(x.resources).padEnd(11)}${fmt(x.wallMs).padEnd(11)}${fmt(x.peakRssMb).padEnd(13)}${fmt(x.peakRssMb - x.rssBeforeMb)}`);
        }
    }
    console.log("\nRatios component/raw");
    console.log("N       wall time  peak RSS  RSS growth");
    for (const { n, c, r } of rows) {
        console.log(`${String(n).padEnd(8)}${fmt(c.wallMs / r.wallMs, 2).padEnd(11)}${fmt(c.peakRssMb / r.peakRssMb, 2).padEnd(10)}${fmt((c.peakRssMb - c.rssBeforeMb) / Math.max(0.1, r.peakRssMb - r.rssBeforeMb), 2)}`);
    }
    console.log("\nGrowth (wall ms per workload)");
    for (const { n, c, r } of rows) console.log(`${String(n).padEnd(8)}component ${fmt(c.wallMs / n, 3)}  raw ${fmt(r.wallMs / n, 3)}`);

    const count = Number(process.env.BENCH_POLICY_RESOURCES ?? 10_000);
    const resources = syntheticStack(count);
    const t0 = Date.now();
    const server = await startPolicyPack(path.join(__dirname, "..", "policy"));
    const startup = Date.now() - t0;
    const client = new AnalyzerClient(server.port);
    try {
        const t1 = process.hrtime.bigint();
        const e = await evaluate(client, resources);
        const ms = Number(process.hrtime.bigint() - t1) / 1e6;
        console.log(`\nPolicy evaluation through the analyzer server: ${resources.length} resources in ${fmt(ms, 0)} ms (${e.diagnostics.length} findings; server start-up ${startup} ms, not included)`);
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
