/**
 * `verify` against a real Docker engine (Debian's dockerd, started by globalSetup): over mutual
 * TLS, over the unix socket, from DOCKER_* and from stack outputs. A Linux engine has no Windows
 * isolation, so every declared mode must come out unproven (fail closed) and the run exit 1.
 */
import { execFile } from "node:child_process";
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
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("NOT PROVEN: 5 running container(s), 10 error(s), 2 warning(s); exit 1");
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
        expect(r.stdout.trimEnd().split("\n").pop()).toBe("NOT PROVEN: 5 running container(s), 13 error(s), 2 warning(s); exit 1");
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
