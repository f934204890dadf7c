/* eslint-disable @typescript-eslint/no-explicit-any -- plan.json and plan.sarif are read back as untyped JSON */
/**
 * The pack as the engine runs it: `policy/` started through @pulumi/pulumi's run-policy-pack,
 * driven with the analyzer gRPC client @pulumi/pulumi ships (GetAnalyzerInfo, Configure,
 * Analyze, AnalyzeStack) over resources recorded from a program. What it returns must be
 * exactly what the plan tool reports for the same program.
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzerClient, Diagnostic } from "../../../review/analyzer/client";
import { executeProgram } from "../../../review/plan/execute";
import { resolveTarget } from "../../../review/plan/project";
import { RecordedResource } from "../../../review/analyzer/resource";
import { detail } from "../../../review/plan/report";
import { usePack } from "../../helpers/policyPack";
import { FIXTURES, planEnv, readJson, ROOT, runPlan } from "../../helpers/planCli";

const pack = usePack();

test("the server prints its port on stdout and serves on loopback", () => {
    expect(pack().server.port).toBeGreaterThan(0);
    expect(pack().server.process.exitCode).toBeNull();
    // /proc/net/tcp: local address of every listening socket (state 0A); ours must be 127.0.0.1 only.
    const hexPort = pack().server.port.toString(16).toUpperCase().padStart(4, "0");
    const listeners = fs
        .readFileSync("/proc/net/tcp", "utf8")
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f.length > 3 && f[3] === "0A" && f[1].endsWith(`:${hexPort}`))
        .map((f) => f[1]);
    expect(listeners).toEqual([`0100007F:${hexPort}`]);
});

/** Analyze every resource, then AnalyzeStack, exactly as the engine does in a preview. */
async function engineLikeAnalysis(client: AnalyzerClient, resources: RecordedResource[]): Promise<Diagnostic[]> {
    const info = await client.getAnalyzerInfo();
    await client.configure({}, info);
    const providers = new Map(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
    const out: Diagnostic[] = [];
    for (const r of resources) out.push(...(await client.analyze(r, providers)).diagnostics);
    out.push(...(await client.analyzeStack(resources, providers)).diagnostics);
    return out;
}

const cases: [string, string[], string | undefined][] = [
    ["bad-raw-service", ["--program", path.join(FIXTURES, "bad-raw-service"), "--stack", "test"], path.join(FIXTURES, "bad-raw-service")],
    ["azure-host", ["--program", path.join(FIXTURES, "azure-host"), "--stack", "test"], path.join(FIXTURES, "azure-host")],
    ["good-mixed", ["--program", path.join(FIXTURES, "good-mixed"), "--stack", "test"], path.join(FIXTURES, "good-mixed")],
    ["stacks/ dev", ["--stack", "dev"], undefined],
];

// The programs recorded here run as the plans beside them do (test/helpers/planCli.ts's planEnv):
// transpiled without a type check, which would cost each recording about 20 s of CPU and is not
// what this file tests (the plan's own type check is tested with the plan).
const savedTranspileOnly = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
beforeAll(() => {
    process.env.PULUMI_NODEJS_TRANSPILE_ONLY = planEnv().PULUMI_NODEJS_TRANSPILE_ONLY;
});
afterAll(() => {
    if (savedTranspileOnly === undefined) delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    else process.env.PULUMI_NODEJS_TRANSPILE_ONLY = savedTranspileOnly;
});

/** A program's recorded resources, recorded once per program and stack for this file's tests. */
const recordings = new Map<string, Promise<RecordedResource[]>>();
function recordedOf(programDir: string | undefined, stack: string): Promise<RecordedResource[]> {
    const key = `${programDir ?? "."}\u0000${stack}`;
    if (!recordings.has(key)) {
        const target = resolveTarget({ program: programDir, stack, cwd: ROOT });
        recordings.set(key, executeProgram(target).then((r) => (r.ok ? r.resources : Promise.reject(new Error(r.error)))));
    }
    return recordings.get(key)!;
}

test.each(cases)("%s: the analyzer's violations equal the plan's findings", async (_name, args, programDir) => {
    // The plan runs as its own process meanwhile.
    const planned = runPlan(args);
    const recorded = await recordedOf(programDir, args[args.indexOf("--stack") + 1]);
    const fromServer = (await engineLikeAnalysis(pack().client, recorded)).map((d) => [d.policyName, d.enforcementLevel, d.urn, detail(d.message)]);

    const run = await planned;
    const report = readJson(path.join(run.out, "plan.json"));
    const fromPlan = report.findings.map((f: any) => [f.policy, f.level, f.urn, f.message]);

    expect(fromPlan.sort()).toEqual(fromServer.sort());
    expect(run.code).toBe(fromServer.some((d) => d[1] === "mandatory") ? 1 : 0);
}, 120_000);

test("bad-raw-service: the server names untrusted-requires-hyperv and the raw service", async () => {
    const diags = await engineLikeAnalysis(pack().client, await recordedOf(path.join(FIXTURES, "bad-raw-service"), "test"));
    expect(diags.map((d) => [d.policyName, d.enforcementLevel, d.urn.split("::").pop()])).toEqual([["untrusted-requires-hyperv", "mandatory", "raw-untrusted"]]);
}, 120_000);
