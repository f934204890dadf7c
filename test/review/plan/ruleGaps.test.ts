/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * The rule gaps of issue 21, each a program the plan passed (exit 0) on the merge base while a
 * real deploy would run untrusted code unisolated, reach the engine unauthenticated, or print a
 * secret. Each runs end to end (the program under the plan's monitor, the real pack's server).
 * The gaps judged resource by resource are cases of one program (test/fixtures/programs/
 * rule-gaps-cases, one file per case, each naming its own resources), run once and read case by
 * case; a gap that lives in the stack config or fails the run (exit 2) has a program of its own.
 * Findings are compared sorted: this file checks what is found, not the report's order.
 */
import * as fs from "fs";
import * as path from "path";
import { CasesRun, planCases } from "../../helpers/planCases";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";

async function plan(name: string) {
    const run = await runPlan(["--program", path.join(FIXTURES, name), "--stack", "test"]);
    const report = run.code === 2 ? undefined : readJson(path.join(run.out, "plan.json"));
    return { run, report };
}
const sortedFindings = (report: any): string[][] => report.findings.map((f: any) => [f.policy, f.level, f.resource]).sort((a: string[], b: string[]) => a.join().localeCompare(b.join()));
const messagesOn = (report: any, resource: string): string[] => report.findings.filter((f: any) => f.resource === resource).map((f: any) => f.message);

/** Each case of rule-gaps-cases and the resources it declares (a default provider it makes the engine add included). */
const CASES: Record<string, string[]> = {
    "host-credentials": ["as-gmsa", "on-host-port", "ops-agent"],
    "secret-image-parse": ["payroll"],
    "buildx-builds": ["winbuilder", "pr-maybe-buildx", "pr-on-builder", "pr-legacy"],
    "other-runtimes": ["tenant-pod", "tenant-web", "lint", "sshfs", "forked", "via-fork", "via-default-fork", "default_5_2_0_https___plugins_example_com_docker"],
};
let cases: CasesRun;
beforeAll(async () => {
    cases = await planCases("rule-gaps-cases", CASES);
}, 120_000);

test("rule-gaps-cases: exit 1, and every finding and row is on a resource of one of its cases", () => {
    expect(cases.run.code).toBe(1);
    expect(cases.strays()).toEqual([]);
});

test("docker-endpoint-gaps: an unknown certPath, a context (explicit and from stack config) and ssh without host key checks are violations", async () => {
    const { run, report } = await plan("docker-endpoint-gaps");
    expect(run.code).toBe(1);
    expect(sortedFindings(report)).toEqual([
        ["docker-api-tls-only", "mandatory", "by-context"],
        ["docker-api-tls-only", "mandatory", "default_5_2_0"],
        ["docker-api-tls-only", "mandatory", "late-certs"],
        ["docker-api-tls-only", "mandatory", "trusting-ssh"],
        ["docker-api-tls-only", "mandatory", "trusting-ssh"],
    ]);
    expect(messagesOn(report, "late-certs")).toEqual([expect.stringMatching(/certPath is not known until deploy and may be empty then, which the provider reads as plain tcp/)]);
    expect(messagesOn(report, "default_5_2_0")).toEqual([expect.stringMatching(/^Docker context 'build-farm' overrides host/)]);
    expect(messagesOn(report, "trusting-ssh").sort()).toEqual([expect.stringMatching(/StrictHostKeyChecking no/), expect.stringMatching(/UserKnownHostsFile=\/dev\/null' gives ssh no known host keys/)]);
}, 120_000);

test("host-credentials: an untrusted service's gMSA credential spec and host-mode port are violations; a trusted service may have both", () => {
    const { report } = cases.only("host-credentials");
    expect(sortedFindings(report)).toEqual([
        ["untrusted-no-host-access", "mandatory", "as-gmsa"],
        ["untrusted-no-host-access", "mandatory", "on-host-port"],
    ]);
    expect(messagesOn(report, "as-gmsa")).toEqual([expect.stringMatching(/^taskSpec.containerSpec.privileges.credentialSpec is set: the workload acts on the network as the host's group managed service account \(gMSA\)/)]);
    expect(messagesOn(report, "on-host-port")).toEqual([expect.stringMatching(/^endpointSpec.ports\[0\].publishMode 'host' binds the port on the host's own interfaces/)]);
});

test("secret-image-parse: a secret image that does not parse is reported by field; no part of it reaches any output", () => {
    const { run, report } = cases.only("secret-image-parse");
    expect(messagesOn(report, "payroll").sort()).toEqual([
        expect.stringMatching(/^image '\[secret\]' is not a valid image reference: its repository path must be lowercase/),
        expect.stringMatching(/^image '\[secret\]': its repository path must be lowercase/),
    ]);
    const outputs = [run.stdout, run.stderr, ...["plan.md", "plan.json", "plan.sarif"].map((f) => fs.readFileSync(path.join(run.out, f), "utf8"))];
    expect(outputs.filter((text) => /northwind/i.test(text))).toEqual([]);
});

test("buildx-builds: untrusted builds that buildx may run (no useLegacyBuilder, a named builder) and the builder itself are violations; the classic build passes", () => {
    const { report } = cases.only("buildx-builds");
    expect(sortedFindings(report)).toEqual([
        ["untrusted-requires-hyperv", "mandatory", "pr-maybe-buildx"],
        ["untrusted-requires-hyperv", "mandatory", "pr-on-builder"],
        ["untrusted-requires-hyperv", "mandatory", "winbuilder"],
    ]);
    expect(messagesOn(report, "pr-on-builder")).toEqual([expect.stringMatching(/build.builder 'winbuilder' sends it to a buildx builder, where build.isolation is only the network mode/)]);
    const rows = Object.fromEntries(report.workloads.map((w: any) => [w.workload, w.effectiveIsolation]));
    expect(rows).toEqual({ "pr-maybe-buildx": "none if buildx builds it", "pr-on-builder": "none if buildx builds it", "pr-legacy": "hyperv" });
});

test("other-runtimes: Kubernetes pods that may land on Windows, an engine plugin and provider plugins from another server are violations; a Linux-pinned Job is not", () => {
    const { report } = cases.only("other-runtimes");
    expect(sortedFindings(report)).toEqual([
        ["docker-api-tls-only", "mandatory", "default_5_2_0_https___plugins_example_com_docker"],
        ["docker-api-tls-only", "mandatory", "forked"],
        ["untrusted-requires-hyperv", "mandatory", "sshfs"],
        ["untrusted-requires-hyperv", "mandatory", "tenant-pod"],
        ["untrusted-requires-hyperv", "mandatory", "tenant-web"],
    ]);
    expect(messagesOn(report, "tenant-web")).toEqual([expect.stringMatching(/^a Kubernetes Deployment whose pods are not labelled windows-isolation.trust=trusted \(spec.template.metadata.labels\) .* spec.template.spec.nodeSelector\["kubernetes.io\/os"\] is 'windows'/)]);
    expect(messagesOn(report, "forked")).toEqual([expect.stringMatching(/pluginDownloadURL 'https:\/\/plugins.example.com\/docker', not Pulumi's own release/)]);
});

test("ignore-changes-judged: ignoreChanges on host-access inputs (mounts, privileges) is refused (exit 2) from the policies' own list of judged inputs", async () => {
    const { run } = await plan("ignore-changes-judged");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
        /docker:index\/service:Service 'sticky-mounts' has ignoreChanges \[taskSpec.containerSpec.mounts, taskSpec.containerSpec.privileges\]: on a stack that already runs it, the engine keeps the deployed taskSpec.containerSpec.mounts, taskSpec.containerSpec.privileges.credentialSpec whatever the program says/,
    );
    expect(run.stdout).toBe("");
}, 120_000);
