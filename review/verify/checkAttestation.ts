/**
 * `verify --check-attestation <file> --key <public key>`: what an auditor runs on a kept
 * attestation. The DSSE signature first (dsse.ts), then the statement read from exactly the
 * signed bytes and judged by rules/attestation/statement.ts. Exit 0: signature good and every
 * claim keeps the promise; 1: bad signature or a claim that fails it; 2: bad input.
 */
import * as fs from "node:fs";
import { IN_TOTO_PAYLOAD_TYPE, judgeStatement } from "../../rules";
import { ExitCode } from "../cli/exitCode";
import { toolName } from "../cli/toolName";
import { readKeyFile, sha256Hex } from "./attestFile";
import { openEnvelope } from "./dsse";

export interface CheckIo {
    stdout(text: string): void;
    stderr(text: string): void;
}

export function checkAttestation(file: string, keyFile: string, json: boolean, io: CheckIo): number {
    const key = readKeyFile(keyFile, "public");
    if (!key.ok) {
        io.stderr(`verify: ${key.error}\n`);
        return ExitCode.Error;
    }
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        io.stderr(`verify: --check-attestation '${file}': cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
        return ExitCode.Error;
    }
    const from = `--check-attestation '${file}'`;
    const opened = openEnvelope(text, key, from);
    if (!opened.ok) {
        if (opened.kind === "bad-input") {
            io.stderr(`verify: ${opened.error}\n`);
            return ExitCode.Error;
        }
        report(io, json, { file, signature: "bad", keyid: key.keyid, scheme: key.scheme, exitCode: ExitCode.Violation, error: opened.error });
        return ExitCode.Violation;
    }
    if (opened.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
        io.stderr(`verify: ${from}: payloadType '${opened.payloadType}' is not ${IN_TOTO_PAYLOAD_TYPE}\n`);
        return ExitCode.Error;
    }
    let statement: unknown;
    try {
        statement = JSON.parse(opened.payload.toString("utf8"));
    } catch {
        io.stderr(`verify: ${from}: the signed payload is not JSON\n`);
        return ExitCode.Error;
    }
    const judged = judgeStatement(statement, sha256Hex);
    if (!judged.ok) {
        io.stderr(`verify: ${from}: ${judged.error}\n`);
        return ExitCode.Error;
    }
    const p = judged.statement.predicate;
    const exitCode = judged.failures.length === 0 ? ExitCode.Ok : ExitCode.Violation;
    report(io, json, {
        file,
        signature: "good",
        keyid: key.keyid,
        scheme: key.scheme,
        exitCode,
        statement: {
            verifier: `${p.verifier.name} ${p.verifier.version}`,
            verifiedAt: p.verifiedAt,
            endpoint: p.endpoint,
            engines: p.engines.length,
            containers: p.containers.length,
            tasks: p.tasks.length,
            subjects: judged.statement.subject.map((s) => `${s.name} sha256:${s.digest.sha256}`),
        },
        failures: judged.failures,
    });
    return exitCode;
}

interface Report {
    readonly file: string;
    readonly signature: "good" | "bad";
    readonly keyid: string;
    readonly scheme: string;
    readonly exitCode: number;
    readonly error?: string;
    readonly statement?: { verifier: string; verifiedAt: string; endpoint: string; engines: number; containers: number; tasks: number; subjects: string[] };
    readonly failures?: readonly { subject: string; message: string }[];
}

function report(io: CheckIo, json: boolean, r: Report): void {
    if (json) {
        io.stdout(JSON.stringify({ tool: toolName("verify"), check: "attestation", ...r }, null, 2) + "\n");
        return;
    }
    const lines = [`Attestation ${r.file}`, `Signature: ${r.signature.toUpperCase()} (${r.scheme}, key sha256:${r.keyid})`];
    if (r.error) lines.push(r.error);
    if (r.statement) {
        const s = r.statement;
        lines.push(`Statement: ${s.verifier} at ${s.verifiedAt} of ${s.endpoint}: ${s.engines} engine(s), ${s.containers} container(s), ${s.tasks} task(s)`);
        lines.push(...s.subjects.map((x) => `  subject ${x}`));
        const failures = r.failures ?? [];
        lines.push("", failures.length === 0 ? "Claims: every claim keeps the promise" : `Claims failing the promise (${failures.length}):`);
        lines.push(...failures.map((f) => `  FAIL ${f.subject}: ${f.message}`));
    }
    lines.push("", `${r.exitCode === ExitCode.Ok ? "ATTESTED" : "NOT ATTESTED"}; exit ${r.exitCode}`);
    io.stdout(lines.join("\n") + "\n");
}
