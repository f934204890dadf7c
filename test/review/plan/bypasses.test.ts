/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * Programs written the way an attacker would write them, to get untrusted code running
 * process-isolated past the plan; each runs end to end (the program under the plan's monitor,
 * the real pack's server) and must fail with the finding on the resource that would deploy.
 * The classes judged resource by resource are cases of one program (test/fixtures/programs/
 * bypasses-cases, one file per case, each naming its own resources), run once and read case by
 * case; a class that acts on the whole program (stack transforms, stack config, tampering with
 * the program's process) or fails the run (exit 2) has a program of its own.
 */
import * as path from "path";
import { CasesRun, planCases } from "../../helpers/planCases";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";

async function plan(name: string) {
    const run = await runPlan(["--program", path.join(FIXTURES, name), "--stack", "test"]);
    const report = run.code === 2 ? undefined : readJson(path.join(run.out, "plan.json"));
    return { run, report };
}
const findings = (report: any) => report.findings.map((f: any) => [f.policy, f.level, f.resource]);
const row = (report: any, name: string) => report.workloads.find((w: any) => w.workload === name);

/** Each case of bypasses-cases and the resources it declares. */
const CASES: Record<string, string[]> = {
    "contradicting-children": ["relabelled", "relabelled-service", "imposter", "imposter-service", "imposter-miner", "imposter-sidecar"],
    "unknown-values": ["later", "late-isolation", "late-label", "late-image", "old-image", "fine"],
    "untrusted-builds": ["pr-build", "pr-push", "pr-image", "tools-build", "pr-safe"],
    "docker-isolation-strings": ["camel", "shout", "dashed"],
    "host-access": ["pipe-raw", "pipe-job", "pipe-job-service", "scratch"],
};
let cases: CasesRun;
beforeAll(async () => {
    cases = await planCases("bypasses-cases", CASES);
}, 120_000);

test("bypasses-cases: exit 1, and every finding and row is on a resource of one of its cases", () => {
    expect(cases.run.code).toBe(1);
    expect(cases.strays()).toEqual([]);
});

describe("class 1, transforms: the plan applies them as the engine does", () => {
    let r: Awaited<ReturnType<typeof plan>>;
    beforeAll(async () => {
        r = await plan("transforms");
    }, 120_000);

    test("exit 1: the transformed child and the stack-transformed services are violations", () => {
        expect(r.run.code).toBe(1);
        expect(findings(r.report)).toEqual([
            ["untrusted-requires-hyperv", "mandatory", "raw"],
            ["untrusted-requires-hyperv", "mandatory", "ordered"],
            ["workload-matches-component", "mandatory", "job-service"],
            ["workload-matches-component", "mandatory", "job-service"],
        ]);
        expect(r.run.stdout).toMatch(/^VIOLATION untrusted-requires-hyperv on raw \(docker:index\/service:Service\) at test\/fixtures\/programs\/transforms\/index.ts:34: trust 'untrusted' requires isolation 'hyperv', got 'process'/m);
    });

    test("in the engine's order: the resource's own transform ('default' to 'hyperv') runs before the stack's ('hyperv' to 'process')", () => {
        expect(r.report.findings.find((f: any) => f.resource === "ordered").message).toMatch(/got 'process'/);
    });

    test("the rows show what deploys: the rewritten service has its own row, trusted and process", () => {
        expect(r.report.workloads.map((w: any) => [w.workload, w.kind, w.trust, w.effectiveIsolation])).toEqual([
            ["job", "WindowsContainer", "untrusted", "hyperv"],
            ["job-service", "docker.Service", "trusted", "process"],
            ["raw", "docker.Service", "untrusted", "process"],
            ["ordered", "docker.Service", "untrusted", "process"],
        ]);
        expect(row(r.report, "job").verdicts["workload-matches-component"]).toBe("FAIL");
    });
});

describe("class 2, children that contradict their component", () => {
    let r: ReturnType<CasesRun["only"]>;
    beforeAll(() => {
        r = cases.only("contradicting-children");
    });

    test("exit 1: the relabelled service (legacy transformation), the extra service and the container are each violations", () => {
        expect(r.run.code).toBe(1);
        const messages = r.report.findings.map((f: any) => [f.resource, f.message]);
        expect(messages).toEqual(
            expect.arrayContaining([
                ["relabelled-service", expect.stringMatching(/isolation 'process' \(Docker: process\) differs from the isolation WindowsContainer 'relabelled' decided, 'hyperv'/)],
                ["relabelled-service", expect.stringMatching(/trust label windows-isolation.trust 'trusted' differs from the trust WindowsContainer 'relabelled' decided, 'untrusted'/)],
                ["imposter-miner", expect.stringMatching(/an extra docker.Service under WindowsContainer 'imposter'/)],
                ["imposter-sidecar", expect.stringMatching(/a docker.Container under WindowsContainer 'imposter'/)],
            ]),
        );
        expect(r.report.findings.every((f: any) => f.level === "mandatory" && f.policy === "workload-matches-component")).toBe(true);
        expect(r.report.findings.map((f: any) => f.resource)).not.toContain("imposter-service");
    });

    test("every contradicting child has its own row; the impostor's matching service stays on the component's row", () => {
        expect(r.report.workloads.map((w: any) => [w.workload, w.kind, w.trust, w.effectiveIsolation, w.verdicts["workload-matches-component"]])).toEqual([
            ["relabelled", "WindowsContainer", "untrusted", "hyperv", "FAIL"],
            ["relabelled-service", "docker.Service", "trusted", "process", "FAIL"],
            ["imposter-miner", "docker.Service", "trusted", "process", "FAIL"],
            ["imposter-sidecar", "docker.Container", "trusted", "daemon default (unknown)", "FAIL"],
            ["imposter", "WindowsContainer", "untrusted", "hyperv", "FAIL"],
        ]);
    });
});

describe("class 3, values unknown during preview fail closed, resource by resource", () => {
    let r: ReturnType<CasesRun["only"]>;
    beforeAll(() => {
        r = cases.only("unknown-values");
    });

    test("exit 1: unknown isolation, unknown trust label and unknown image are mandatory violations; no 'can't run policy during preview'", () => {
        expect(r.run.code).toBe(1);
        expect(findings(r.report).filter((f: string[]) => f[1] === "mandatory").sort()).toEqual(
            [
                ["untrusted-requires-hyperv", "mandatory", "late-isolation"],
                ["untrusted-requires-hyperv", "mandatory", "late-label"],
                ["image-host-compatibility", "mandatory", "late-isolation"],
                ["image-host-compatibility", "mandatory", "late-image"],
                ["image-host-compatibility", "mandatory", "old-image"],
            ].sort(),
        );
        expect(r.run.stdout).not.toMatch(/during preview/);
    });

    test("the known services after the unknown ones are still checked: old-image fails, fine passes", () => {
        expect(row(r.report, "old-image").verdicts["image-host-compatibility"]).toBe("FAIL");
        expect(row(r.report, "fine").verdicts).toEqual({ "untrusted-requires-hyperv": "pass", "untrusted-no-host-access": "pass", "workload-matches-component": "pass", "image-host-compatibility": "pass", "pinned-image": "pass" });
        expect([row(r.report, "late-isolation").effectiveIsolation, row(r.report, "late-label").trust, row(r.report, "late-image").image]).toEqual([
            "unknown until deploy",
            "untrusted (label unknown until deploy)",
            "(unknown until deploy)",
        ]);
    });
});

describe("class 4, image builds run code too", () => {
    let r: ReturnType<CasesRun["only"]>;
    beforeAll(() => {
        r = cases.only("untrusted-builds");
    });

    test("exit 1: unlabelled builds in process isolation and a docker.Image build are violations; a trusted or hyperv build is not", () => {
        expect(r.run.code).toBe(1);
        expect(findings(r.report)).toEqual([
            ["untrusted-requires-hyperv", "mandatory", "pr-build"],
            ["untrusted-requires-hyperv", "mandatory", "pr-push"],
            ["untrusted-requires-hyperv", "mandatory", "pr-image"],
        ]);
        expect(r.run.stdout).toMatch(/^VIOLATION untrusted-requires-hyperv on pr-build \(docker:index\/remoteImage:RemoteImage\) at test\/fixtures\/programs\/bypasses-cases\/untrusted-builds.ts:9: trust 'untrusted' requires build.isolation 'hyperv', got 'process'/m);
    });

    test("build rows show verdicts only of the policies that judge builds (no image-host-compatibility pass)", () => {
        expect(Object.fromEntries(r.report.workloads.map((w: any) => [w.workload, w.verdicts]))).toEqual({
            "pr-push": { "untrusted-requires-hyperv": "FAIL" },
            "pr-build": { "untrusted-requires-hyperv": "FAIL", "pinned-image": "pass" },
            "pr-safe": { "untrusted-requires-hyperv": "pass", "pinned-image": "pass" },
            "tools-build": { "untrusted-requires-hyperv": "pass", "pinned-image": "pass" },
            "pr-image": { "untrusted-requires-hyperv": "FAIL" },
        });
    });

    test("each build has its own row", () => {
        expect(r.report.workloads.map((w: any) => [w.workload, w.kind, w.trust, w.effectiveIsolation])).toEqual([
            ["pr-build", "docker.RemoteImage build", "untrusted (no label)", "process"],
            ["pr-push", "docker.RegistryImage build", "untrusted (no label)", "process"],
            ["pr-image", "docker.Image build", "untrusted (cannot be labelled)", "daemon default (unknown)"],
            ["tools-build", "docker.RemoteImage build", "trusted", "none if buildx builds it"],
            ["pr-safe", "docker.RemoteImage build", "untrusted (no label)", "hyperv"],
        ]);
    });
});

test("class 5, the default provider from stack config is recorded and judged: plain tcp is a violation, the host unchecked", async () => {
    const r = await plan("default-provider");
    expect(r.run.code).toBe(1);
    expect(r.report.findings.map((f: any) => [f.policy, f.resource, f.type])).toEqual([["docker-api-tls-only", "default_5_2_0", "pulumi:providers:docker"]]);
    expect(r.report.findings[0].message).toMatch(/Docker endpoint 'tcp:\/\/winhost.corp.example:2375' is tcp without mutual TLS/);
    // Located where the default provider's settings are: the stack config.
    expect([path.relative(FIXTURES, r.report.findings[0].location.file), r.report.findings[0].location.line]).toEqual([path.join("default-provider", "Pulumi.test.yaml"), 2]);
    expect(r.report.workloads.map((w: any) => [w.workload, w.host, w.hostBuild, w.verdicts["image-host-compatibility"]])).toEqual([
        ["ambient", "default provider (stack config docker:*)", "unknown", "unchecked"],
    ]);
}, 120_000);

test("class 7, isolation strings read as Docker reads them: HyperV passes, PROCESS and Hyper-V fail", () => {
    const r = cases.only("docker-isolation-strings");
    expect(r.run.code).toBe(1);
    expect(r.report.workloads.map((w: any) => [w.workload, w.requestedIsolation, w.effectiveIsolation, w.verdicts["untrusted-requires-hyperv"]])).toEqual([
        ["camel", "HyperV", "hyperv", "pass"],
        ["dashed", "Hyper-V", "daemon default (unknown)", "FAIL"],
        ["shout", "PROCESS", "process", "FAIL"],
    ]);
    expect(r.report.findings.find((f: any) => f.resource === "dashed" && f.policy === "untrusted-requires-hyperv").message).toMatch(/'Hyper-V' is not an isolation mode Docker knows, so Docker applies the daemon default/);
});

test("next bypass, a remote component: its provider would create its children, so the plan refuses (exit 2) and names the way that can judge it", async () => {
    const r = await plan("remote-component");
    expect(r.run.code).toBe(2);
    expect(r.run.stderr).toMatch(/contoso:index:Runner 'runner' is a remote component: its provider creates its resources, which the plan cannot run; judge this program with `pulumi preview --policy-pack policy` instead/);
    expect(r.run.stdout).toBe("");
}, 120_000);

describe("class 8, tampering with the program's own process: the plan judges what reached its monitor, in the plan's process", () => {
    test.each([
        ["monitor-swap", "swapped", "the SDK monitor's registerResource swapped for the class's own"],
        ["ipc-drop", "dropped", "the IPC channel rewritten to drop every docker.Service message"],
        ["getter-lie", "disguised", "RegisterResourceRequest.prototype.getType lying to the runner"],
    ])("%s (%s): exit 1, the hidden service is a violation at its line (%s)", async (fixture, service) => {
        const r = await plan(fixture);
        expect(r.run.code).toBe(1);
        expect(findings(r.report)).toEqual([["untrusted-requires-hyperv", "mandatory", service]]);
        expect(row(r.report, service)).toMatchObject({ kind: "docker.Service", trust: "untrusted", effectiveIsolation: "process" });
        expect(r.run.stdout).toMatch(new RegExp(`^VIOLATION untrusted-requires-hyperv on ${service} \\(docker:index/service:Service\\) at test/fixtures/programs/${fixture}/index.ts:\\d+:`, "m"));
    }, 120_000);
});

describe("class 9, host access: an untrusted Hyper-V workload handed the engine's named pipe", () => {
    let r: ReturnType<CasesRun["only"]>;
    beforeAll(() => {
        r = cases.only("host-access");
    });

    test("exit 1: the raw service and the component's service a transform gave the pipe are violations; a named volume is not", () => {
        expect(r.run.code).toBe(1);
        expect(findings(r.report)).toEqual([
            ["untrusted-no-host-access", "mandatory", "pipe-raw"],
            ["untrusted-no-host-access", "mandatory", "pipe-job-service"],
        ]);
        expect(r.report.findings[0].message).toMatch(/^taskSpec.containerSpec.mounts\[0\] type "npipe" source "\\\\\\\\.\\\\pipe\\\\docker_engine" hands a host named pipe to the workload/);
    });

    test("the component's row fails (its service stays on it: isolation and trust match); the volume service passes", () => {
        expect(r.report.workloads.map((w: any) => [w.workload, w.kind, w.effectiveIsolation, w.verdicts["untrusted-no-host-access"], w.verdicts["untrusted-requires-hyperv"]])).toEqual([
            ["pipe-raw", "docker.Service", "hyperv", "FAIL", "pass"],
            ["pipe-job", "WindowsContainer", "hyperv", "FAIL", "pass"],
            ["scratch", "docker.Service", "hyperv", "pass", "pass"],
        ]);
    });
});
