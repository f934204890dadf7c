/**
 * Benchmark (not a test): how long the real test engine takes to start, and how long one
 * in-process verify run takes over its unix socket and over mutual TLS. `npm run bench:verify`.
 */
import { startEngine, stopEngine } from "../test/helpers/engine/engine";
import { runVerify } from "../review/verify/main";
import { median, writeResults } from "./results";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

function stats(ms: number[]): string {
    const s = [...ms].sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
    return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${s[0].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n=${s.length})`;
}

async function time(argv: string[]): Promise<number[]> {
    const out: number[] = [];
    const quiet = { stdout: () => undefined, stderr: (t: string) => process.stderr.write(t) };
    for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        const code = await runVerify([...argv, "--json"], {}, quiet);
        out.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (code !== 1) throw new Error(`verify exited ${code}, expected 1 on the Linux test engine`);
    }
    return out;
}

(async () => {
    const t = Date.now();
    const s = await startEngine();
    try {
        console.log(`engine: dockerd ${s.dockerdVersion} answering after ${s.timingsMs.engineReady} ms; image, 4 containers, swarm and 2 services after ${s.timingsMs.workloadsReady} ms`);
        const unix = await time(["--endpoint", s.unixEndpoint]);
        const tls = await time(["--endpoint", s.tcpEndpoint, "--tls-dir", s.tls.client]);
        console.log(`verify over ${s.unixEndpoint.replace(/\/tmp\/[^/]+/, "<tmp>")}: ${stats(unix)}`);
        console.log(`verify over mutual TLS (127.0.0.1 relay): ${stats(tls)}`);
        console.log(`ratio TLS/unix socket (medians): ${(median(tls) / median(unix)).toFixed(2)}x`);
        writeResults("verify", { runs: RUNS, ratioTlsVsUnix: median(tls) / median(unix), medianMs: { unix: median(unix), tls: median(tls) }, engineReadyMs: s.timingsMs.engineReady, workloadsReadyMs: s.timingsMs.workloadsReady });
    } finally {
        const t2 = Date.now();
        await stopEngine(s);
        console.log(`engine stopped in ${Date.now() - t2} ms; whole benchmark ${Date.now() - t} ms`);
    }
    process.exit(0);
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
