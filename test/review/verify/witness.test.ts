/**
 * The witness end to end through verify, on Microsoft's own sample outputs (test/fixtures/
 * hypervIsolationPage, see its README): the page's Windows engine answers, `docker top` rows
 * included, served to the real dockerode client; the page's Get-Process answers as the host list.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runVerify } from "../../../review/verify/main";
import { decodePowerShellText, parseHostProcesses, parseStartTime } from "../../../review/verify/hostProcesses";
import { readProcProcesses } from "../../../review/verify/procProcesses";
import { parseTop } from "../../../review/verify/top";
import { EngineRecording, serveRecording } from "../../helpers/fakeEngine";
import { validateSarif } from "../../helpers/sarifValidator";

const PAGE = path.join(__dirname, "..", "..", "fixtures", "hypervIsolationPage");
const PROCESS_ID = "1f8bf89026c8f66921a55e773bac1c60174bb6bab52ef427c6c8dbc8698f9d7a";
const HYPERV_ID = "5d5611e38b31a41879d37a94468a1e11dc1086dcd009e2640d36023aa1663e62";
const pageEngine = (): EngineRecording => JSON.parse(fs.readFileSync(path.join(PAGE, "engine.json"), "utf8"));

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-witness-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function verify(rec: EngineRecording, ...flags: string[]) {
    const socketPath = path.join(dir, `engine-${Math.random().toString(36).slice(2)}.sock`);
    const engine = await serveRecording(rec, { socketPath });
    let stdout = "";
    let stderr = "";
    try {
        const code = await runVerify(["--endpoint", `unix://${socketPath}`, ...flags], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        return { code, stdout, stderr, requests: engine.requests };
    } finally {
        await engine.close();
    }
}

type Report = {
    witness?: { source: string; hostProcessCount: number };
    containers: { id: string; witness?: { verdict: string; reason: string; matchedPids: number[]; vmWorkerPids: number[]; evidence?: string; vmWorkerPid?: number } }[];
    findings: { ruleId: string; level: string; message: string; subject: { id: string } }[];
};
const verdicts = (r: Report) => Object.fromEntries(r.containers.map((c) => [c.id, c.witness?.verdict]));
const witnessFindings = (r: Report) => r.findings.filter((f) => f.ruleId.startsWith("witness-")).map((f) => [f.ruleId, f.subject.id.slice(0, 12)]);

const LISTS = path.join(__dirname, "..", "..", "fixtures", "witnessLists");
/** The page's engine with the host name the witnessLists fixtures carry (the page shows no GET /info). */
const namedEngine = (): EngineRecording => {
    const rec = pageEngine();
    (rec.info as { Name?: string }).Name = "PAGEHOST";
    return rec;
};

describe("Microsoft's Hyper-V isolation page: its answers alone prove nothing", () => {
    test.each(["host-ping-and-vmwp.json", "host-ping.json", "host-vmwp.json"])("%s names no machine and holds no System or dockerd: inconclusive, with the reason", async (file) => {
        const r = await verify(namedEngine(), "--host-processes", path.join(PAGE, file), "--json");
        expect(r.stderr).toBe("");
        const out = JSON.parse(r.stdout) as Report;
        expect(verdicts(out)).toEqual({ [PROCESS_ID]: "inconclusive", [HYPERV_ID]: "inconclusive" });
        for (const c of out.containers) expect(c.witness!.reason).toMatch(/^the host list \(--host-processes '.*'\) is not proven complete and from the engine's machine: no 'System' process with Id 4; no 'dockerd' process; it does not name the machine it was taken on$/);
        expect(witnessFindings(out)).toEqual([["witness-inconclusive", "1f8bf89026c8"], ["witness-inconclusive", "5d5611e38b31"]]);
    });
});

describe("whole host lists of the page's machine (test/fixtures/witnessLists)", () => {
    test("complete: ping 3964 is a host process; 5d5611e3 has no host process and one vmwp runs: a count", async () => {
        const r = await verify(namedEngine(), "--host-processes", path.join(LISTS, "complete.json"), "--json");
        expect(r.stderr).toBe("");
        const out = JSON.parse(r.stdout) as Report;
        expect(out.witness).toEqual({ source: `--host-processes '${path.join(LISTS, "complete.json")}'`, hostProcessCount: 5 });
        expect(verdicts(out)).toEqual({ [PROCESS_ID]: "shares-host-kernel", [HYPERV_ID]: "kernel-isolated" });
        const [p, h] = [PROCESS_ID, HYPERV_ID].map((id) => out.containers.find((c) => c.id === id)!.witness!);
        expect(p.matchedPids).toEqual([3964]);
        expect(h).toMatchObject({ matchedPids: [], vmWorkerPids: [2376], evidence: "vm-count" });
        expect(h.reason).toContain("a count, not a mapping of this container to its VM");
        // Run by hand without labels, so untrusted: the process-isolated one is critical by the witness too.
        expect(witnessFindings(out)).toEqual([["witness-untrusted-shares-kernel", "1f8bf89026c8"]]);
        expect(r.code).toBe(1);
        expect(r.requests).toEqual(expect.arrayContaining([`/containers/${PROCESS_ID}/top`, `/containers/${HYPERV_ID}/top`]));
    });

    test("complete-mapped: the compute system of 5d5611e3 runs in the VM of vmwp 2376, named", async () => {
        const out = JSON.parse((await verify(namedEngine(), "--host-processes", path.join(LISTS, "complete-mapped.json"), "--json")).stdout) as Report;
        const h = out.containers.find((c) => c.id === HYPERV_ID)!.witness!;
        expect(h).toMatchObject({ verdict: "kernel-isolated", evidence: "vm-mapping", vmWorkerPid: 2376 });
        expect(h.reason).toContain(`compute system ${HYPERV_ID} with RuntimeId 5c1b4b1e-7f3a-4d2b-9e61-2a0c1d3e4f5a, the VM of vmwp PID 2376`);
    });

    test.each([
        ["vmwp-only.json", "no 'System' process with Id 4; no 'dockerd' process"],
        ["other-machine.json", "it was taken on 'w2022node02', but the engine runs on 'PAGEHOST' (GET /info Name)"],
        ["no-system-dockerd.json", "no 'System' process with Id 4; no 'dockerd' process"],
    ])("%s: inconclusive for both, with the reason", async (file, why) => {
        const out = JSON.parse((await verify(namedEngine(), "--host-processes", path.join(LISTS, file), "--json")).stdout) as Report;
        expect(verdicts(out)).toEqual({ [PROCESS_ID]: "inconclusive", [HYPERV_ID]: "inconclusive" });
        expect(out.containers[0].witness!.reason.endsWith(`is not proven complete and from the engine's machine: ${why}`)).toBe(true);
    });

    test("two Hyper-V claimants and one vmwp: neither is proven, the count says why", async () => {
        const rec = namedEngine();
        (rec.inspect as Record<string, { HostConfig: { Isolation: string } }>)[PROCESS_ID].HostConfig.Isolation = "hyperv";
        const out = JSON.parse((await verify(rec, "--host-processes", path.join(LISTS, "one-vmwp.json"), "--json")).stdout) as Report;
        expect(verdicts(out)).toEqual({ [PROCESS_ID]: "inconclusive", [HYPERV_ID]: "inconclusive" });
        expect(out.containers[1].witness!.reason).toContain("but 2 containers have no process on the host and only 1 VM worker process(es) (vmwp Id 2376) run, so not each has a utility VM");
    });

    test("--require-witness: the unproven untrusted containers are errors (exit 1), in SARIF too", async () => {
        const file = path.join(LISTS, "vmwp-only.json");
        const plain = await verify(namedEngine(), "--host-processes", file, "--json");
        expect(JSON.parse(plain.stdout).findings.filter((f: { ruleId: string }) => f.ruleId.startsWith("witness-")).map((f: { level: string }) => f.level)).toEqual(["warning", "warning"]);
        const strict = await verify(namedEngine(), "--host-processes", file, "--require-witness", "--sarif");
        expect(strict.code).toBe(1);
        const run = JSON.parse(strict.stdout).runs[0];
        const required = run.results.filter((x: { ruleId: string }) => x.ruleId === "witness-required");
        expect(required.map((x: { level: string }) => x.level)).toEqual(["error", "error"]);
        expect(run.tool.driver.rules[required[0].ruleIndex]).toMatchObject({ id: "witness-required", defaultConfiguration: { level: "error" } });
        expect(await validateSarif(JSON.parse(strict.stdout))).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
        const alone = await verify(namedEngine(), "--require-witness");
        expect(alone).toMatchObject({ code: 2, stderr: "verify: --require-witness asks the host's process list for proof; give --host-processes <file> or --azure-vm <id> too\n" });
    });

    test("an engine that claims hyperv for the shared ping is caught, whatever it says", async () => {
        const rec = namedEngine();
        const inspect = rec.inspect as Record<string, { HostConfig: { Isolation: string } }>;
        inspect[PROCESS_ID].HostConfig.Isolation = "hyperv";
        const out = JSON.parse((await verify(rec, "--host-processes", path.join(LISTS, "complete.json"), "--json")).stdout) as Report;
        expect(witnessFindings(out)).toEqual([["witness-contradicts-engine", "1f8bf89026c8"], ["witness-untrusted-shares-kernel", "1f8bf89026c8"]]);
        // The engine's record alone found nothing wrong with this container.
        expect(out.findings.filter((f) => f.subject.id === PROCESS_ID).map((f) => f.ruleId)).toEqual(["unlabelled-container", "witness-contradicts-engine", "witness-untrusted-shares-kernel"]);
    });

    test("the table shows the witness column and its source; SARIF carries the findings and validates", async () => {
        const file = path.join(LISTS, "complete.json");
        const table = (await verify(namedEngine(), "--host-processes", file)).stdout;
        expect(table).toContain(`Witness: --host-processes '${file}' (5 host processes) against each container's GET /containers/{id}/top`);
        expect(table).toMatch(/^CONTAINER\s+WORKLOAD\s+TRUST\s+DECLARED\s+REPORTED\s+EFFECTIVE\s+WITNESS\s+PROVEN$/m);
        expect(table).toMatch(/^1f8bf89026c8\s+\(unlabelled\)\s+untrusted\s+hyperv\s+process\s+process\s+shares-host-kernel\s+NO$/m);
        expect(table).toMatch(/^5d5611e38b31\s+\(unlabelled\)\s+untrusted\s+hyperv\s+hyperv\s+hyperv\s+kernel-isolated\s+yes$/m);
        const sarif = JSON.parse((await verify(namedEngine(), "--host-processes", file, "--sarif")).stdout);
        const run = sarif.runs[0];
        expect(run.properties.witness).toEqual({ source: `--host-processes '${file}'`, hostProcessCount: 5 });
        const critical = run.results.find((x: { ruleId: string }) => x.ruleId === "witness-untrusted-shares-kernel");
        expect(run.tool.driver.rules[critical.ruleIndex]).toMatchObject({ id: "witness-untrusted-shares-kernel", properties: { "security-severity": "9.5" } });
        expect(await validateSarif(sarif)).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
    });

    test("without a witness source verify asks no docker top and prints no witness column", async () => {
        const r = await verify(pageEngine());
        expect(r.requests.some((p) => p.endsWith("/top"))).toBe(false);
        expect(r.stdout).not.toContain("WITNESS");
    });
});

describe("--host-processes: PowerShell's ConvertTo-Json shapes", () => {
    test.each<[string, string, { pid: number; name: string; startTimeMs?: number }[]]>([
        ["one process: an object, not an array", `{"Id":3964,"ProcessName":"PING","StartTime":null}`, [{ pid: 3964, name: "PING" }]],
        ["Windows PowerShell 5.1: \\/Date(ms)\\/", `[{"Id":4,"ProcessName":"System","StartTime":null},{"Id":2376,"ProcessName":"vmwp","StartTime":"\\/Date(1733040000000)\\/"}]`, [{ pid: 4, name: "System" }, { pid: 2376, name: "vmwp", startTimeMs: 1733040000000 }]],
        ["PowerShell 7: ISO with offset and 7 fraction digits", `[{"Id":2376,"ProcessName":"vmwp","StartTime":"2024-12-01T09:00:00.1234567+01:00"}]`, [{ pid: 2376, name: "vmwp", startTimeMs: Date.parse("2024-12-01T08:00:00.123Z") }]],
        ["5.1 DateTime with ETS notes", `{"Id":7,"ProcessName":"x","StartTime":{"value":"\\/Date(1000)\\/","DisplayHint":2,"DateTime":"Thursday, January 1, 1970"}}`, [{ pid: 7, name: "x", startTimeMs: 1000 }]],
        ["a local time without offset is no evidence, not a wrong one", `{"Id":7,"ProcessName":"x","StartTime":"2024-12-01T09:00:00"}`, [{ pid: 7, name: "x" }]],
        ["the Run Command script's compact rows", `[[4,"System",null],[2376,"vmwp",1733040000000],[9,"idle"]]`, [{ pid: 4, name: "System" }, { pid: 2376, name: "vmwp", startTimeMs: 1733040000000 }, { pid: 9, name: "idle" }]],
        ["5.1's pipeline-wrapped arrays {value, Count}, outside and inside", `{"value":[{"value":[2376,"vmwp",null],"Count":3},[4,"System"]],"Count":2}`, [{ pid: 2376, name: "vmwp" }, { pid: 4, name: "System" }]],
    ])("%s", (_what, text, processes) => {
        expect(parseHostProcesses(text, "f")).toEqual({ ok: true, list: { source: "f", processes } });
    });

    test.each([
        ["not json", "f is not JSON ("],
        [`[{"Id":"12","ProcessName":"a"}]`, `f: item 0 has Id "12", not a process id; write it on the host with the script in docs/verify.md ("The host's process list")`],
        [`[{"Id":12}]`, "f: item 0 (Id 12) has ProcessName undefined, not a name"],
        [`[{"Id":12,"ProcessName":"a","StartTime":"soon+01:00"}]`, `f: item 0 (Id 12) StartTime is "soon+01:00", not a date`],
        [`[]`, "f lists no process"],
        [`{"error":"180 processes do not fit"}`, `f: the host reported "180 processes do not fit"`],
    ])("%s is refused naming item, field and fix", (text, message) => {
        const r = parseHostProcesses(text, "f");
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error).toContain(message);
    });

    test("the files Windows PowerShell writes: UTF-16LE with BOM (>), UTF-8 with BOM (Set-Content -Encoding utf8)", () => {
        const text = `{"Id":1,"ProcessName":"a"}`;
        expect(decodePowerShellText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))).toBe(text);
        expect(decodePowerShellText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
        const be = Buffer.from(text, "utf16le");
        be.swap16();
        expect(decodePowerShellText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
        expect(parseStartTime("/Date(1733040000000+0100)/")).toBe(1733040000000);
    });

    test("a UTF-16 file reaches the same verdicts", async () => {
        const file = path.join(dir, "utf16.json");
        const json = fs.readFileSync(path.join(LISTS, "complete.json"), "utf8");
        fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]));
        const out = JSON.parse((await verify(namedEngine(), "--host-processes", file, "--json")).stdout) as Report;
        expect(verdicts(out)).toEqual({ [PROCESS_ID]: "shares-host-kernel", [HYPERV_ID]: "kernel-isolated" });
    });

    test("an unreadable or malformed file: exit 2 before any verdict, naming the file", async () => {
        const missing = await verify(pageEngine(), "--host-processes", path.join(dir, "nope.json"));
        expect(missing).toMatchObject({ code: 2, stdout: "" });
        expect(missing.stderr).toBe(`verify: --host-processes '${path.join(dir, "nope.json")}': cannot read it (ENOENT)\n`);
        const bad = path.join(dir, "bad.json");
        fs.writeFileSync(bad, `[{"Id":1}]`);
        const r = await verify(pageEngine(), "--host-processes", bad);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^verify: --host-processes '.*bad\.json': item 0 \(Id 1\) has ProcessName undefined, not a name; write it on the host with the script in docs\/verify\.md/);
    });
});

describe("docker top answers", () => {
    test("Windows (Name, PID, CPU, Private Working Set) and Linux (ps -o pid,comm: the executable)", () => {
        expect(parseTop({ Titles: ["Name", "PID", "CPU", "Private Working Set"], Processes: [["busybox.exe", "1732", "00:00:00.015", "1.2MB"]] })).toEqual([{ pid: 1732, command: "busybox.exe" }]);
        expect(parseTop({ Titles: ["PID", "COMMAND"], Processes: [["4242", "vmwp"]] })).toEqual([{ pid: 4242, command: "vmwp" }]);
    });
    test.each([
        [undefined],
        [{ Titles: ["PID"], Processes: [] }],
        [{ Titles: ["PID", "COMMAND"], Processes: [["x", "sh"]] }],
        [{ Titles: ["PID", "COMMAND"], Processes: "no" }],
        // ps -ef's CMD is a command line, whose first word a process chooses: never read as a name.
        [{ Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], Processes: [["root", "4242", "4200", "0", "20:01", "?", "00:00:00", "/a b/vmwp 3600"]] }],
    ])("unreadable %j -> no list", (a) => {
        expect(parseTop(a)).toBeUndefined();
    });
});

describe("/proc of this machine", () => {
    test("this test's own process is on the list, with its name and a start time since boot", () => {
        const list = readProcProcesses();
        expect(list.source).toBe("/proc of this machine");
        const me = list.processes.find((p) => p.pid === process.pid)!;
        expect(me.name).toBe(fs.readFileSync("/proc/self/comm", "utf8").trim());
        expect(me.startTimeMs).toBeLessThanOrEqual(Date.now());
        expect(me.startTimeMs).toBeGreaterThan(Date.now() - os.uptime() * 1000 - 2000);
    });

    test("names are the kernel's comm (what ps -o comm shows), not argv[0]; spaces and parentheses in comm; a process gone mid-read", () => {
        const proc = path.join(dir, "proc");
        const pid = (n: number, stat: string, cmdline?: string) => {
            fs.mkdirSync(path.join(proc, String(n)), { recursive: true });
            fs.writeFileSync(path.join(proc, String(n), "stat"), stat);
            if (cmdline !== undefined) fs.writeFileSync(path.join(proc, String(n), "cmdline"), cmdline);
        };
        fs.mkdirSync(proc, { recursive: true });
        fs.writeFileSync(path.join(proc, "stat"), "cpu  1 2 3\nbtime 1733040000\n");
        // Fields after "(comm) ": state is field 3, starttime field 22.
        const tail = (start: number) => `S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0`;
        pid(42, `42 (my (odd) name) ${tail(250)}`, "/a b/vmwp\x003600\x00");
        pid(2, `2 (kthreadd) ${tail(1)}`, "");
        fs.mkdirSync(path.join(proc, "77"));
        expect([...readProcProcesses(proc).processes].sort((a, b) => a.pid - b.pid)).toEqual([
            { pid: 2, name: "kthreadd", startTimeMs: 1733040000000 + 10 },
            { pid: 42, name: "my (odd) name", startTimeMs: 1733040000000 + 2500 },
        ]);
    });
});
