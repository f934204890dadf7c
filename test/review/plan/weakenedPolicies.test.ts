/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json and plan.sarif are read back as untyped JSON */
/**
 * Weakened policies: a policy config that lowers a mandatory policy of the real pack stops the
 * plan (exit 2, naming each one) unless --allow-weakened-policies; then every report lists each
 * weakened policy and what it finds at full strength.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzerInfo, PolicyPackConfig } from "../../../review/analyzer/client";
import { WeakenedPoliciesError, weakenedPolicies } from "../../../review/plan/weakened";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";
import { Pack, startPack } from "../../helpers/policyPack";
import { validateSarif } from "../../helpers/sarifValidator";

const MANDATORY = ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "image-host-compatibility", "hyperv-host-nested-virtualization", "docker-api-tls-only", "trusted-images"];

describe("which configs weaken the pack's mandatory policies", () => {
    let pack: Pack;
    let info: AnalyzerInfo;
    beforeAll(async () => {
        pack = await startPack();
        info = await pack.client.getAnalyzerInfo();
    }, 120_000);
    afterAll(() => pack.stop());

    test("the pack's mandatory policies are the ones this table is about", () => {
        expect(info.policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name)).toEqual(MANDATORY);
    });

    // The plan prints this error's message and exits 2 (the end-to-end run below, with one policy
    // disabled): its program run is not repeated for a config that differs only in the list.
    test("all: advisory names every mandatory policy in the plan's refusal", () => {
        const message = new WeakenedPoliciesError(weakenedPolicies({ all: "advisory" }, info)).message;
        expect(message).toMatch(new RegExp(`^the policy config weakens ${MANDATORY.length} mandatory policies: `));
        for (const p of MANDATORY) expect(message).toContain(`${p} (mandatory in the pack, set to advisory by policy config key 'all')`);
    });

    test.each<[string, PolicyPackConfig, [string, string, string][]]>([
        ["a policy disabled", { "untrusted-requires-hyperv": "disabled" }, [["untrusted-requires-hyperv", "disabled", "untrusted-requires-hyperv"]]],
        ["a policy advisory", { "docker-api-tls-only": "advisory" }, [["docker-api-tls-only", "advisory", "docker-api-tls-only"]]],
        ["remediate (the plan runs no remediation)", { "image-host-compatibility": "remediate" }, [["image-host-compatibility", "remediate", "image-host-compatibility"]]],
        ["{enforcementLevel} with properties", { "untrusted-requires-hyperv": { enforcementLevel: "advisory", exemptions: [] } }, [["untrusted-requires-hyperv", "advisory", "untrusted-requires-hyperv"]]],
        ["all: disabled", { all: "disabled" }, MANDATORY.map((p) => [p, "disabled", "all"] as [string, string, string])],
        [
            "all: {enforcementLevel: advisory}, one policy kept mandatory by its own key",
            { all: { enforcementLevel: "advisory" }, "untrusted-requires-hyperv": "mandatory" },
            MANDATORY.filter((p) => p !== "untrusted-requires-hyperv").map((p) => [p, "advisory", "all"] as [string, string, string]),
        ],
        ["all: mandatory, one policy disabled", { all: "mandatory", "hyperv-host-nested-virtualization": { enforcementLevel: "disabled" } }, [["hyperv-host-nested-virtualization", "disabled", "hyperv-host-nested-virtualization"]]],
        ["an advisory policy disabled is not a mandatory one weakened", { "pinned-image": "disabled" }, []],
        ["properties only", { "pinned-image": { trustedRegistries: ["mcr.microsoft.com/windows"] }, "docker-api-tls-only": { exemptions: [] } }, []],
    ])("%s", (_name, config, expected) => {
        expect(weakenedPolicies(config, info).map((w) => [w.policy, w.level, w.setBy])).toEqual(expected);
    });
});

function configFile(config: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wi-policy-config-")), "policy-config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}

const badRawService = ["--program", path.join(FIXTURES, "bad-raw-service"), "--stack", "test"];

test("bad-raw-service with untrusted-requires-hyperv disabled: exit 2 naming the policy, no report", async () => {
    const run = await runPlan([...badRawService, "--policy-config", configFile({ "untrusted-requires-hyperv": "disabled" })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
        /^plan: the policy config weakens 1 mandatory policy: untrusted-requires-hyperv \(mandatory in the pack, set to disabled by policy config key 'untrusted-requires-hyperv'\)\. Remove those settings, or pass --allow-weakened-policies/m,
    );
    expect(run.stdout).toBe("");
    expect(fs.existsSync(path.join(run.out, "plan.json"))).toBe(false);
}, 120_000);


describe("--allow-weakened-policies with untrusted-requires-hyperv disabled", () => {
    let run: Awaited<ReturnType<typeof runPlan>>;
    beforeAll(async () => {
        run = await runPlan([...badRawService, "--policy-config", configFile({ "untrusted-requires-hyperv": { enforcementLevel: "disabled" } }), "--allow-weakened-policies"]);
    }, 120_000);

    test("the console names the weakened policy and the violation it would have found", () => {
        expect(run.code).toBe(0); // the only finding was the disabled policy's
        expect(run.stdout).toMatch(/^WEAKENED  untrusted-requires-hyperv \(mandatory in the pack, set to disabled by policy config key 'untrusted-requires-hyperv'\), allowed by --allow-weakened-policies; at full strength it finds 1:$/m);
        expect(run.stdout).toMatch(/^ {2}would be VIOLATION untrusted-requires-hyperv on raw-untrusted \(docker:index\/service:Service\) at test\/fixtures\/programs\/bad-raw-service\/index.ts:11: trust 'untrusted' requires isolation 'hyperv', got 'process'/m);
        expect(run.stdout).toMatch(/^Result: 0 mandatory violation\(s\), 0 advisory, 0 exempted by config, 1 mandatory policy WEAKENED by config \(1 finding\(s\) at full strength\)\.$/m);
    });

    test("plan.md lists it and never says the config grants no exceptions", () => {
        const md = fs.readFileSync(path.join(run.out, "plan.md"), "utf8");
        expect(md).not.toContain("grants no exceptions");
        expect(md).toMatch(/^### Weakened policies$/m);
        expect(md).toMatch(/^- `untrusted-requires-hyperv`: mandatory in the pack, set to \*\*disabled\*\* by policy config key `untrusted-requires-hyperv`; at full strength it finds 1:$/m);
        expect(md).toMatch(/^ {2}- on `raw-untrusted` .* at `test\/fixtures\/programs\/bad-raw-service\/index.ts:11`: trust 'untrusted' requires isolation 'hyperv'/m);
        expect(md).toMatch(/1 mandatory policy \*\*weakened\*\* by config/);
    });

    test("plan.json: weakenedPolicies with the full-strength finding", () => {
        const report = readJson(path.join(run.out, "plan.json"));
        expect(report.findings).toEqual([]);
        expect(report.weakenedPolicies.map((w: any) => [w.policy, w.level, w.setBy, w.wouldFind.map((f: any) => [f.resource, f.level])])).toEqual([
            ["untrusted-requires-hyperv", "disabled", "untrusted-requires-hyperv", [["raw-untrusted", "mandatory"]]],
        ]);
    });

    test("plan.sarif: the finding as a suppressed error, a notification naming the policy; the validator is clean", async () => {
        const sarif = readJson(path.join(run.out, "plan.sarif"));
        const results = sarif.runs[0].results;
        expect(results.map((r: any) => [r.ruleId, r.level, r.suppressions?.[0]?.kind, r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([
            ["untrusted-requires-hyperv", "error", "external", "test/fixtures/programs/bad-raw-service/index.ts"],
        ]);
        expect(sarif.runs[0].invocations[0].toolConfigurationNotifications.map((n: any) => n.message.text)).toEqual([
            "weakened policy: untrusted-requires-hyperv (mandatory in the pack, set to disabled by policy config key 'untrusted-requires-hyperv'); at full strength it finds 1",
        ]);
        // Only the warning every log of ours gets: the project has no public informationUri to name.
        expect(await validateSarif(sarif)).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
    }, 60_000);
});
