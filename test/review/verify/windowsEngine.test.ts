/**
 * The passing path needs a Windows engine, which CI does not have: Windows Engine API answers
 * (test/fixtures/windowsEngine, see its README for their source) are served over a unix socket
 * and go through the real dockerode client, fact gathering, judgement and output.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VERIFY_RULES } from "../../../rules";
import { runVerify } from "../../../review/verify/main";
import { EngineRecording, FakeEngine, serveRecording } from "../../helpers/fakeEngine";
import { validateSarif } from "../../helpers/sarifValidator";

const fixture = (name: string): EngineRecording => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "windowsEngine", name), "utf8"));

async function verify(rec: EngineRecording, ...flags: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-fake-"));
    const socketPath = path.join(dir, "engine.sock");
    const engine: FakeEngine = await serveRecording(rec, { socketPath });
    let stdout = "";
    let stderr = "";
    try {
        const code = await runVerify(["--endpoint", `unix://${socketPath}`, ...flags], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        return { code, stdout, stderr, requests: engine.requests, endpoint: `unix://${socketPath}` };
    } finally {
        await engine.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("hardened Windows Server 2022 host (exec-opts isolation=hyperv)", () => {
    const rec = fixture("hardened-2022.json");

    test("every workload proven: exit 0, no findings", async () => {
        const r = await verify(rec, "--json");
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.engine).toEqual({
            osType: "windows",
            operatingSystem: "Windows Server 2022 Datacenter Version 2108 (OS Build 20348.2700)",
            kernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)",
            osBuild: 20348,
            osBuildName: "20348 (ltsc2022)",
            serverVersion: "27.3.1",
            reportedDefaultIsolation: "hyperv",
            defaultIsolation: "hyperv",
            swarmState: "active",
        });
        expect(out.containers.map((c: { workload: string; trust: string; declared: string; effective: string; proven: boolean }) => [c.workload, c.trust, c.declared, c.effective, c.proven])).toEqual([
            ["web", "trusted", "process", "process", true],
            ["customer-job", "untrusted", "hyperv", "hyperv", true],
            ["legacy-app", "trusted", "hyperv", "hyperv", true],
        ]);
        expect(out.findings).toEqual([]);
        expect(out.proven).toBe(true);
        // The facts came through the Engine API, container by container.
        expect(r.requests.sort()).toEqual([
            "/containers/0101010101010101010101010101010101010101010101010101010101010101/json",
            "/containers/0202020202020202020202020202020202020202020202020202020202020202/json",
            "/containers/0303030303030303030303030303030303030303030303030303030303030303/json",
            "/containers/json",
            // The image's Os/OsVersion (this recording has none: the image stays unjudged).
            "/images/sha256:abababababababababababababababababababababababababababababababab/json",
            "/info",
            "/services",
            "/tasks",
        ]);
    });

    test("without the guard the same host fails (exit 1, engine-unguarded an error); --allow-unguarded makes it a warning and exit 0", async () => {
        const unguarded: EngineRecording = { ...rec, info: { ...(rec.info as Record<string, unknown>), Plugins: { ...((rec.info as { Plugins: object }).Plugins), Authorization: null } } };
        const strict = await verify(unguarded, "--json");
        expect(strict.code).toBe(1);
        expect(JSON.parse(strict.stdout).findings.map((f: { ruleId: string; level: string }) => [f.ruleId, f.level])).toEqual([["engine-unguarded", "error"]]);
        const allowed = await verify(unguarded, "--json", "--allow-unguarded");
        expect(allowed.code).toBe(0);
        expect(JSON.parse(allowed.stdout).findings.map((f: { ruleId: string; level: string }) => [f.ruleId, f.level])).toEqual([["engine-unguarded", "warning"]]);
    });

    test("the table says PROVEN and exit 0", async () => {
        const r = await verify(rec);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("Engine: windows | Windows Server 2022 Datacenter Version 2108 (OS Build 20348.2700) | build 20348 (ltsc2022) | default isolation hyperv (reported 'hyperv') | swarm active | dockerd 27.3.1");
        expect(r.stdout).toMatch(/customer-job\.1\.\S+\s+customer-job\s+untrusted\s+hyperv\s+hyperv\s+hyperv\s+yes/);
        expect(r.stdout).toContain("No findings.");
        expect(r.stdout.trimEnd().split("\n").pop()).toBe("PROVEN: 3 running container(s), 0 error(s), 0 warning(s); exit 0");
    });
});

describe("Windows Server 2022 host left at the process default", () => {
    const rec = fixture("default-process-2022.json");

    test("exit 1 with exactly the expected findings", async () => {
        const r = await verify(rec, "--json");
        expect(r.code).toBe(1);
        const out = JSON.parse(r.stdout);
        expect(out.findings.map((f: { ruleId: string; level: string; subject: { name: string } }) => [f.ruleId, f.level, f.subject.name])).toEqual([
            ["engine-default-isolation", "error", "Windows Server 2022 Datacenter Version 2108 (OS Build 20348.2700)"],
            ["engine-unguarded", "error", "Windows Server 2022 Datacenter Version 2108 (OS Build 20348.2700)"],
            ["isolation-mismatch", "error", "customer-job.1.tsk0000000000000000000002"],
            ["untrusted-requires-hyperv", "error", "customer-job.1.tsk0000000000000000000002"],
            ["unlabelled-container", "warning", "debug-shell"],
            ["untrusted-requires-hyperv", "error", "debug-shell"],
            // The service asks TaskTemplate.ContainerSpec.Isolation 'hyperv'; its container got '' (the process default).
            ["service-isolation-mismatch", "error", "customer-job"],
            ["task-not-verified", "error", "customer-job"],
        ]);
        expect(out.findings[1].message).toMatch(/^engine lists no authorization plugin \(docker info: Plugins.Authorization\)/);
        expect(out.findings[3].message).toBe(
            "untrusted container customer-job.1.tsk0000000000000000000002 is not Hyper-V isolated: it runs with 'process' (HostConfig.Isolation '', resolved through the engine default 'process')",
        );
        expect(out.findings[6].message).toContain("the service spec asks TaskTemplate.ContainerSpec.Isolation 'hyperv' (hyperv) but its container customer-job.1.tsk0000000000000000000002");
        expect(out.findings[7].message).toContain("runs on node w2022node02zyxwvutsrqpon, not on this engine");
        expect(out.containers.find((c: { name: string }) => c.name === "web.1.tsk0000000000000000000001")).toMatchObject({ effective: "process", proven: true });
    });

    test("SARIF 2.1.0: tool, rules and one result per finding", async () => {
        const r = await verify(rec, "--sarif");
        expect(r.code).toBe(1);
        const log = JSON.parse(r.stdout);
        expect(log.version).toBe("2.1.0");
        expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
        expect(log.runs).toHaveLength(1);
        const run = log.runs[0];
        expect(run.tool.driver.name).toBe("windows-isolation verify");
        const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
        expect(ruleIds).toEqual(Object.keys(VERIFY_RULES));
        expect(ruleIds).toEqual(expect.arrayContaining(["untrusted-requires-hyperv", "isolation-mismatch", "engine-default-isolation", "unlabelled-container"]));
        expect(run.invocations).toEqual([{ executionSuccessful: true, exitCode: 1 }]);
        expect(run.results).toHaveLength(8);
        for (const res of run.results) {
            expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
            expect(res.level).toBe(VERIFY_RULES[res.ruleId as keyof typeof VERIFY_RULES].level);
            expect(res.message.text.length).toBeGreaterThan(20);
            expect(res.locations[0].logicalLocations[0]).toEqual({ name: expect.any(String), fullyQualifiedName: expect.stringMatching(/^(engine|container|task)\//), kind: "resource" });
        }
        const critical = run.tool.driver.rules.find((x: { id: string }) => x.id === "untrusted-requires-hyperv");
        expect(critical.properties["security-severity"]).toBe("9.5");
        expect(critical.defaultConfiguration).toEqual({ level: "error" });
        expect(critical.name).toBe("UntrustedRequiresHyperv");
        // Microsoft's validator: no error; the one warning left is SARIF2005 (no informationUri:
        // the project has no public home to point at yet).
        expect(await validateSarif(log)).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
    });
});

test("an endpoint that answers HTTP but is no Docker engine is exit 2", async () => {
    const r = await verify({ info: { hello: "world" }, containers: [], inspect: {}, services: [], tasks: [] });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`verify: cannot verify ${r.endpoint}: the answer to GET /info is not a Docker engine's (no OSType)\n`);
});

test("a missing socket is exit 2 naming the socket", async () => {
    const stderr: string[] = [];
    const code = await runVerify(["--endpoint", "unix:///nonexistent/docker.sock"], {}, { stdout: () => undefined, stderr: (t) => stderr.push(t) });
    expect(code).toBe(2);
    expect(stderr).toEqual(["verify: cannot verify unix:///nonexistent/docker.sock: no socket at /nonexistent/docker.sock (is the engine running?)\n"]);
});
