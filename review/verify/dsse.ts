/**
 * DSSE, the envelope in-toto attestations are signed in (secure-systems-lab/dsse, protocol.md
 * v1.0.2 and envelope.md), written against the spec with node:crypto: the only npm DSSE code we
 * found (sigstore's packages) signs Sigstore bundles against Sigstore's trust roots, not a plain
 * envelope with a key of the user's.
 *
 *   SIGNATURE = Sign(PAE(UTF8(payloadType), payload))
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * Keys are the PEM formats @pulumi/tls's PrivateKey writes (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC
 * PRIVATE KEY", PKCS#8 "PRIVATE KEY"): RSA signs RSASSA-PKCS1-v1_5 with SHA-256; ECDSA P-256,
 * P-384, P-521 sign with SHA-256, -384, -512 (DER signatures, as cosign writes them; a raw r||s
 * signature, as the spec's own test vector has, verifies too); Ed25519 signs the PAE itself.
 */
import * as crypto from "node:crypto";

export interface Envelope {
    readonly payload: string;
    readonly payloadType: string;
    readonly signatures: readonly { readonly keyid?: string; readonly sig: string }[];
}

/** The pre-authentication encoding every signature covers. */
export function pae(payloadType: string, payload: Buffer): Buffer {
    const type = Buffer.from(payloadType, "utf8");
    return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, "ascii"), type, Buffer.from(` ${payload.length} `, "ascii"), payload]);
}

const EC_HASH: Readonly<Record<string, string>> = { prime256v1: "sha256", secp384r1: "sha384", secp521r1: "sha512" };

/** The scheme for a key, or why it cannot sign: "rsa-pkcs1v15-sha256", "ecdsa-p256-sha256", "ed25519". */
export function schemeOf(key: crypto.KeyObject): { readonly name: string; readonly hash: string | null } | { readonly error: string } {
    const type = key.asymmetricKeyType;
    if (type === "rsa") return { name: "rsa-pkcs1v15-sha256", hash: "sha256" };
    if (type === "ed25519") return { name: "ed25519", hash: null };
    if (type === "ec") {
        const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
        const hash = EC_HASH[curve];
        if (!hash) return { error: `an ECDSA key on curve ${curve || "(unknown)"}; use P-256, P-384 or P-521` };
        return { name: `ecdsa-${{ prime256v1: "p256", secp384r1: "p384", secp521r1: "p521" }[curve]}-${hash}`, hash };
    }
    return { error: `a ${type ?? "unknown"} key; use RSA, ECDSA (P-256, P-384, P-521) or Ed25519` };
}

/** A key id: the SHA-256 of the public key's SubjectPublicKeyInfo (DER). A hint only, never trusted. */
export function keyIdOf(key: crypto.KeyObject): string {
    const pub = key.type === "private" ? crypto.createPublicKey(key) : key;
    return crypto.createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("hex");
}

export type LoadedKey = { readonly ok: true; readonly key: crypto.KeyObject; readonly scheme: string; readonly keyid: string } | { readonly ok: false; readonly error: string };

/** A private key to sign with, from PEM text; `from` names the file in messages (never the key). */
export function loadPrivateKey(pem: string, from: string): LoadedKey {
    if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) return { ok: false, error: `${from} is not a PEM private key (RSA, EC or PKCS#8 'PRIVATE KEY')` };
    if (/ENCRYPTED/.test(pem)) return { ok: false, error: `${from} is an encrypted private key; give an unencrypted PEM (e.g. openssl pkey -in <key> -out <plain key>)` };
    let key: crypto.KeyObject;
    try {
        key = crypto.createPrivateKey({ key: pem, format: "pem" });
    } catch (e) {
        return { ok: false, error: `${from} is not a readable private key (${(e as NodeJS.ErrnoException).code ?? "unreadable"})` };
    }
    const scheme = schemeOf(key);
    if ("error" in scheme) return { ok: false, error: `${from} is ${scheme.error}` };
    return { ok: true, key, scheme: scheme.name, keyid: keyIdOf(key) };
}

/** A public key to check with: a PEM public key, a certificate, or a private key (its public half). */
export function loadPublicKey(pem: string, from: string): LoadedKey {
    if (!pem.includes("-----BEGIN ")) return { ok: false, error: `${from} is not PEM; give the signer's public key (openssl pkey -in <private key> -pubout)` };
    let key: crypto.KeyObject;
    try {
        key = crypto.createPublicKey({ key: pem, format: "pem" });
    } catch (e) {
        return { ok: false, error: `${from} is not a readable public key (${(e as NodeJS.ErrnoException).code ?? "unreadable"})` };
    }
    const scheme = schemeOf(key);
    if ("error" in scheme) return { ok: false, error: `${from} is ${scheme.error}` };
    return { ok: true, key, scheme: scheme.name, keyid: keyIdOf(key) };
}

/** Signs `payload` into an envelope (keys in the spec's order; one signature). */
export function signEnvelope(payloadType: string, payload: Buffer, signer: Extract<LoadedKey, { ok: true }>): Envelope {
    const scheme = schemeOf(signer.key);
    if ("error" in scheme) throw new Error(scheme.error);
    const sig = crypto.sign(scheme.hash, pae(payloadType, payload), signer.key);
    return { payload: payload.toString("base64"), payloadType, signatures: [{ keyid: signer.keyid, sig: sig.toString("base64") }] };
}

/** Standard or URL-safe base64, padded or not (verifiers "MUST accept either"); undefined when it is neither. */
export function decodeBase64(text: string): Buffer | undefined {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) && !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
    const buf = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    // Buffer.from ignores what it cannot use: a length that cannot be base64 is refused here.
    const bare = text.replace(/=+$/, "");
    return bare.length % 4 === 1 ? undefined : buf;
}

export type Opened =
    /** The envelope is not one (bad input, exit 2). */
    | { readonly ok: false; readonly kind: "bad-input"; readonly error: string }
    /** No signature verifies with the key (exit 1). */
    | { readonly ok: false; readonly kind: "bad-signature"; readonly error: string }
    /** The payload exactly as signed: parse these bytes, never the envelope again. */
    | { readonly ok: true; readonly payloadType: string; readonly payload: Buffer; readonly keyid: string };

function verifies(scheme: { hash: string | null }, data: Buffer, key: crypto.KeyObject, sig: Buffer): boolean {
    try {
        if (key.asymmetricKeyType === "ec") {
            return crypto.verify(scheme.hash, data, { key, dsaEncoding: "der" }, sig) || crypto.verify(scheme.hash, data, { key, dsaEncoding: "ieee-p1363" }, sig);
        }
        return crypto.verify(scheme.hash, data, key, sig);
    } catch {
        return false; // a signature of the wrong shape for the key is not a signature by it
    }
}

/** Parses an envelope and checks its signatures with `verifier`; the spec's verification steps. */
export function openEnvelope(text: string, verifier: Extract<LoadedKey, { ok: true }>, from: string): Opened {
    const bad = (error: string): Opened => ({ ok: false, kind: "bad-input", error: `${from}: ${error}` });
    let env: unknown;
    try {
        env = JSON.parse(text);
    } catch {
        return bad("not JSON; a DSSE envelope is {payload, payloadType, signatures}");
    }
    if (typeof env !== "object" || env === null || Array.isArray(env)) return bad("not a DSSE envelope (a JSON object)");
    const e = env as Record<string, unknown>;
    if (typeof e.payloadType !== "string" || typeof e.payload !== "string") return bad("not a DSSE envelope (no payload/payloadType strings)");
    if (!Array.isArray(e.signatures) || e.signatures.length === 0) return bad("the DSSE envelope has no signatures");
    const payload = decodeBase64(e.payload);
    if (payload === undefined) return bad("payload is not base64");
    const sigs: Buffer[] = [];
    for (const [i, s] of e.signatures.entries()) {
        const raw = typeof s === "object" && s !== null ? (s as Record<string, unknown>).sig : undefined;
        const sig = typeof raw === "string" ? decodeBase64(raw) : undefined;
        if (sig === undefined) return bad(`signatures[${i}].sig is not base64`);
        sigs.push(sig);
    }
    const scheme = schemeOf(verifier.key);
    if ("error" in scheme) return bad(scheme.error);
    const data = pae(e.payloadType, payload);
    if (!sigs.some((sig) => verifies(scheme, data, verifier.key, sig))) {
        return { ok: false, kind: "bad-signature", error: `${from}: no signature verifies with the key ${verifier.keyid.slice(0, 16)}… (${verifier.scheme}): the file was changed after signing, or signed with another key` };
    }
    return { ok: true, payloadType: e.payloadType, payload, keyid: verifier.keyid };
}
