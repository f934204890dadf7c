/**
 * The attestation statement (rules/attestation/statement.ts): built from attest's judgement in a
 * stable order, and judged claim by claim against the promise.
 */
import * as crypto from "node:crypto";
import fc from "fast-check";
import {
    attest,
    buildStatement,
    canonicalJson,
    ContainerFacts,
    EngineFacts,
    HostFacts,
    ISOLATION_LABEL,
    judgeStatement,
    PREDICATE_TYPE,
    RunInfo,
    STATEMENT_TYPE,
    TRUST_LABEL,
} from "../../../rules";

const sha256 = (t: string) => crypto.createHash("sha256").update(t, "utf8").digest("hex");
const engine = (defaultIsolation: string): EngineFacts => ({
    osType: "windows",
    operatingSystem: "Windows Server 2022 Datacenter",
    kernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)",
    defaultIsolation,
    serverVersion: "27.3.1",
    swarmState: "inactive",
});
const IMAGE = `sha256:${"ab".repeat(32)}`;
const container = (name: string, trust: string, isolation: string, got: string): ContainerFacts => ({
    id: `id-${name}`, name, image: "mcr.microsoft.com/windows/servercore:ltsc2022", imageId: IMAGE, state: "running",
    labels: { [TRUST_LABEL]: trust, [ISOLATION_LABEL]: isolation }, isolation: got,
});
const run = (exitCode: number, verifiedAt = "2026-12-05T20:00:00.000Z"): RunInfo => ({ tool: "windows-isolation verify", version: "0.3.0", endpoint: "tcp://host:2376", verifiedAt, exitCode });
const good: HostFacts = { engine: engine("hyperv"), containers: [container("web", "trusted", "process", "process"), container("job", "untrusted", "hyperv", "hyperv")], tasks: [] };
const statementOf = (f: HostFacts, at?: string) => {
    const a = attest(f);
    return buildStatement(a, run(a.proven ? 0 : 1, at), sha256);
};
const roundTrip = (s: unknown) => JSON.parse(canonicalJson(s)) as unknown;

describe("building", () => {
    test("an in-toto Statement v1: subjects are the engine and each container's image, the predicate the run's judgement", () => {
        const s = statementOf(good);
        expect(s._type).toBe(STATEMENT_TYPE);
        expect(s.predicateType).toBe(PREDICATE_TYPE);
        expect(s.subject.map((x) => x.name)).toEqual(["container:job", "container:web", "engine:tcp://host:2376"]);
        expect(s.subject[0].digest.sha256).toBe("ab".repeat(32));
        expect(s.predicate.containers.map((c) => [c.name, c.trust, c.declared, c.reported, c.effective, c.engine.serverVersion, c.engine.osBuild])).toEqual([
            ["job", "untrusted", "hyperv", "hyperv", "hyperv", "27.3.1", 20348],
            ["web", "trusted", "process", "process", "process", "27.3.1", 20348],
        ]);
        expect(s.predicate).toMatchObject({ verifiedAt: "2026-12-05T20:00:00.000Z", proven: true, exitCode: 0, endpoint: "tcp://host:2376" });
    });

    test("same facts in any order: the same bytes but for the time", () => {
        const mixed: ContainerFacts[] = [...good.containers, container("hand", "untrusted", "hyperv", "process"), container("odd", "maybe", "hyperv", "default")];
        const b = canonicalJson(statementOf({ ...good, containers: mixed }));
        fc.assert(fc.property(fc.shuffledSubarray(mixed, { minLength: mixed.length }), (shuffled) => {
            const a = canonicalJson(statementOf({ ...good, containers: shuffled }, "2026-12-05T21:00:00.000Z"));
            expect(a.replace("2026-12-05T21:00:00.000Z", "2026-12-05T20:00:00.000Z")).toBe(b);
        }), { numRuns: 30 });
    });

    test("canonicalJson sorts keys at every depth and drops undefined", () => {
        expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: undefined }], c: "x" } })).toBe('{"a":{"c":"x","d":[1,{"z":0}]},"b":1}');
    });
});

describe("judging", () => {
    test("a proven run: every claim keeps the promise", () => {
        expect(judgeStatement(roundTrip(statementOf(good)), sha256)).toMatchObject({ ok: true, failures: [] });
    });

    test("an untrusted container that ran process-isolated fails the promise, and so does the run", () => {
        const s = statementOf({ ...good, containers: [container("job", "untrusted", "hyperv", "process")] });
        const j = judgeStatement(roundTrip(s), sha256);
        if (!j.ok) throw new Error(j.error);
        expect(j.failures.map((f) => f.subject)).toContain("container:job");
        expect(j.failures.find((f) => f.subject === "container:job")!.message).toContain("ran with effective isolation 'process' (HostConfig.Isolation 'process'), not hyperv");
        expect(j.failures.some((f) => f.subject === "finding:untrusted-requires-hyperv")).toBe(true);
    });

    test("a statement that claims proven while its container claims fail is caught", () => {
        const s = roundTrip(statementOf(good)) as { predicate: { containers: { effective: string; reported: string }[] } };
        s.predicate.containers[0].effective = "process";
        s.predicate.containers[0].reported = "process";
        const j = judgeStatement(s, sha256);
        if (!j.ok) throw new Error(j.error);
        expect(j.failures[0]).toEqual({ subject: "predicate.proven", message: "the statement claims the run proven, but its own claims fail" });
    });

    test("a task not verified on its node, and a witness that saw host processes, fail", () => {
        const s = roundTrip(statementOf(good)) as { predicate: { tasks: unknown[]; containers: { witness?: unknown }[] } };
        s.predicate.tasks = [{ id: "t1", serviceName: "svc", state: "running", nodeId: "worker", verified: false }];
        s.predicate.containers[0].witness = { verdict: "shares-host-kernel", source: "/proc", reason: "PID 4 is a host process", matchedPids: [4], vmWorkerPids: [] };
        const j = judgeStatement(s, sha256);
        if (!j.ok) throw new Error(j.error);
        expect(j.failures.map((f) => f.subject)).toEqual(["predicate.proven", "container:job", "container:job", "task:svc/t1"]);
    });

    test("subjects that do not match the claims, or a statement of another kind, are bad input", () => {
        const s = roundTrip(statementOf(good)) as { subject: { name: string; digest: { sha256: string } }[]; predicate: { engines: { serverVersion: string }[] } };
        const swapped = structuredClone(s);
        swapped.subject[0].digest.sha256 = "cd".repeat(32);
        expect(judgeStatement(swapped, sha256)).toEqual({ ok: false, error: expect.stringContaining("subject container:job has digest sha256:cdcd") });
        const engineChanged = structuredClone(s);
        engineChanged.predicate.engines[0].serverVersion = "99.0.0";
        expect(judgeStatement(engineChanged, sha256)).toEqual({ ok: false, error: expect.stringContaining("subject engine:tcp://host:2376 has digest") });
        expect(judgeStatement({ ...s, predicateType: "https://slsa.dev/provenance/v1" }, sha256)).toEqual({ ok: false, error: expect.stringContaining("predicateType") });
        expect(judgeStatement([], sha256)).toEqual({ ok: false, error: "not a verify attestation: the payload is not a JSON object" });
    });
});
