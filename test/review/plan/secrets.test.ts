/**
 * Secrets never print: the secret image references and label values of
 * test/fixtures/programs/secret-values reach none of stdout, plan.md, plan.json and plan.sarif;
 * the report shows `[secret]` where they were.
 */
import * as fs from "fs";
import * as path from "path";
import { redact, secretValues } from "../../../review/plan/secrets";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";
import { resource, secret } from "../../helpers/policyPack";

const SECRETS = ["registry.corp.example/hidden-team/payroll-app:ltsc2022", "hush-hush-label-value", "registry.corp.example/hidden-team/batch-runner:latest"];

describe("secret-values: secret images and trust labels on raw services and a container", () => {
    let run: Awaited<ReturnType<typeof runPlan>>;
    beforeAll(async () => {
        run = await runPlan(["--program", path.join(FIXTURES, "secret-values"), "--stack", "test"]);
    }, 120_000);

    test("no secret value in stdout, stderr, plan.md, plan.json or plan.sarif", () => {
        expect(run.code).toBe(1); // the odd label and the container are still violations
        const outputs: [string, string][] = [
            ["stdout", run.stdout],
            ["stderr", run.stderr],
            ...["plan.md", "plan.json", "plan.sarif"].map((f) => [f, fs.readFileSync(path.join(run.out, f), "utf8")] as [string, string]),
        ];
        for (const [name, text] of outputs) {
            for (const s of SECRETS) expect([name, text.includes(s)]).toEqual([name, false]);
            for (const s of SECRETS) expect([name, text.includes(JSON.stringify(s).slice(1, -1))]).toEqual([name, false]);
        }
    });

    test("the report shows [secret] where the values were, and still judges them", () => {
        const report = readJson(path.join(run.out, "plan.json"));
        const rows = Object.fromEntries(report.workloads.map((w: { workload: string; image: string; trust: string }) => [w.workload, [w.image, w.trust]]));
        expect(rows).toEqual({
            "secret-image": ["[secret]", "[secret]"],
            "secret-label": ["mcr.microsoft.com/windows/servercore:ltsc2022", "invalid label"],
            "secret-container": ["[secret]", "untrusted (no label)"],
        });
        const messages = report.findings.map((f: { resource: string; policy: string; message: string }) => [f.resource, f.policy, f.message]);
        expect(messages).toContainEqual(["secret-label", "untrusted-requires-hyperv", expect.stringContaining('label windows-isolation.trust="[secret]"')]);
        expect(messages).toContainEqual(["secret-container", "pinned-image", expect.stringContaining("image '[secret]' uses the 'latest' tag")]);
        expect(run.stdout).toMatch(/^secret-image\s+winhost\s+\[secret\]\s+20348\s+20348\s+\[secret\]\s+hyperv\s+hyperv\s+ok$/m);
    });
});

test("redact: a short secret only as a whole token, a long one anywhere; keys and pack fields kept", () => {
    const resources = [
        resource("docker:index/service:Service", "s", { labels: [{ label: "windows-isolation.trust", value: secret("trusted") }], image: secret("registry.example/a-long-secret-image:1") }),
    ];
    expect(secretValues(resources)).toEqual(["registry.example/a-long-secret-image:1", "trusted"]);
    const out = redact(
        { policy: "trusted", trusted: "label trusted, untrusted, trusted.", image: "registry.example/a-long-secret-image:1", msg: "pull xregistry.example/a-long-secret-image:1x" },
        secretValues(resources),
    );
    expect(out).toEqual({ policy: "trusted", trusted: "label [secret], untrusted, [secret].", image: "[secret]", msg: "pull x[secret]x" });
});
