/**
 * The DSSE envelope (review/verify/dsse.ts) against the spec's own test vector
 * (secure-systems-lab/dsse protocol.md v1.0.2, "Test Vectors", and implementation/signing_spec.py),
 * and a sign/verify/tamper/wrong-key round trip for each key format the stack's tls.PrivateKey
 * writes: RSA (PKCS#1), ECDSA P-256 (SEC1), Ed25519 (PKCS#8).
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeBase64, loadPrivateKey, loadPublicKey, openEnvelope, pae, signEnvelope } from "../../../review/verify/dsse";

// protocol.md: ECDSA over NIST P-256 and SHA-256, signature the raw concatenation of r and s.
const VECTOR = {
    x: 46950820868899156662930047687818585632848591499744589407958293238635476079160n,
    y: 5640078356564379163099075877009565129882514886557779369047442380624545832820n,
    d: 97358161215184420915383655311931858321456579547487070936769975997791359926199n,
    payloadType: "http://example.com/HelloWorld",
    payload: "hello world",
    pae: "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    envelope: {
        payload: "aGVsbG8gd29ybGQ=",
        payloadType: "http://example.com/HelloWorld",
        signatures: [{ keyid: "66301bbf", sig: "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==" }],
    },
};
const b64url = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex").toString("base64url");
const vectorJwk = { kty: "EC", crv: "P-256", x: b64url(VECTOR.x), y: b64url(VECTOR.y) };
const vectorPublicPem = crypto.createPublicKey({ key: vectorJwk, format: "jwk" }).export({ type: "spki", format: "pem" }) as string;
const vectorPrivatePem = crypto.createPrivateKey({ key: { ...vectorJwk, d: b64url(VECTOR.d) }, format: "jwk" }).export({ type: "sec1", format: "pem" }) as string;

const ok = <T extends { ok: boolean }>(v: T): Extract<T, { ok: true }> => {
    if (!v.ok) throw new Error(`expected ok: ${JSON.stringify(v)}`);
    return v as Extract<T, { ok: true }>;
};

describe("the spec's test vector", () => {
    test("PAE", () => {
        expect(pae(VECTOR.payloadType, Buffer.from(VECTOR.payload)).toString("utf8")).toBe(VECTOR.pae);
    });

    test("the spec's envelope verifies with the spec's public key, and yields exactly its payload", () => {
        const opened = openEnvelope(JSON.stringify(VECTOR.envelope), ok(loadPublicKey(vectorPublicPem, "vector")), "vector");
        expect(opened).toMatchObject({ ok: true, payloadType: VECTOR.payloadType });
        expect(ok(opened).payload.toString("utf8")).toBe(VECTOR.payload);
    });

    test("one byte of the spec's payload or signature changed: no longer verifies", () => {
        const key = ok(loadPublicKey(vectorPublicPem, "vector"));
        const payload = Buffer.from("hello worle").toString("base64");
        expect(openEnvelope(JSON.stringify({ ...VECTOR.envelope, payload }), key, "vector")).toMatchObject({ ok: false, kind: "bad-signature" });
        const sig = Buffer.from(VECTOR.envelope.signatures[0].sig, "base64");
        sig[10] ^= 0x01;
        expect(openEnvelope(JSON.stringify({ ...VECTOR.envelope, signatures: [{ sig: sig.toString("base64") }] }), key, "vector")).toMatchObject({ ok: false, kind: "bad-signature" });
    });

    test("our signature with the spec's private key verifies under the spec's public key", () => {
        const env = signEnvelope(VECTOR.payloadType, Buffer.from(VECTOR.payload), ok(loadPrivateKey(vectorPrivatePem, "vector")));
        expect(env.payload).toBe(VECTOR.envelope.payload);
        expect(ok(openEnvelope(JSON.stringify(env), ok(loadPublicKey(vectorPublicPem, "vector")), "vector")).payload.toString()).toBe(VECTOR.payload);
    });
});

// The PEM encodings Pulumi's tls.PrivateKey writes in privateKeyPem for each algorithm.
const keyPairs = {
    rsa: () => crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }),
    ecdsaP256: () => crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }),
    ed25519: () => crypto.generateKeyPairSync("ed25519"),
};
const pems = (kind: keyof typeof keyPairs) => {
    const { privateKey, publicKey } = keyPairs[kind]();
    const type = kind === "rsa" ? "pkcs1" : kind === "ecdsaP256" ? "sec1" : "pkcs8";
    return { privatePem: privateKey.export({ type, format: "pem" }) as string, publicPem: publicKey.export({ type: "spki", format: "pem" }) as string };
};

describe.each(["rsa", "ecdsaP256", "ed25519"] as const)("%s keys", (kind) => {
    const { privatePem, publicPem } = pems(kind);
    const other = pems(kind);
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const signer = ok(loadPrivateKey(privatePem, "key.pem"));
    const envelope = signEnvelope("application/vnd.in-toto+json", payload, signer);
    const text = JSON.stringify(envelope);

    test("the PEM header is the one tls.PrivateKey writes, and the scheme follows the key", () => {
        expect(privatePem).toContain({ rsa: "BEGIN RSA PRIVATE KEY", ecdsaP256: "BEGIN EC PRIVATE KEY", ed25519: "BEGIN PRIVATE KEY" }[kind]);
        expect(signer.scheme).toBe({ rsa: "rsa-pkcs1v15-sha256", ecdsaP256: "ecdsa-p256-sha256", ed25519: "ed25519" }[kind]);
    });

    test("signed, it verifies with the public key and gives back the signed bytes; the keyid is the public key's", () => {
        const opened = ok(openEnvelope(text, ok(loadPublicKey(publicPem, "pub.pem")), "env"));
        expect(opened.payload.equals(payload)).toBe(true);
        expect(envelope.signatures[0].keyid).toBe(ok(loadPublicKey(publicPem, "pub.pem")).keyid);
        // The private key's PEM also gives its public half.
        expect(ok(openEnvelope(text, ok(loadPublicKey(privatePem, "key.pem")), "env")).payload.equals(payload)).toBe(true);
    });

    test("every single byte of the payload changed in turn: never verifies", () => {
        const pub = ok(loadPublicKey(publicPem, "pub.pem"));
        for (let i = 0; i < payload.length; i++) {
            const tampered = Buffer.from(payload);
            tampered[i] ^= 0x20;
            expect(openEnvelope(JSON.stringify({ ...envelope, payload: tampered.toString("base64") }), pub, "env")).toMatchObject({ ok: false, kind: "bad-signature" });
        }
        expect(openEnvelope(JSON.stringify({ ...envelope, payloadType: "application/json" }), pub, "env")).toMatchObject({ ok: false, kind: "bad-signature" });
    });

    test("another key of the same kind, or of another kind: bad signature, not a crash", () => {
        expect(openEnvelope(text, ok(loadPublicKey(other.publicPem, "other.pem")), "env")).toMatchObject({ ok: false, kind: "bad-signature" });
        const foreign = kind === "ed25519" ? pems("rsa") : pems("ed25519");
        expect(openEnvelope(text, ok(loadPublicKey(foreign.publicPem, "foreign.pem")), "env")).toMatchObject({ ok: false, kind: "bad-signature" });
    });

    test("URL-safe base64 is accepted, as the spec asks of verifiers", () => {
        const urlSafe = { ...envelope, payload: payload.toString("base64url"), signatures: [{ sig: Buffer.from(envelope.signatures[0].sig, "base64").toString("base64url") }] };
        expect(ok(openEnvelope(JSON.stringify(urlSafe), ok(loadPublicKey(publicPem, "pub.pem")), "env")).payload.equals(payload)).toBe(true);
    });
});

describe("bad input is named, never signed or verified", () => {
    const { publicPem } = pems("ed25519");
    const pub = () => ok(loadPublicKey(publicPem, "pub.pem"));

    test.each([
        ["not JSON", "{", "not JSON"],
        ["an array", "[]", "not a DSSE envelope"],
        ["no payloadType", JSON.stringify({ payload: "", signatures: [{ sig: "" }] }), "no payload/payloadType"],
        ["no signatures", JSON.stringify({ payload: "", payloadType: "t", signatures: [] }), "has no signatures"],
        ["payload not base64", JSON.stringify({ payload: "a*b", payloadType: "t", signatures: [{ sig: "" }] }), "payload is not base64"],
        ["sig not base64", JSON.stringify({ payload: "", payloadType: "t", signatures: [{ sig: "%%" }] }), "signatures[0].sig is not base64"],
    ])("%s", (_, text, message) => {
        const opened = openEnvelope(text, pub(), "--check-attestation 'x.json'");
        expect(opened).toMatchObject({ ok: false, kind: "bad-input" });
        expect((opened as { error: string }).error).toContain(message);
    });

    test("keys: encrypted, unsupported curve, not a key; messages never hold the key", () => {
        const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "secp224r1" });
        const p224 = privateKey.export({ type: "sec1", format: "pem" }) as string;
        expect(loadPrivateKey(p224, "--key 'k.pem'")).toEqual({ ok: false, error: "--key 'k.pem' is an ECDSA key on curve secp224r1; use P-256, P-384 or P-521" });
        const encrypted = crypto.generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
        const refused = loadPrivateKey(encrypted, "--key 'k.pem'");
        expect(refused).toMatchObject({ ok: false });
        expect((refused as { error: string }).error).toContain("is an encrypted private key");
        expect((refused as { error: string }).error).not.toContain("BEGIN");
        expect(loadPrivateKey(publicPem, "--key 'k.pem'")).toMatchObject({ ok: false, error: expect.stringContaining("is not a PEM private key") });
        expect(loadPublicKey("hello", "--key 'k.pem'")).toMatchObject({ ok: false, error: expect.stringContaining("is not PEM") });
    });

    test("decodeBase64 refuses what is not base64 rather than decoding part of it", () => {
        expect(decodeBase64("aGVsbG8gd29ybGQ=")?.toString()).toBe("hello world");
        expect(decodeBase64("aGVsbG8gd29ybGQ")?.toString()).toBe("hello world");
        expect(decodeBase64("a")).toBeUndefined();
        expect(decodeBase64("aGVs bG8=")).toBeUndefined();
    });
});

describe("an auditor without this tool: the openssl CLI checks our signatures over the PAE", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-dsse-openssl-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test.each(["rsa", "ecdsaP256", "ed25519"] as const)("%s", (kind) => {
        const { privatePem, publicPem } = pems(kind);
        const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
        const env = signEnvelope("application/vnd.in-toto+json", payload, ok(loadPrivateKey(privatePem, "k")));
        const files = { pub: path.join(dir, `${kind}.pub.pem`), pae: path.join(dir, `${kind}.pae`), sig: path.join(dir, `${kind}.sig`) };
        fs.writeFileSync(files.pub, publicPem);
        fs.writeFileSync(files.pae, pae(env.payloadType, Buffer.from(env.payload, "base64")));
        fs.writeFileSync(files.sig, Buffer.from(env.signatures[0].sig, "base64"));
        const args = kind === "ed25519"
            ? ["pkeyutl", "-verify", "-pubin", "-inkey", files.pub, "-rawin", "-in", files.pae, "-sigfile", files.sig]
            : ["dgst", "-sha256", "-verify", files.pub, "-signature", files.sig, files.pae];
        expect(execFileSync("openssl", args, { encoding: "utf8" })).toMatch(/Verified OK|Signature Verified Successfully/);
        // The same with one byte of the PAE changed: openssl refuses it (exit 1).
        const tampered = fs.readFileSync(files.pae);
        tampered[tampered.length - 2] ^= 0x01;
        fs.writeFileSync(files.pae, tampered);
        expect(() => execFileSync("openssl", args, { stdio: "pipe" })).toThrow();
    });
});
