/**
 * Benchmark (not a test): verify's own CPU with the witness at scale, issue 27's case: 1,000
 * running containers against a 100,000-row host process list (target: under 2 s), beside the
 * same containers against a 1,000-row list (the ratio shows the cost grows with rows plus
 * containers, not their product). The engine is a recording served from this process; verify
 * runs in a child (the built CLI's runVerify), which reports its own CPU from the moment the run
 * starts. `npm run bench:verify-witness`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureBuilt, ROOT } from "../test/helpers/build/builtTools";
import { EngineRecording, serveRecording } from "../test/helpers/fakeEngine";
import { median, writeResults } from "./results";

const CONTAINERS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const hex = (n: number) => n.toString(16).padStart(64, "0");

function recording(): { rec: EngineRecording; containerPids: number[] } {
    const containers: unknown[] = [];
    const inspect: Record<string, unknown> = {};
    const top: Record<string, unknown> = {};
    const containerPids: number[] = [];
    for (let i = 0; i < CONTAINERS; i++) {
        const id = hex(i + 1);
        const isolation = i % 2 === 0 ? "hyperv" : "process";
        const pid = 100_000 + 4 * i;
        if (isolation === "process") containerPids.push(pid);
        containers.push({ Id: id, Names: [`/c${i}`], State: "running" });
        inspect[id] = { Id: id, Name: `/c${i}`, State: { Status: "running", StartedAt: "2026-12-05T10:00:00Z" }, Config: { Image: "app", Labels: { "windows-isolation.trust": "trusted", "windows-isolation.isolation": isolation } }, HostConfig: { Isolation: isolation } };
        top[id] = { Titles: ["Name", "PID", "CPU", "Private Working Set"], Processes: [["app.exe", String(pid), "", ""]] };
    }
    const info = { OSType: "windows", Name: "benchhost", KernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)", Isolation: "hyperv", Swarm: { LocalNodeState: "inactive" } };
    return { rec: { info, containers, inspect, top, services: [], tasks: [] }, containerPids };
}

function hostList(rows: number, containerPids: number[]): object {
    const processes: unknown[] = [[4, "System", null], [2000, "dockerd", 1733300000000]];
    for (const pid of containerPids) processes.push([pid, "app", 1733390000000]);
    for (let i = 0; i < CONTAINERS / 2; i++) processes.push([300_000 + 4 * i, "vmwp", 1733390000000]);
    for (let i = processes.length; i < rows; i++) processes.push([400_000 + 4 * i, `svc${i % 97}`, 1733300000000 + i]);
    return { MachineName: "benchhost", DockerdPid: 2000, TotalProcesses: rows, Processes: processes };
}

function runChild(socketPath: string, file: string): Promise<{ code: number; cpuMs: number; wallMs: number; stderr: string }> {
    const main = path.join(ROOT, "build", "review", "verify", "main.js");
    const script = `const m = require(${JSON.stringify(main)}); const t = process.cpuUsage(); const w = process.hrtime.bigint();
m.runVerify(["--endpoint", ${JSON.stringify(`unix://${socketPath}`)}, "--host-processes", ${JSON.stringify(file)}, "--json", "--timeout", "120"], {}, { stdout() {}, stderr(s) { process.stderr.write(s); } })
 .then((code) => { const u = process.cpuUsage(t); console.log(JSON.stringify({ code, cpuMs: (u.user + u.system) / 1000, wallMs: Number(process.hrtime.bigint() - w) / 1e6 })); process.exit(0); });`;
    return new Promise((resolve, reject) =>
        execFile(process.execPath, ["-e", script], { maxBuffer: 1 << 20, timeout: 300_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve({ ...JSON.parse(stdout), stderr }))),
    );
}

(async () => {
    ensureBuilt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-bench-witness-"));
    const { rec, containerPids } = recording();
    const socketPath = path.join(dir, "engine.sock");
    const engine = await serveRecording(rec, { socketPath });
    try {
        const results: Record<string, { cpuMs: number; wallMs: number; bytes: number }> = {};
        for (const rows of [1_000, 100_000]) {
            const file = path.join(dir, `host-${rows}.json`);
            fs.writeFileSync(file, JSON.stringify(hostList(rows, containerPids)));
            const cpu: number[] = [];
            const wall: number[] = [];
            for (let i = 0; i < RUNS; i++) {
                const r = await runChild(socketPath, file);
                // Trusted containers, each proven: process ones share the kernel as declared, hyperv ones are counted.
                if (r.code !== 0) throw new Error(`verify exited ${r.code}, expected 0: ${r.stderr}`);
                cpu.push(r.cpuMs);
                wall.push(r.wallMs);
            }
            results[`${rows}`] = { cpuMs: median(cpu), wallMs: median(wall), bytes: fs.statSync(file).size };
            console.log(`${CONTAINERS} containers x ${rows} host rows (${(fs.statSync(file).size / 1e6).toFixed(1)} MB): verify's own CPU median ${median(cpu).toFixed(0)} ms, wall ${median(wall).toFixed(0)} ms (n=${RUNS})`);
        }
        const ratio = results["100000"].cpuMs / results["1000"].cpuMs;
        console.log(`ratio CPU 100,000 rows / 1,000 rows (medians): ${ratio.toFixed(2)}x (rows x100; target under 2000 ms at 100,000)`);
        writeResults("verify-witness", { runs: RUNS, containers: CONTAINERS, ratioCpu100kVs1k: ratio, medians: results });
    } finally {
        await engine.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
