/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json is read back as untyped JSON */
/**
 * plan --resolve-images end to end: the built plan runs a program whose images live at a REAL
 * registry (docker-registry 2.8 with TLS and token auth, started for this file), reads them
 * there with the user's Docker config and --registry-ca, and the policy pack judges what the
 * registry said: a private tag is judged on its real build, a tag that lies is a finding, the
 * report shows digests and exact builds, --pin prints pinned references. A registry that cannot
 * be reached fails the untrusted workloads instead of passing them on their tags.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FIXTURES, readJson, runPlan } from "../../helpers/planCli";
import { startRegistry, TestRegistry } from "../../helpers/registry/registry";

let reg: TestRegistry;
let env: Record<string, string | undefined>;
const saved = { ...process.env };
const W = (osVersion: string) => ({ os: "windows", osVersion });
const digests: Record<string, string> = {};

beforeAll(async () => {
    reg = await startRegistry();
    digests.web = await reg.push("windows/servercore", "ltsc2022", { index: true, platforms: [W("10.0.17763.5576"), W("10.0.20348.2340"), W("10.0.26100.1742")] });
    digests.app = await reg.push("private/app", "1.4", { platforms: [W("10.0.20348.2402")] });
    digests.liar = await reg.push("app/liar", "ltsc2022", { index: true, platforms: [W("10.0.26100.1742")] });
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "wi-plan-cache-"));
    fs.mkdirSync(path.join(reg.dir, "docker"));
    fs.copyFileSync(reg.dockerConfig, path.join(reg.dir, "docker", "config.json"));
    env = { DOCKER_CONFIG: path.join(reg.dir, "docker"), XDG_CACHE_HOME: cache };
}, 120_000);

afterAll(async () => {
    process.env = saved;
    if (env?.XDG_CACHE_HOME) fs.rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true });
    await reg?.stop();
});

const plan = (registry: string, extra: string[]) => {
    Object.assign(process.env, env, { WI_TEST_REGISTRY: registry });
    return runPlan(["--program", path.join(FIXTURES, "resolve-images"), "--stack", "test", ...extra]);
};

test("resolved: each workload judged on the build its registry names; the lying tag is the one finding; --pin prints digests", async () => {
    const run = await plan(reg.host, ["--pin", "--registry-ca", reg.caFile]);
    const report = readJson(path.join(run.out, "plan.json"));
    expect(report.findings.map((f: any) => [f.policy, f.resource, f.message])).toEqual([
        ["image-host-compatibility", "liar", `image '${reg.host}/app/liar:ltsc2022' is tagged 'ltsc2022' (20348 (ltsc2022)) but ${reg.host} says ${digests.liar} is 26100 (ltsc2025); fix the tag or pin the digest`],
    ]);
    expect(run.code).toBe(1);
    const rows = Object.fromEntries(report.workloads.map((w: any) => [w.workload, [w.imageBuild.split(" @ ")[0], w.verdicts["image-host-compatibility"]]]));
    expect(rows).toEqual({ web: ["10.0.20348.2340", "pass"], "private-app": ["10.0.20348.2402", "pass"], liar: ["10.0.26100.1742", "FAIL"] });
    expect(report.images.map((i: any) => [i.image, i.digest, i.pinned])).toEqual([
        [`${reg.host}/app/liar:ltsc2022`, digests.liar, `${reg.host}/app/liar:ltsc2022@${digests.liar}`],
        [`${reg.host}/private/app:1.4`, digests.app, `${reg.host}/private/app:1.4@${digests.app}`],
        [`${reg.host}/windows/servercore:ltsc2022`, digests.web, `${reg.host}/windows/servercore:ltsc2022@${digests.web}`],
    ]);
    expect(run.stdout).toContain(`Pinned references:\n${reg.host}/app/liar:ltsc2022 -> ${reg.host}/app/liar:ltsc2022@${digests.liar}\n`);
    expect(fs.readFileSync(path.join(run.out, "plan.md"), "utf8")).toContain("## Images (resolved at their registries)");
}, 180_000);

test("unreachable registry: the untrusted workloads fail with the registry named, never pass on their tags; exit 1", async () => {
    const run = await plan("127.0.0.1:9", ["--resolve-images"]);
    expect(run.code).toBe(1);
    const report = readJson(path.join(run.out, "plan.json"));
    const compat = report.findings.filter((f: any) => f.policy === "image-host-compatibility").map((f: any) => [f.resource, f.message]);
    // The component's own service is judged with it; the trusted private-app falls back to its tag, which names no build.
    expect(compat.map((c: any) => c[0]).sort()).toEqual(["liar", "private-app", "web", "web-service"]);
    expect(compat.find((c: any) => c[0] === "private-app")[1]).toMatch(/^image '127\.0\.0\.1:9\/private\/app:1\.4': its tag does not name a Windows build/);
    expect(compat.find((c: any) => c[0] === "web")[1]).toMatch(
        /^image '127\.0\.0\.1:9\/windows\/servercore:ltsc2022' at 127\.0\.0\.1:9: unreachable after 4 attempts: ECONNREFUSED .*; an untrusted workload is judged only on what its registry says, never on a guess$/,
    );
    expect(report.images.every((i: any) => typeof i.error === "string" && i.digest === undefined)).toBe(true);
}, 180_000);

test("--registry-ca without --resolve-images, or a file with no certificate, is bad input: exit 2", async () => {
    const a = await runPlan(["--program", path.join(FIXTURES, "resolve-images"), "--stack", "test", "--registry-ca", reg.caFile]);
    expect([a.code, a.stderr.split("\n")[0]]).toEqual([2, "plan: --registry-ca is used only to resolve images; add --resolve-images"]);
    const notPem = path.join(reg.dir, "not.pem");
    fs.writeFileSync(notPem, "hello");
    const b = await runPlan(["--program", path.join(FIXTURES, "resolve-images"), "--stack", "test", "--resolve-images", "--registry-ca", notPem]);
    expect([b.code, b.stderr.split("\n")[0]]).toEqual([2, `plan: --registry-ca ${notPem}: has no PEM certificate (-----BEGIN CERTIFICATE-----)`]);
});
