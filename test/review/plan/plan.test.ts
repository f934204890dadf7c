/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json and plan.sarif are read back as untyped JSON */
/** The plan tool end to end: real program runs under mocks, the real pack's server, the files it writes. */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, readJson, ROOT, runPlan } from "../../helpers/planCli";
import { expectRulesHelpAndFingerprints, validateSarif } from "../../helpers/sarifValidator";

const program = (name: string) => path.join(FIXTURES, name);
/** stderr lines other than the progress line long runs print. */
const withoutProgress = (stderr: string) =>
    stderr.split("\n").filter((l) => l && !/^plan: \d+ s, (running the program|starting the policy pack|evaluating policies), \d+ resources registered\.\.\.$/.test(l));

describe("the example stack (stacks/, --stack dev)", () => {
    test("exits 0, prints the table and writes plan.md, plan.json and plan.sarif", async () => {
        const run = await runPlan(["--stack", "dev"]);
        expect(withoutProgress(run.stderr)).toEqual([]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^workload\s+host\s+image\s+image build\s+host build\s+trust\s+requested\s+effective\s+verdicts$/m);
        for (const f of ["plan.md", "plan.json", "plan.sarif"]) expect(fs.existsSync(path.join(run.out, f))).toBe(true);
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.stack).toBe("dev");
        expect(report.summary.mandatory).toBe(0);
        expect(report.workloads.length).toBeGreaterThan(0);
        // The invariant the project exists for: every untrusted workload is effectively Hyper-V isolated.
        for (const w of report.workloads.filter((w: any) => w.trust.startsWith("untrusted"))) expect(w.effectiveIsolation).toBe("hyperv");
        expect(report.placeholders.length).toBe(report.placeholders.filter((k: string) => k.startsWith("windows-isolation:")).length);
    }, 120_000);
});

describe("the pool stack (--stack prod: a ContainerHostPool of three mixed hosts)", () => {
    test("exits 0 and shows, per workload, the pool nodes its constraints admit; no join token reaches the reports", async () => {
        const run = await runPlan(["--stack", "prod"]);
        expect(withoutProgress(run.stderr)).toEqual([]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^workload\s+host\s+image\s+image build\s+host build\s+trust\s+requested\s+effective\s+placement\s+verdicts$/m);
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.workloads.map((w: any) => [w.workload, w.host, w.effectiveIsolation, w.placement])).toEqual([
            ["web", "winpool", "process", "winpool-0, winpool-1, winpool-2"],
            ["customer-job", "winpool", "hyperv", "winpool-0, winpool-1, winpool-2"],
            ["legacy-app", "winpool", "hyperv", "winpool-0, winpool-1, winpool-2"],
        ]);
        expect(report.summary).toEqual({ mandatory: 0, advisory: 0, exempted: 0 });
        for (const f of ["plan.md", "plan.json", "plan.sarif"]) {
            const text = fs.readFileSync(path.join(run.out, f), "utf8");
            expect(text).not.toMatch(/SWMTKN|read from the leader|GENERATED|PRIVATE KEY/);
        }
    }, 120_000);
});

describe("bad-raw-service: untrusted + process through a raw docker.Service", () => {
    let run: Awaited<ReturnType<typeof runPlan>>;
    beforeAll(async () => {
        run = await runPlan(["--program", program("bad-raw-service"), "--stack", "test"]);
    }, 120_000);

    test("exits 1 naming the policy, the resource and the declaring line", () => {
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/^VIOLATION untrusted-requires-hyperv on raw-untrusted \(docker:index\/service:Service\) at test\/fixtures\/programs\/bad-raw-service\/index.ts:11: trust 'untrusted' requires isolation 'hyperv', got 'process'/m);
        expect(run.stdout).toMatch(/^raw-untrusted\s+winhost\s+mcr.microsoft.com\/windows\/servercore:ltsc2022\s+20348\s+20348\s+untrusted\s+process\s+process\s+FAIL untrusted-requires-hyperv$/m);
    });

    test("plan.json holds exactly that finding; the secure value was a marked placeholder", () => {
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.findings.map((f: any) => [f.policy, f.level, f.resource, path.relative(ROOT, f.location.file), f.location.line])).toEqual([
            ["untrusted-requires-hyperv", "mandatory", "raw-untrusted", "test/fixtures/programs/bad-raw-service/index.ts", 11],
        ]);
        expect(report.placeholders).toEqual(["bad-raw-service:tlsKey"]);
        expect(report.exitCode).toBe(1);
    });

    test("plan.md says it for a PR comment", () => {
        const md = fs.readFileSync(path.join(run.out, "plan.md"), "utf8");
        expect(md).toMatch(/\*\*1 mandatory violation\(s\)\*\*/);
        expect(md).toMatch(/- \*\*mandatory\*\* `untrusted-requires-hyperv` on `raw-untrusted`.*`test\/fixtures\/programs\/bad-raw-service\/index.ts:11`/);
    });

    test("plan.sarif: one error result at index.ts line 11, and Microsoft's validator reports no error (only SARIF2005: no public informationUri)", async () => {
        const sarif = readJson(path.join(run.out, "plan.sarif"));
        expect(sarif.version).toBe("2.1.0");
        expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([
            ["untrusted-requires-hyperv", "error", "test/fixtures/programs/bad-raw-service/index.ts", 11],
        ]);
        // The one warning every log of ours gets (verify's too, test/review/sarif/log.test.ts): the project has no public informationUri to name.
        expect(await validateSarif(sarif)).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
    }, 120_000);

    // What test/review/sarif/log.test.ts checks of verify's log, on this run's (one SARIF writer for both tools).
    test("plan.sarif: named after its command (windows-isolation plan), semanticVersion is the package version", () => {
        const driver = readJson(path.join(run.out, "plan.sarif")).runs[0].tool.driver;
        expect(driver.name).toBe("windows-isolation plan");
        expect(driver.semanticVersion).toBe(readJson(path.join(ROOT, "package.json")).version);
    });

    test("plan.sarif: every rule has help text, every result a fingerprint and a ruleIndex that points at its rule", () => {
        expectRulesHelpAndFingerprints(readJson(path.join(run.out, "plan.sarif")).runs[0]);
    });
});

test("good-mixed: a component workload and a compliant raw service exit 0 with every verdict ok", async () => {
    const run = await runPlan(["--program", program("good-mixed"), "--stack", "test"]);
    expect(run.code).toBe(0);
    const report = readJson(path.join(run.out, "plan.json"));
    expect(report.workloads.map((w: any) => [w.workload, w.kind, w.trust, w.requestedIsolation, w.effectiveIsolation, w.hostBuild, w.imageBuild])).toEqual([
        ["batch", "WindowsContainer", "untrusted", "(not set)", "hyperv", "26100", "17763"],
        ["raw-trusted", "docker.Service", "trusted", "process", "process", "26100", "26100"],
    ]);
    for (const w of report.workloads) expect(Object.values(w.verdicts).every((v) => v === "pass")).toBe(true);
    expect(report.findings).toEqual([]);
}, 120_000);

describe("azure-host: host and network mistakes, with and without exceptions", () => {
    test("every finding is reported at its declaring line; exit 1", async () => {
        const run = await runPlan(["--program", program("azure-host"), "--stack", "test"]);
        expect(run.code).toBe(1);
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.findings.map((f: any) => [f.policy, f.level, f.resource, f.location.line]).sort()).toEqual(
            [
                ["docker-api-tls-only", "mandatory", "plain-tcp", 27],
                ["docker-api-tls-only", "mandatory", "winhost-nsg", 19],
                ["hyperv-host-nested-virtualization", "mandatory", "winhost-vm", 13],
                ["hyperv-host-nested-virtualization", "mandatory", "winhost-vm", 13],
                ["pinned-image", "advisory", "sidecar", 29],
                ["untrusted-requires-hyperv", "mandatory", "sidecar", 29],
            ].sort(),
        );
        const row = report.workloads.find((w: any) => w.workload === "sidecar");
        // image-host-compatibility does not judge a docker.Container (it cannot state an isolation), so no verdict of it.
        expect(row.verdicts).toEqual({ "untrusted-requires-hyperv": "FAIL", "untrusted-no-host-access": "pass", "workload-matches-component": "pass", "pinned-image": "warn" });
    }, 120_000);

    test("exceptions from --policy-config suppress findings and each one is listed in every report", async () => {
        const config = path.join(FIXTURES, "azure-host", "policy-config.json");
        const run = await runPlan(["--program", program("azure-host"), "--stack", "test", "--policy-config", config]);
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.exceptions.map((f: any) => [f.policy, f.resource])).toEqual([
            ["pinned-image", "sidecar"],
            ["docker-api-tls-only", "plain-tcp"],
        ]);
        expect(report.configuredExceptions).toEqual([
            { policy: "pinned-image", kind: "trustedRegistries", value: "mcr.microsoft.com/windows" },
            { policy: "docker-api-tls-only", kind: "exemptions", value: "plain-tcp", reason: "lab engine on an isolated network, removed in sprint 12" },
        ]);
        expect(run.stdout).toMatch(/^Configured exception: docker-api-tls-only exemptions plain-tcp \(reason: lab engine on an isolated network, removed in sprint 12\)$/m);
        expect(report.findings.map((f: any) => f.resource)).not.toContain("plain-tcp");
        expect(run.stdout).toMatch(/^EXEMPTED  docker-api-tls-only on plain-tcp at test\/fixtures\/programs\/azure-host\/index.ts:27 by policy config/m);
        expect(fs.readFileSync(path.join(run.out, "plan.md"), "utf8")).toMatch(/`pinned-image` on `sidecar`.*suppressed by policy config/);
        expect(run.code).toBe(1); // the VM and the NSG are still mandatory violations
    }, 120_000);
});

describe("exit 2", () => {
    test("a program that throws: its error, no stack trace", async () => {
        const run = await runPlan(["--program", program("failing-program"), "--stack", "test"]);
        expect(run.code).toBe(2);
        expect(withoutProgress(run.stderr)).toEqual([
            "plan: the program test/fixtures/programs/failing-program failed (stack test): WindowsContainer 'job': trust 'untrusted' requires isolation 'hyperv', got 'process'; set isolation: 'hyperv' (or leave it out), or declare the workload trust: 'trusted' if it really is",
        ]);
        expect(run.stdout).toBe("");
    }, 120_000);

    test.each([
        [["--stack", "nope"], /--stack nope: no Pulumi.nope.yaml in/],
        [["--stack"], /--stack needs a value/],
        [["--frobnicate", "x"], /unknown argument '--frobnicate'/],
        [["--program", "/nonexistent-dir", "--stack", "dev"], /is not a directory/],
    ])("bad arguments %j", async (args, message) => {
        const run = await runPlan(args);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(message);
        expect(run.stderr).toMatch(/usage: npm run plan/);
    });
});
