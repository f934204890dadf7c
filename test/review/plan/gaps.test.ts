/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * The gaps left after issue 13, each closed against a hostile program of its own: secrets in a
 * failing program's error, invoke transforms, disabled default providers, builds shown with
 * verdicts of policies that never judge them (in bypasses.test.ts, class 4, whose program has
 * those builds), and a component's service moved to another host. The gaps judged resource by
 * resource are cases of one program (test/fixtures/programs/gaps-cases, one file per case, each
 * naming its own resources), run once and read case by case; a gap that fails the run (exit 2)
 * or lives in the program's end (late registrations) has a program of its own.
 */
import * as fs from "fs";
import * as path from "path";
import { defaultProviderDisabled } from "../../../review/plan/defaultProvider";
import { ignoredJudgedChanges } from "../../../review/plan/ignoredChanges";
import { ProgramConfig } from "../../../review/plan/recorded";
import { CasesRun, planCases } from "../../helpers/planCases";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";

async function plan(name: string) {
    const run = await runPlan(["--program", path.join(FIXTURES, name), "--stack", "test"]);
    const report = run.code === 2 ? undefined : readJson(path.join(run.out, "plan.json"));
    return { run, report };
}

/** Each case of gaps-cases and the resources it declares. */
const CASES: Record<string, string[]> = {
    "provider-swap": ["shared-prod", "job", "job-service", "steady", "steady-service"],
    "invoke-echo": ["from-invoke"],
    "read-echo": ["legacy", "from-read"],
};
let cases: CasesRun;
beforeAll(async () => {
    cases = await planCases("gaps-cases", CASES);
}, 120_000);

test("gaps-cases: exit 1, and every finding and row is on a resource of one of its cases", () => {
    expect(cases.run.code).toBe(1);
    expect(cases.strays()).toEqual([]);
});

test("a failing program's error message has its secrets cut out: both secret inputs", async () => {
    const { run } = await plan("secret-error");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/plan: the program test\/fixtures\/programs\/secret-error failed \(stack test\): cannot pull \[secret\] with token \[secret\]/);
    for (const s of ["registry.corp.example/hidden-team/payroll-app:ltsc2022", "pull-token-5b0c1e9d7a"]) {
        expect([s, run.stderr.includes(s), run.stdout.includes(s)]).toEqual([s, false, false]);
    }
    expect(fs.existsSync(path.join(run.out, "plan.json"))).toBe(false);
}, 120_000);

test("a program that prints a secret and ends its own process: the last stderr line plan shows has it cut out", async () => {
    const { run } = await plan("secret-exit");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/failed \(stack test\): the program process exited with code 7: fatal: registry refused token \[secret\]$/m);
    expect(run.stderr.includes("exit-token-9d2f4c7b1a")).toBe(false);
}, 120_000);

test("registerInvokeTransform: refused by name (exit 2), pointing to pulumi preview --policy-pack", async () => {
    const { run } = await plan("invoke-transform");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the program calls pulumi.runtime.registerInvokeTransform: .* judge this program with `pulumi preview --policy-pack policy` instead/);
    expect(run.stderr).not.toMatch(/does not support transforms/);
    expect(run.stdout).toBe("");
}, 120_000);

test("pulumi:disable-default-providers [docker]: a docker resource without a provider is refused (exit 2) as pulumi up refuses it", async () => {
    const { run } = await plan("disabled-default-provider");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
        /docker:index\/service:Service 'ambient' names no provider, and stack config pulumi:disable-default-providers \(\["docker"\]\) disables the default provider for 'docker', so `pulumi up` refuses it/,
    );
    expect(run.stdout).toBe("");
}, 120_000);

describe("defaultProviderDisabled reads the key as the engine does", () => {
    const config = (value?: string): ProgramConfig => ({ project: "p", stack: "s", values: value === undefined ? {} : { "pulumi:disable-default-providers": value }, secretKeys: [], placeholders: [] });
    test("a list of packages, '*' for all; unset disables nothing", () => {
        expect([
            defaultProviderDisabled(config('["docker"]'), "docker"),
            defaultProviderDisabled(config('["azure-native"]'), "docker"),
            defaultProviderDisabled(config('["*"]'), "docker"),
            defaultProviderDisabled(config(), "docker"),
        ]).toEqual([true, false, true, false]);
    });
    test("a value that is not a list of names is refused, naming the key and the fix", () => {
        expect(() => defaultProviderDisabled(config("docker"), "docker")).toThrow(/stack config pulumi:disable-default-providers is "docker", not a list of package names; set it as a list, e.g. pulumi:disable-default-providers: \["docker"\]/);
        expect(() => defaultProviderDisabled(config("[1]"), "docker")).toThrow(/not a list of package names/);
    });
});

test("a transform that only moves a component's service to another host's provider: a violation, and the service gets its own row", () => {
    const { run, report } = cases.only("provider-swap");
    expect(run.code).toBe(1);
    expect(report.findings.map((f: any) => [f.policy, f.level, f.resource, f.message])).toEqual([
        [
            "workload-matches-component",
            "mandatory",
            "job-service",
            "'job-service' deploys through the Docker provider of host 'shared-prod', but WindowsContainer 'job' judged its isolation against host 'winhost' (a transform or another class swapped the provider); remove what changes the service's provider",
        ],
    ]);
    expect(report.workloads.map((w: any) => [w.workload, w.kind, w.host, w.verdicts["workload-matches-component"]])).toEqual([
        ["job", "WindowsContainer", "winhost", "FAIL"],
        ["job-service", "docker.Service", "shared-prod", "FAIL"],
        ["steady", "WindowsContainer", "winhost", "pass"],
    ]);
});

describe("next bypass, ignoreChanges on what the policies judge: on a deployed stack the engine keeps the old value, so the plan refuses", () => {
    test("an option on the service hiding its isolation: exit 2 naming resource and path", async () => {
        const { run } = await plan("ignore-changes");
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(
            /docker:index\/service:Service 'sticky' has ignoreChanges \[taskSpec.containerSpec.isolation\]: on a stack that already runs it, the engine keeps the deployed taskSpec.containerSpec.isolation whatever the program says/,
        );
    }, 120_000);
    test("a transform adding ignoreChanges on the component's service labels: exit 2 (the plan applies the transform's options too)", async () => {
        const { run } = await plan("ignore-changes-transform");
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/docker:index\/service:Service 'job-service' has ignoreChanges \[taskSpec.containerSpec.labels\[0\]\]/);
    }, 120_000);
    test("which paths hide a judged input: prefixes either way, brackets and '*'; others do not", () => {
        const S = "docker:index/service:Service";
        expect(
            [["taskSpec"], ["taskSpec.forceUpdate"], ['taskSpec["containerSpec"].labels[0].value'], ["taskSpec.*.isolation"], ["labels"], ["mode"], ["endpointSpec"]].map((p) => ignoredJudgedChanges(S, "s", p) !== undefined),
        ).toEqual([true, false, true, true, true, false, true]);
        expect(ignoredJudgedChanges("docker:index/remoteImage:RemoteImage", "img", ["build"])).toMatch(/keeps the deployed build.isolation, build.labels, build.label, build.builder, build.useLegacyBuilder whatever/);
        expect(ignoredJudgedChanges("docker:index/network:Network", "n", ["labels"])).toBeUndefined();
    });
});

test("next bypass, an invoke's result feeding isolation: the plan answers invokes with nothing known, never the arguments echoed back", () => {
    const { run, report } = cases.only("invoke-echo");
    expect(run.code).toBe(1);
    expect(report.workloads.map((w: any) => [w.workload, w.requestedIsolation, w.verdicts["untrusted-requires-hyperv"]])).toEqual([["from-invoke", "(not set)", "FAIL"]]);
});

test("next bypass, resources registered after the program's code returned (a timer, a beforeExit handler): the plan waits for the event loop to drain, as a real run does", async () => {
    const { run, report } = await plan("late-register");
    expect(run.code).toBe(1);
    expect(report.workloads.map((w: any) => [w.workload, w.effectiveIsolation, w.verdicts["untrusted-requires-hyperv"]])).toEqual([
        ["from-before-exit", "process", "FAIL"],
        ["from-timer", "process", "FAIL"],
    ]);
}, 120_000);

test("next bypass, a read resource's state feeding isolation: the plan answers reads with nothing known, never the state the program passed to get", () => {
    const { run, report } = cases.only("read-echo");
    expect(run.code).toBe(1);
    expect(report.workloads.map((w: any) => [w.workload, w.requestedIsolation, w.verdicts["untrusted-requires-hyperv"]])).toEqual([["from-read", "(unknown until deploy)", "FAIL"]]);
});
