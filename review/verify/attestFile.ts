/**
 * `verify --attest <file> --key <private key>`: the run's judgement as an in-toto Statement
 * (rules/attestation/statement.ts), canonical JSON, signed into a DSSE envelope (dsse.ts) and
 * written atomically. The key is read and checked before any engine is asked; its text never
 * reaches a message.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Attestation, buildStatement, canonicalJson, IN_TOTO_PAYLOAD_TYPE, RunInfo } from "../../rules";
import { Envelope, LoadedKey, loadPrivateKey, loadPublicKey, signEnvelope } from "./dsse";

export const sha256Hex = (text: string): string => crypto.createHash("sha256").update(text, "utf8").digest("hex");

type Signer = Extract<LoadedKey, { ok: true }>;

/** Reads a PEM key file (`kind`: the signing key, or the key that checks). A message names the flag and file, never the key. */
export function readKeyFile(file: string, kind: "private" | "public"): LoadedKey {
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch (e) {
        return { ok: false, error: `--key '${file}': cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    return kind === "private" ? loadPrivateKey(pem, `--key '${file}'`) : loadPublicKey(pem, `--key '${file}'`);
}

/** The signed envelope for one run: the same bytes for the same facts and time (an ECDSA signature is randomised). */
export function attestationEnvelope(a: Attestation, run: RunInfo, signer: Signer): Envelope {
    const statement = buildStatement(a, run, sha256Hex);
    return signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(canonicalJson(statement), "utf8"), signer);
}

/** Writes the envelope next to its final name, then renames it: a reader never sees half a file. */
export function writeEnvelope(file: string, envelope: Envelope): string | undefined {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
        fs.writeFileSync(tmp, JSON.stringify(envelope, null, 2) + "\n", { mode: 0o644 });
        fs.renameSync(tmp, file);
        return undefined;
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        return `--attest '${file}': cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
}
