/**
 * What `verify --attest` signs and `verify --check-attestation` judges: an in-toto Statement v1
 * (github.com/in-toto/attestation, spec/v1/statement.md) whose subjects are the images of the
 * running containers (digest: the image ID, the sha256 of the image's config) and each engine
 * (digest: the sha256 of its canonical claims), and whose predicate is the run's judgement: per
 * container the declared, reported and effective isolation, trust, the witness's verdict and
 * evidence, the engine's version and OS build; the tasks; the findings; the time.
 * Pure: hashing is passed in, so that this file needs no crypto module.
 */
import { ISOLATION_MODES } from "../os/compatibility";
import type { Attestation, ContainerVerdict, EngineVerdict } from "./attestation";
import type { TaskVerdict } from "./tasks";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** The DSSE payloadType of an in-toto Statement (in-toto attestation spec, envelope.md). */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** Our predicate's type and version; a URN, as it names a schema, not a place. */
export const PREDICATE_TYPE = "urn:windows-isolation:verify:v1";

/** Hex SHA-256 of a UTF-8 string (node:crypto in the tools; passed in to keep this file pure). */
export type Sha256 = (text: string) => string;

export interface RunInfo {
    readonly tool: string;
    readonly version: string;
    /** The endpoint verify asked first. */
    readonly endpoint: string;
    /** ISO 8601 UTC: the only field that differs between two runs over the same facts. */
    readonly verifiedAt: string;
    readonly exitCode: number;
}

export interface EngineClaim extends EngineVerdict {
    readonly endpoint: string;
    /** Swarm node id, when the engine is a swarm node. */
    readonly node?: string;
}

export interface ContainerClaim extends ContainerVerdict {
    /** The engine that reported it (endpoint, version, OS build), copied so each claim stands alone. */
    readonly engine: { readonly endpoint: string; readonly serverVersion?: string; readonly osType: string; readonly osBuild?: number };
}

export interface VerifyPredicate {
    readonly verifier: { readonly name: string; readonly version: string };
    readonly verifiedAt: string;
    readonly endpoint: string;
    readonly exitCode: number;
    readonly proven: boolean;
    readonly engines: readonly EngineClaim[];
    readonly containers: readonly ContainerClaim[];
    readonly tasks: readonly TaskVerdict[];
    readonly witness?: Attestation["witness"];
    readonly findings: Attestation["findings"];
}

export interface StatementSubject {
    readonly name: string;
    readonly digest: { readonly sha256: string };
}

export interface Statement {
    readonly _type: typeof STATEMENT_TYPE;
    readonly subject: readonly StatementSubject[];
    readonly predicateType: typeof PREDICATE_TYPE;
    readonly predicate: VerifyPredicate;
}

/** JSON with every object's keys sorted and no whitespace: one statement, one byte string. */
export function canonicalJson(value: unknown): string {
    if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
    if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
    const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const IMAGE_ID = /^sha256:([0-9a-f]{64})$/;

/** "sha256:<64 hex>" -> the hex; anything else (an unknown image) has no digest. */
export function imageDigest(imageId: string | undefined): string | undefined {
    return IMAGE_ID.exec(imageId ?? "")?.[1];
}

/** The subject name of a container: node-qualified in a swarm, so two nodes' containers never collide. */
export const containerSubjectName = (c: { readonly name: string; readonly node?: string }): string => `container:${c.node ? `${c.node}/` : ""}${c.name}`;
export const engineSubjectName = (e: { readonly endpoint: string }): string => `engine:${e.endpoint}`;

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every engine of the run, the one asked first first. */
function engineClaims(a: Attestation, endpoint: string): EngineClaim[] {
    return [
        { endpoint, ...(a.node !== undefined ? { node: a.node } : {}), ...a.engine },
        ...(a.nodes ?? []).map((n) => ({ endpoint: n.endpoint, ...(n.nodeId !== undefined ? { node: n.nodeId } : {}), ...n.engine })),
    ];
}

/** The statement for one verify run. Containers, subjects and engines in a stable order. */
export function buildStatement(a: Attestation, run: RunInfo, sha256: Sha256): Statement {
    const engines = engineClaims(a, run.endpoint);
    const engineOf = (c: ContainerVerdict): EngineClaim => (c.node !== undefined ? engines.find((e) => e.node === c.node) : undefined) ?? engines[0];
    const containers: ContainerClaim[] = a.containers
        .map((c) => {
            const e = engineOf(c);
            return { ...c, engine: { endpoint: e.endpoint, serverVersion: e.serverVersion, osType: e.osType, osBuild: e.osBuild } };
        })
        .sort((x, y) => containerSubjectName(x).localeCompare(containerSubjectName(y)) || x.id.localeCompare(y.id));
    const subject: StatementSubject[] = [
        ...engines.map((e) => ({ name: engineSubjectName(e), digest: { sha256: sha256(canonicalJson(e)) } })),
        ...containers.flatMap((c) => {
            const d = imageDigest(c.imageId);
            return d === undefined ? [] : [{ name: containerSubjectName(c), digest: { sha256: d } }];
        }),
    ].sort(byName);
    return {
        _type: STATEMENT_TYPE,
        subject,
        predicateType: PREDICATE_TYPE,
        predicate: {
            verifier: { name: run.tool, version: run.version },
            verifiedAt: run.verifiedAt,
            endpoint: run.endpoint,
            exitCode: run.exitCode,
            proven: a.proven,
            engines,
            containers,
            tasks: a.tasks,
            ...(a.witness ? { witness: a.witness } : {}),
            findings: [...a.findings].sort(
                (x, y) => x.subject.kind.localeCompare(y.subject.kind) || x.subject.name.localeCompare(y.subject.name) || x.subject.id.localeCompare(y.subject.id) || x.ruleId.localeCompare(y.ruleId) || x.message.localeCompare(y.message),
            ),
        },
    };
}

/** One claim of a statement that does not keep the promise, or does not hold together. */
export interface ClaimProblem {
    readonly subject: string;
    readonly message: string;
}

export type StatementJudgement =
    /** Not a statement this tool wrote (bad input, exit 2). */
    | { readonly ok: false; readonly error: string }
    | {
          readonly ok: true;
          readonly statement: Statement;
          /** Claims that fail the promise "untrusted code only ever runs under Hyper-V isolation" (exit 1). */
          readonly failures: readonly ClaimProblem[];
      };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const MODES: readonly string[] = ISOLATION_MODES;

/** Why a container claim is not a claim this tool writes; undefined when it is. */
function malformedContainer(c: unknown, i: number): string | undefined {
    if (!isObj(c)) return `predicate.containers[${i}] is not an object`;
    if (typeof c.name !== "string" || typeof c.id !== "string") return `predicate.containers[${i}] has no name/id`;
    if (c.trust !== "trusted" && c.trust !== "untrusted") return `predicate.containers[${i}].trust '${String(c.trust)}' is not trusted/untrusted`;
    if (!MODES.includes(String(c.declared))) return `predicate.containers[${i}].declared '${String(c.declared)}' is not process/hyperv`;
    if (![...MODES, "none", "unknown"].includes(String(c.effective))) return `predicate.containers[${i}].effective '${String(c.effective)}' is not an isolation`;
    if (typeof c.labelled !== "boolean" || typeof c.proven !== "boolean") return `predicate.containers[${i}] has no labelled/proven`;
    if (c.witness !== undefined && (!isObj(c.witness) || !["shares-host-kernel", "kernel-isolated", "inconclusive"].includes(String(c.witness.verdict)))) {
        return `predicate.containers[${i}].witness has no verdict`;
    }
    return undefined;
}

/** Why the statement is not one `verify --attest` writes; undefined when it is. */
function malformed(s: unknown): string | undefined {
    if (!isObj(s)) return "the payload is not a JSON object";
    if (s._type !== STATEMENT_TYPE) return `_type '${String(s._type)}' is not ${STATEMENT_TYPE}`;
    if (s.predicateType !== PREDICATE_TYPE) return `predicateType '${String(s.predicateType)}' is not ${PREDICATE_TYPE}`;
    if (!Array.isArray(s.subject) || s.subject.length === 0) return "subject is not a non-empty array";
    for (const [i, x] of s.subject.entries()) {
        if (!isObj(x) || typeof x.name !== "string" || !isObj(x.digest) || typeof x.digest.sha256 !== "string") return `subject[${i}] has no name and digest.sha256`;
    }
    const p = s.predicate;
    if (!isObj(p)) return "predicate is not an object";
    if (typeof p.verifiedAt !== "string" || !Number.isFinite(Date.parse(p.verifiedAt))) return "predicate.verifiedAt is not a time";
    if (typeof p.endpoint !== "string" || typeof p.proven !== "boolean" || typeof p.exitCode !== "number") return "predicate has no endpoint/proven/exitCode";
    if (!Array.isArray(p.engines) || p.engines.length === 0 || !p.engines.every((e) => isObj(e) && typeof e.endpoint === "string" && typeof e.osType === "string")) {
        return "predicate.engines is not a non-empty array of engines";
    }
    if (!Array.isArray(p.containers) || !Array.isArray(p.tasks) || !Array.isArray(p.findings)) return "predicate has no containers/tasks/findings arrays";
    for (const [i, c] of p.containers.entries()) {
        const why = malformedContainer(c, i);
        if (why) return why;
    }
    for (const [i, t] of p.tasks.entries()) {
        if (!isObj(t) || typeof t.id !== "string" || typeof t.verified !== "boolean") return `predicate.tasks[${i}] has no id/verified`;
    }
    for (const [i, f] of p.findings.entries()) {
        if (!isObj(f) || typeof f.ruleId !== "string" || (f.level !== "error" && f.level !== "warning")) return `predicate.findings[${i}] has no ruleId/level`;
    }
    return undefined;
}

/** The subjects must be exactly the engines and the containers' images the predicate claims. */
function subjectMismatch(s: Statement, sha256: Sha256): string | undefined {
    const expected = new Map<string, string>();
    for (const e of s.predicate.engines) expected.set(engineSubjectName(e), sha256(canonicalJson(e)));
    for (const c of s.predicate.containers) {
        const d = imageDigest(c.imageId);
        if (d !== undefined) expected.set(containerSubjectName(c), d);
    }
    const given = new Map(s.subject.map((x) => [x.name, x.digest.sha256]));
    for (const [name, digest] of expected) {
        if (!given.has(name)) return `the predicate claims ${name}, but no subject names it`;
        if (given.get(name) !== digest) return `subject ${name} has digest sha256:${given.get(name)}, but the predicate's claims give sha256:${digest}`;
    }
    for (const name of given.keys()) if (!expected.has(name)) return `subject ${name} is not claimed in the predicate`;
    return undefined;
}

/** What each container claim says against the promise; the same reading as attest's rules. */
function containerFailures(c: ContainerClaim): string[] {
    const out: string[] = [];
    const who = `${c.labelled ? c.trust : "unlabelled (so untrusted)"} container`;
    if (c.trust === "untrusted" && c.effective !== "hyperv") out.push(`${who} ran with effective isolation '${c.effective}' (HostConfig.Isolation '${c.reported}'), not hyperv`);
    if (c.labelled && c.effective !== c.declared) out.push(`declared '${c.declared}' but ran with effective isolation '${c.effective}'`);
    const w = c.witness;
    if (w?.verdict === "shares-host-kernel" && c.trust === "untrusted") out.push(`the host's process list shows its processes as host processes (${w.reason})`);
    if (w && (w.verdict === "shares-host-kernel" ? c.effective === "hyperv" : w.verdict === "kernel-isolated" && (c.effective === "process" || c.effective === "none"))) {
        out.push(`the witness (${w.verdict}) contradicts the engine's record (effective '${c.effective}')`);
    }
    if (!c.proven && out.length === 0) out.push("verify recorded it as not proven");
    return out;
}

/**
 * Judges a statement whose signature was already verified: is it a statement verify writes, do
 * its subjects match its claims, and does every claim keep the promise (every container proven
 * with untrusted ones under Hyper-V, every task verified on its node, no error finding)?
 */
export function judgeStatement(parsed: unknown, sha256: Sha256): StatementJudgement {
    const why = malformed(parsed);
    if (why) return { ok: false, error: `not a verify attestation: ${why}` };
    const s = parsed as Statement;
    const mismatch = subjectMismatch(s, sha256);
    if (mismatch) return { ok: false, error: `the statement does not hold together: ${mismatch}` };
    const failures: ClaimProblem[] = [];
    for (const c of s.predicate.containers) {
        for (const message of containerFailures(c)) failures.push({ subject: containerSubjectName(c), message });
    }
    for (const t of s.predicate.tasks) {
        if (!t.verified) failures.push({ subject: `task:${t.serviceName}/${t.id}`, message: `task '${t.state}' on node ${t.nodeId ?? "(none)"} was not verified on its own node` });
    }
    for (const f of s.predicate.findings) {
        if (f.level === "error") failures.push({ subject: `finding:${f.ruleId}`, message: f.message });
    }
    if (s.predicate.proven && failures.length > 0) failures.unshift({ subject: "predicate.proven", message: "the statement claims the run proven, but its own claims fail" });
    if (!s.predicate.proven && failures.length === 0) failures.push({ subject: "predicate.proven", message: "the run was recorded as not proven" });
    return { ok: true, statement: s, failures };
}
