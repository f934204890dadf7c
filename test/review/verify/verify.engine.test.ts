/**
 * `verify` against a real Docker engine (Debian's dockerd, started by globalSetup): over mutual
 * TLS, over the unix socket, from DOCKER_* and from stack outputs. A Linux engine has no Windows
 * isolation, so every declared mode must come out unproven (fail closed) and the run exit 1.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import Docker from "dockerode";
import { runVerify } from "../../../review/verify/main";
import { validateSarif } from "../../helpers/sarifValidator";
import { BUILT_CLI } from "../../helpers/build/builtTools";
import { EngineState, IMAGE, STATE_ENV } from "../../helpers/engine/engine";
import { enter, namespaceProc } from "../../helpers/engine/namespace";

const state: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));
const ROOT = path.join(__dirname, "..", "..", "..");

async function verify(argv: string[], env: NodeJS.ProcessEnv = {}) {
    let stdout = "";
    let stderr = "";
    const code = await runVerify(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

const tlsArgs = (dir = state.tls.client, endpoint = state.tcpEndpoint) => ["--endpoint", endpoint, "--tls-dir", dir];

/**
 * A command run on the engine's own machine: in its PID and mount namespaces, where /proc shows the
 * PIDs `docker top` reports (the host network still, so the TLS relay is at the same address).
 */
function onEngineMachine(command: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile("nsenter", [...enter(state.pids.init, ["pid", "mount"], ROOT), ...command], { cwd: ROOT, timeout: 60000 }, (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
        );
    });
}

/** What the Linux engine must report for the workloads globalSetup started. */
const EXPECTED_FINDINGS = [
    ["engine-default-isolation", "Debian GNU/Linux 12 (bookworm)"],
    ["engine-unguarded", "Debian GNU/Linux 12 (bookworm)"],
    ["invalid-label", "wi-bad-label"],
    ["isolation-mismatch", "wi-bad-label"],
    ["isolation-mismatch", "wi-customer-job"],
    ["isolation-mismatch", "wi-svc-legacy"],
    ["isolation-mismatch", "wi-web"],
    ["task-not-verified", "wi-svc-isolated"],
    ["unlabelled-container", "wi-handmade"],
    ["untrusted-requires-hyperv", "wi-bad-label"],
    ["untrusted-requires-hyperv", "wi-customer-job"],
    ["untrusted-requires-hyperv", "wi-handmade"],
];

type JsonReport = {
    exitCode: number;
    engine: { osType: string; defaultIsolation: string; reportedDefaultIsolation: string; swarmState: string; osBuild?: number };
    containers: { name: string; workload?: string; trust: string; declared: string; reported: string; effective: string; via: string; proven: boolean }[];
    findings: { ruleId: string; level: string; message: string; subject: { kind: string; name: string } }[];
    proven: boolean;
};

// Task containers are named <service>.<slot>.<task id>; the findings name them by service.
const short = (name: string) => name.replace(/\.\d+\.[a-z0-9]{25}$/, "");
const findingPairs = (r: JsonReport) => r.findings.map((f) => [f.ruleId, short(f.subject.name)]).sort((a, b) => (a.join() < b.join() ? -1 : 1));

describe("a Linux engine cannot prove any Windows isolation", () => {
    let json: JsonReport;
    beforeAll(async () => {
        const r = await verify([...tlsArgs(), "--json"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        json = JSON.parse(r.stdout);
    });

    test("the engine: linux, no default isolation, swarm active: a finding", () => {
        expect(json.engine).toMatchObject({ osType: "linux", defaultIsolation: "none", reportedDefaultIsolation: "", swarmState: "active" });
        expect(json.engine.osBuild).toBeUndefined();
        expect(json.findings[0]).toMatchObject({ ruleId: "engine-default-isolation", level: "error", subject: { kind: "engine" } });
    });

    test("every running container is listed with its real HostConfig.Isolation and none is proven", () => {
        const rows = json.containers.map((c) => [short(c.name), c.workload ?? null, c.trust, c.declared, c.reported, c.effective, c.via, c.proven]).sort();
        expect(rows).toEqual([
            ["wi-bad-label", null, "untrusted", "hyperv", "", "none", "not-windows", false],
            ["wi-customer-job", "customer-job", "untrusted", "hyperv", "", "none", "not-windows", false],
            ["wi-handmade", null, "untrusted", "hyperv", "", "none", "not-windows", false],
            // swarm writes Isolation "default" into the task container; dockerd keeps an explicit "default"
            ["wi-svc-legacy", "legacy-app", "trusted", "hyperv", "default", "none", "not-windows", false],
            ["wi-web", "web", "trusted", "process", "default", "none", "not-windows", false],
        ]);
    });

    test("exactly the expected findings: mismatches, critical untrusted, unlabelled, invalid label, refused task", () => {
        expect(findingPairs(json)).toEqual(EXPECTED_FINDINGS);
        expect(json.proven).toBe(false);
        expect(json.exitCode).toBe(1);
    });

    test("the refused Hyper-V service carries the engine's own error", () => {
        const task = json.findings.find((f) => f.ruleId === "task-not-verified")!;
        expect(task.message).toMatch(/^task \w+ of service wi-svc-isolated \(declared windows-isolation.isolation='hyperv'\) is 'rejected' \(desired '\w+'\): invalid isolation 'hyperv' on linux, so no container proves its isolation$/);
    });
});

test("the Linux engine itself refuses any isolation but default: why nothing can be proven on it", async () => {
    const docker = new Docker({ socketPath: state.unixEndpoint.slice("unix://".length) });
    for (const isolation of ["hyperv", "process"] as const) {
        await expect(docker.createContainer({ Image: IMAGE, Cmd: ["/bin/true"], HostConfig: { Isolation: isolation } })).rejects.toMatchObject({
            statusCode: 500,
            json: { message: `Invalid isolation: "${isolation}" - linux only supports 'default'` },
        });
    }
});

test("the same facts over the unix socket, from DOCKER_HOST/DOCKER_CERT_PATH and from stack outputs", async () => {
    const viaTls = JSON.parse((await verify([...tlsArgs(), "--json"])).stdout) as JsonReport;
    const unix = await verify(["--endpoint", state.unixEndpoint, "--json"]);
    const env = await verify(["--json"], { DOCKER_HOST: state.tcpEndpoint, DOCKER_CERT_PATH: state.tls.client, DOCKER_TLS_VERIFY: "1" });
    const outputs = path.join(state.dir, "stack-outputs.json");
    const pem = (f: string) => fs.readFileSync(path.join(state.tls.client, f), "utf8");
    fs.writeFileSync(outputs, JSON.stringify({ dockerEndpoint: state.tcpEndpoint, dockerCaPem: pem("ca.pem"), dockerCertPem: pem("cert.pem"), dockerKeyPem: pem("key.pem") }));
    const stack = await verify(["--stack-outputs", outputs, "--json"]);
    // The key material stays in memory: never in the report.
    expect(stack.stdout).not.toContain("PRIVATE KEY");
    expect(stack.stdout).not.toContain(pem("key.pem").split("\n")[1]);
    for (const r of [unix, env, stack]) {
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        const j = JSON.parse(r.stdout) as JsonReport;
        expect(findingPairs(j)).toEqual(findingPairs(viaTls));
        expect(j.containers.map((c) => c.name).sort()).toEqual(viaTls.containers.map((c) => c.name).sort());
    }
});

test("SARIF over TLS: one result per finding, each pointing at its rule", async () => {
    const r = await verify([...tlsArgs(), "--sarif"]);
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout).runs[0];
    expect(run.tool.driver.name).toBe("windows-isolation verify");
    expect(run.results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual(EXPECTED_FINDINGS.map(([id]) => id).sort());
    for (const x of run.results) expect(run.tool.driver.rules[x.ruleIndex].id).toBe(x.ruleId);
    expect(await validateSarif(JSON.parse(r.stdout))).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
});

test("npm run verify: the table on stdout, exit 1", async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile("npm", ["run", "-s", "verify", "--", ...tlsArgs()], { cwd: ROOT, timeout: 300000 }, (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
        );
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(`Verify ${state.tcpEndpoint}`);
    expect(r.stdout).toMatch(/^Engine: linux \| Debian GNU\/Linux 12 \(bookworm\) \| kernel \S+ \| default isolation none \(reported ''\) \| swarm active \| dockerd 20\.10\.\S+$/m);
    expect(r.stdout).toMatch(/^wi-customer-job\s+customer-job\s+untrusted\s+hyperv\s+''\s+none\s+NO$/m);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("NOT PROVEN: 5 running container(s), 11 error(s), 1 warning(s); exit 1");
});

describe("the kernel's witness: docker top against the engine machine's /proc", () => {
    type WitnessReport = Omit<JsonReport, "containers"> & {
        witness: { source: string; hostProcessCount: number };
        containers: (JsonReport["containers"][number] & { id: string; witness: { verdict: string; reason: string; matchedPids: number[] } })[];
    };
    let json: WitnessReport;
    beforeAll(async () => {
        const r = await onEngineMachine([process.execPath, BUILT_CLI, "verify", ...tlsArgs(), "--host-processes", "/proc", "--json"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        json = JSON.parse(r.stdout);
    });

    test("the engine runs in network, PID and mount namespaces of its own; its containers' top PIDs are that machine's PIDs", async () => {
        const docker = new Docker({ socketPath: state.unixEndpoint.slice("unix://".length) });
        const ns = (pid: number | "self", kind: string) => fs.readlinkSync(`/proc/${pid}/ns/${kind}`);
        for (const kind of ["net", "pid", "mnt"]) {
            expect(ns(state.pids.dockerd, kind)).not.toBe(ns("self", kind));
            expect(ns(state.pids.dockerd, kind)).toBe(ns(state.pids.init, kind));
        }
        for (const c of json.containers) {
            const top = await docker.getContainer(c.id).top();
            const pids = top.Processes.map((p: string[]) => Number(p[top.Titles.indexOf("PID")]));
            expect(pids.length).toBeGreaterThan(0);
            // The same process seen in the engine's /proc: its entry exists there, running sleep.
            for (const pid of pids) expect(fs.readFileSync(path.join(namespaceProc(state.pids.init), String(pid), "cmdline"), "utf8").split("\0")[0]).toBe("/bin/sleep");
            expect(c.witness.matchedPids.sort()).toEqual(pids.sort());
        }
    });

    test("every running container shares the host kernel, as a Linux container does", () => {
        expect(json.witness.source).toBe("/proc of this machine");
        expect(json.witness.hostProcessCount).toBeGreaterThan(json.containers.length);
        expect(json.containers.map((c) => [short(c.name), c.witness.verdict]).sort()).toEqual([
            ["wi-bad-label", "shares-host-kernel"],
            ["wi-customer-job", "shares-host-kernel"],
            ["wi-handmade", "shares-host-kernel"],
            ["wi-svc-legacy", "shares-host-kernel"],
            ["wi-web", "shares-host-kernel"],
        ]);
        for (const c of json.containers) expect(c.witness.reason).toMatch(/^all 1 process\(es\) of GET \/containers\/\{id\}\/top \(PID \d+\) are host processes with the same Id and name \(top PID \+ process name against the host's Id \+ ProcessName \(\+ StartTime vs State\.StartedAt\) from \/proc of this machine\)$/);
    });

    test("the untrusted and unlabelled ones are critical by the witness too; the rest of the findings stay", () => {
        const witness = EXPECTED_FINDINGS.concat([
            ["witness-untrusted-shares-kernel", "wi-bad-label"],
            ["witness-untrusted-shares-kernel", "wi-customer-job"],
            ["witness-untrusted-shares-kernel", "wi-handmade"],
        ]).sort((a, b) => (a.join() < b.join() ? -1 : 1));
        expect(findingPairs(json)).toEqual(witness);
    });

    test("npm run verify with the witness column", async () => {
        const r = await onEngineMachine(["npm", "run", "-s", "verify", "--", ...tlsArgs(), "--host-processes", "/proc"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/^Witness: \/proc of this machine \(\d+ host processes\) against each container's GET \/containers\/\{id\}\/top$/m);
        expect(r.stdout).toMatch(/^wi-customer-job\s+customer-job\s+untrusted\s+hyperv\s+''\s+none\s+shares-host-kernel\s+NO$/m);
        expect(r.stdout.trimEnd().split("\n").pop()).toBe("NOT PROVEN: 5 running container(s), 14 error(s), 1 warning(s); exit 1");
    });
});

describe("cannot connect: exit 2 with a message naming the endpoint, within the timeout", () => {
    const refused = async (argv: string[]) => {
        // The refusal arrives at once; the bound is only there so a hung handshake cannot hang the test,
        // and it is generous so that a busy machine cannot turn a refusal into a timeout.
        const r = await verify([...argv, "--timeout", "60"]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        return r.stderr;
    };

    test("a client certificate the engine does not trust", async () => {
        expect(await refused(tlsArgs(state.tls.rogueClient))).toMatch(
            new RegExp(`^verify: cannot verify ${state.tcpEndpoint}: the engine refused our client certificate ${state.tls.rogueClient}/cert.pem \\(ERR_SSL_\\w+\\); use a certificate signed by the CA the engine trusts\\n$`),
        );
    });

    test("a CA that did not sign the engine's certificate", async () => {
        expect(await refused(tlsArgs(state.tls.wrongCa))).toBe(
            `verify: cannot verify ${state.tcpEndpoint}: the engine's server certificate is not signed by the CA in ${state.tls.wrongCa}/ca.pem (UNABLE_TO_VERIFY_LEAF_SIGNATURE)\n`,
        );
    });

    test("a closed port", async () => {
        const endpoint = `tcp://127.0.0.1:${state.closedPort}`;
        expect(await refused(tlsArgs(state.tls.client, endpoint))).toBe(
            `verify: cannot verify ${endpoint}: connection refused (nothing listens there; is the engine running and is the port right?)\n`,
        );
    });

    test("a plain-HTTP endpoint", async () => {
        const server = http.createServer((_, res) => res.end(JSON.stringify({ OSType: "linux" })));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        try {
            expect(await refused(tlsArgs(state.tls.client, endpoint))).toMatch(
                new RegExp(`^verify: cannot verify ${endpoint}: the endpoint does not speak TLS \\(a plain-HTTP engine\\?\\); verify only talks to tcp engines over verified mutual TLS \\(.*wrong version number.*\\)\\n$`, "s"),
            );
        } finally {
            server.close();
        }
    });

    test("an endpoint that accepts and never answers hits the timeout", async () => {
        const sockets: net.Socket[] = [];
        const server = net.createServer((s) => sockets.push(s));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        try {
            const r = await verify([...tlsArgs(state.tls.client, endpoint), "--timeout", "1"]);
            expect(r.code).toBe(2);
            expect(r.stderr).toBe(`verify: cannot verify ${endpoint}: no answer within 1s (engine facts)\n`);
        } finally {
            sockets.forEach((s) => s.destroy());
            server.close();
        }
    });
});

/**
 * Hostile input against the real engine (issue 27): inputs that never end, lists built to cost
 * quadratic time or to crash the parser, labels that steer a terminal, and processes whose command
 * line lies about their executable. Each ran past its deadline, crashed, printed raw escape
 * sequences or bent the witness before; these containers are removed when the block ends.
 */
describe("hostile input: one deadline, bounded cost, strict rows, nothing raw, identity a container cannot bend", () => {
    const docker = new Docker({ socketPath: state.unixEndpoint.slice("unix://".length) });
    const created: string[] = [];
    afterAll(async () => {
        for (const id of created) {
            await docker
                .getContainer(id)
                .remove({ force: true })
                .catch((e: { statusCode?: number }) => {
                    // Already removed by its own test.
                    if (e.statusCode !== 404) throw e;
                });
        }
    });

    /** The built CLI as a user runs it; `guardMs` only keeps a hung run from hanging the suite (then code is null). */
    function cli(args: string[], options: { stdin?: "pipe"; guardMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
            const child = execFile(process.execPath, [BUILT_CLI, "verify", ...args], { cwd: ROOT, timeout: options.guardMs ?? 90_000, killSignal: "SIGKILL", maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
                resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
            );
            // /dev/stdin as the host list: a pipe nobody ever closes.
            if (options.stdin !== "pipe") child.stdin?.end();
        });
    }

    const fifo = (name: string) => {
        const file = path.join(state.dir, name);
        fs.rmSync(file, { force: true });
        execFileSync("mkfifo", [file]);
        return file;
    };

    test("a FIFO nobody writes as --host-processes: cut at --timeout, exit 2, one line naming it", async () => {
        const file = fifo("hostile-host.fifo");
        const r = await cli([...tlsArgs(), "--host-processes", file, "--timeout", "3"]);
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toBe(`verify: --host-processes '${file}' did not end within the run's deadline (--timeout 3s); give a file that ends (a FIFO or pipe must be written and closed)\n`);
    });

    test("/dev/stdin left open as --host-processes: cut at --timeout, exit 2", async () => {
        const r = await cli([...tlsArgs(), "--host-processes", "/dev/stdin", "--timeout", "3"], { stdin: "pipe" });
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toMatch(/^verify: --host-processes '\/dev\/stdin' did not end within the run's deadline \(--timeout 3s\)/);
    });

    test("a FIFO as --stack-outputs: the same deadline covers it", async () => {
        const file = fifo("hostile-outputs.fifo");
        const r = await cli(["--stack-outputs", file, "--timeout", "3"]);
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toBe(`verify: --stack-outputs '${file}' did not end within the run's deadline (--timeout 3s); give a file that ends (a FIFO or pipe must be written and closed)\n`);
    });

    test("a file that never ends (/dev/zero): cut at the size limit, exit 2", async () => {
        const r = await cli([...tlsArgs(), "--host-processes", "/dev/zero", "--timeout", "60"]);
        expect(r).toMatchObject({ code: 2, stdout: "", stderr: "verify: --host-processes '/dev/zero' is larger than 64 MiB; a host's process list is far smaller\n" });
    });

    test("100,000 rows sharing one Id: read in one pass, a report and exit 1 (it ran for minutes)", async () => {
        const file = path.join(state.dir, "hostile-many-rows.json");
        fs.writeFileSync(file, JSON.stringify(Array.from({ length: 100_000 }, (_, i) => [7, `p${i % 50}`, null])));
        const r = await cli([...tlsArgs(), "--host-processes", file, "--json", "--timeout", "30"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        expect(JSON.parse(r.stdout).witness.hostProcessCount).toBe(100_000);
    });

    /** The first `docker top` row of a running test container: its PID and executable. */
    async function topOf(name: string): Promise<{ pid: number; name: string }> {
        const top = await docker.getContainer(name).top({ ps_args: "-o pid,comm" });
        const row = top.Processes[0] as string[];
        return { pid: Number(row[top.Titles.indexOf("PID")]), name: row[top.Titles.indexOf("COMMAND")] };
    }

    test("a start time outside the dates JavaScript can show, on the container's own PID: exit 2 naming row and field (it crashed with a RangeError)", async () => {
        const p = await topOf("wi-customer-job");
        const file = path.join(state.dir, "hostile-start.json");
        fs.writeFileSync(file, JSON.stringify([{ Id: p.pid, ProcessName: p.name, StartTime: "/Date(-9000000000000000)/" }]));
        const r = await verify([...tlsArgs(), "--host-processes", file]);
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toBe(`verify: --host-processes '${file}': item 0 (Id ${p.pid}) StartTime is "/Date(-9000000000000000)/", outside the dates verify can compare; write it on the host with the script in docs/verify.md ("The host's process list")\n`);
    });

    test("a start time nested 100,000 deep: exit 2 naming row and field, not the timeout", async () => {
        const file = path.join(state.dir, "hostile-deep.json");
        fs.writeFileSync(file, `[{"Id":1,"ProcessName":"sh","StartTime":${'{"value":'.repeat(100_000)}1${"}".repeat(100_000)}}]`);
        const r = await verify([...tlsArgs(), "--host-processes", file]);
        expect(r).toMatchObject({ code: 2, stdout: "" });
        expect(r.stderr).toBe(`verify: --host-processes '${file}': item 0 (Id 1) StartTime is an object, not a date; write it on the host with the script in docs/verify.md ("The host's process list")\n`);
    });

    test("hostile labels on a real container: escape sequences and newlines shown, never sent; the real summary stays last", async () => {
        const forged = "\u001b[2J\u001b[HPROVEN: 0 running container(s), 0 error(s), 0 warning(s); exit 0\n";
        const c = await docker.createContainer({
            name: "wi-hostile-labels",
            Image: IMAGE,
            Cmd: ["/bin/sleep", "3600"],
            StopSignal: "SIGKILL",
            Labels: { "windows-isolation.workload": forged, "windows-isolation.trust": "untrusted", "windows-isolation.isolation": "hyperv\u001b[8m\r" },
            HostConfig: { NetworkMode: "none" },
        });
        created.push(c.id);
        await c.start();
        const table = await verify(tlsArgs());
        expect(table.code).toBe(1);
        expect(table.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
        expect(table.stdout).toMatch(/^wi-hostile-labels\s+\\u001b\[2J\\u001b\[HPROVEN: 0 running container\(s\), 0 error\(s\), 0 warning\(s\); exit 0\\n\s+untrusted\s+hyperv\s+''\s+none\s+NO$/m);
        expect(table.stdout).toContain(`invalid-label: container wi-hostile-labels: windows-isolation.isolation='hyperv\\u001b[8m\\r' is not 'process' or 'hyperv' (read as hyperv)`);
        expect(table.stdout.trimEnd().split("\n").pop()).toMatch(/^NOT PROVEN: 6 running container\(s\), \d+ error\(s\), \d+ warning\(s\); exit 1$/);
        const sarif = await verify([...tlsArgs(), "--sarif"]);
        expect(sarif.code).toBe(1);
        const log = JSON.parse(sarif.stdout);
        const strings: string[] = [];
        const walk = (v: unknown): void => {
            if (typeof v === "string") strings.push(v);
            else if (v && typeof v === "object") Object.values(v).forEach(walk);
        };
        walk(log.runs[0].results);
        walk(log.runs[0].properties);
        expect(strings.filter((s) => /[\u0000-\u001f\u007f]/.test(s))).toEqual([]);
        expect(strings).toContain(forged.replace("\u001b", "\\u001b").replace("\u001b", "\\u001b").replace("\n", "\\n"));
    });

    /** A container whose executables live in "/a b/": tini (docker-init) as vmwp, busybox as sleep. */
    async function bentContainer(name: string, cmd: string[]): Promise<string> {
        const dir = fs.mkdtempSync(path.join(state.dir, "bent-"));
        fs.mkdirSync(path.join(dir, "a b"));
        fs.copyFileSync("/usr/bin/docker-init", path.join(dir, "a b", "vmwp"));
        fs.copyFileSync("/usr/bin/busybox", path.join(dir, "a b", "sleep"));
        fs.chmodSync(path.join(dir, "a b", "vmwp"), 0o755);
        fs.chmodSync(path.join(dir, "a b", "sleep"), 0o755);
        const tar = execFileSync("tar", ["-C", dir, "-cf", "-", "a b"], { maxBuffer: 64 << 20 });
        const c = await docker.createContainer({
            name,
            Image: IMAGE,
            Cmd: cmd,
            StopSignal: "SIGKILL",
            Labels: { "windows-isolation.workload": name, "windows-isolation.trust": "untrusted", "windows-isolation.isolation": "hyperv" },
            HostConfig: { NetworkMode: "none" },
        });
        created.push(c.id);
        await c.putArchive(tar, { path: "/" });
        await c.start();
        return c.id;
    }

    async function witnessOf(name: string) {
        const r = await onEngineMachine([process.execPath, BUILT_CLI, "verify", ...tlsArgs(), "--host-processes", "/proc", "--json"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        const json = JSON.parse(r.stdout) as { containers: { name: string; witness: { verdict: string; reason: string; vmWorkerPids: number[] } }[]; findings: { ruleId: string; subject: { name: string } }[] };
        return { witness: json.containers.find((c) => c.name === name)!.witness, rules: json.findings.filter((f) => f.subject.name === name).map((f) => f.ruleId) };
    }

    test("a process run as '/a b/vmwp' is the container's own, a host process, never the host's VM worker (it came out kernel-isolated)", async () => {
        const id = await bentContainer("wi-bent-vmwp", ["/a b/vmwp", "--", "/a b/sleep", "3600"]);
        // docker-init (as vmwp) forks sleep after the start returns: wait until it has, so that the witness sees both.
        const names = async () => ((await docker.getContainer(id).top({ ps_args: "-o pid,comm" })).Processes as string[][]).map((p) => p[1]).sort();
        let seen = await names();
        for (const end = Date.now() + 60000; seen.length < 2 && Date.now() < end; seen = await names()) await new Promise((r) => setTimeout(r, 50));
        expect(seen).toEqual(["sleep", "vmwp"]);
        const { witness, rules } = await witnessOf("wi-bent-vmwp");
        expect(witness.verdict).toBe("shares-host-kernel");
        expect(witness.vmWorkerPids).toEqual([]);
        expect(rules).toContain("witness-untrusted-shares-kernel");
        await docker.getContainer(id).remove({ force: true });
    });

    test("a process run as '/a b/sleep' shares the host kernel: critical, not a mere inconclusive warning", async () => {
        const id = await bentContainer("wi-bent-sleep", ["/a b/sleep", "3600"]);
        const { witness, rules } = await witnessOf("wi-bent-sleep");
        expect(witness.verdict).toBe("shares-host-kernel");
        expect(rules).toEqual(expect.arrayContaining(["untrusted-requires-hyperv", "witness-untrusted-shares-kernel"]));
        expect(rules).not.toContain("witness-inconclusive");
        await docker.getContainer(id).remove({ force: true });
    });
});
