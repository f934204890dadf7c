/**
 * `verify --attest` and `verify --check-attestation` end to end through runVerify, against the
 * recorded Windows engine answers (test/fixtures/windowsEngine; CI has no Windows engine): sign,
 * check, tamper with one byte, wrong key, each key format tls.PrivateKey writes, and the exit codes.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runVerify } from "../../../review/verify/main";
import { EngineRecording, serveRecording } from "../../helpers/fakeEngine";

const fixture = (name: string): EngineRecording => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "windowsEngine", name), "utf8"));

// Made when the file is collected: the key files are written while the describe blocks are.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-attest-"));
afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runVerify(argv, {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

async function verifyFixture(name: string, ...flags: string[]) {
    const socketPath = path.join(dir, `${name}-${process.hrtime.bigint()}.sock`);
    const engine = await serveRecording(fixture(name), { socketPath });
    try {
        return { ...(await run(["--endpoint", `unix://${socketPath}`, ...flags])), endpoint: `unix://${socketPath}` };
    } finally {
        await engine.close();
    }
}

/** A key pair in the PEM encodings Pulumi's tls.PrivateKey writes, as files. */
function keyFiles(kind: "rsa" | "ecdsa" | "ed25519", tag: string) {
    const pair = kind === "rsa" ? crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }) : kind === "ecdsa" ? crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }) : crypto.generateKeyPairSync("ed25519");
    const privateFile = path.join(dir, `${kind}-${tag}.key.pem`);
    const publicFile = path.join(dir, `${kind}-${tag}.pub.pem`);
    fs.writeFileSync(privateFile, pair.privateKey.export({ type: kind === "rsa" ? "pkcs1" : kind === "ecdsa" ? "sec1" : "pkcs8", format: "pem" }) as string);
    fs.writeFileSync(publicFile, pair.publicKey.export({ type: "spki", format: "pem" }) as string);
    return { privateFile, publicFile };
}

describe.each(["rsa", "ecdsa", "ed25519"] as const)("%s key", (kind) => {
    const keys = keyFiles(kind, "signer");
    const other = keyFiles(kind, "other");
    const file = () => path.join(dir, `${kind}.attestation.json`);

    test("a proven host: the run writes the envelope, and the check passes (exit 0)", async () => {
        const r = await verifyFixture("hardened-2022.json", "--attest", file(), "--key", keys.privateFile);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const envelope = JSON.parse(fs.readFileSync(file(), "utf8"));
        expect(envelope.payloadType).toBe("application/vnd.in-toto+json");
        const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
        expect(statement.subject.map((s: { name: string }) => s.name)).toEqual([
            "container:w2022node01abcdefghijklm/customer-job.1.tsk0000000000000000000002",
            "container:w2022node01abcdefghijklm/legacy-app.1.tsk0000000000000000000003",
            "container:w2022node01abcdefghijklm/web.1.tsk0000000000000000000001",
            `engine:${r.endpoint}`,
        ]);
        expect(statement.subject.every((s: { digest: { sha256: string } }) => /^[0-9a-f]{64}$/.test(s.digest.sha256))).toBe(true);
        const check = await run(["--check-attestation", file(), "--key", keys.publicFile]);
        expect(check.stderr).toBe("");
        expect(check.code).toBe(0);
        expect(check.stdout).toContain("Signature: GOOD");
        expect(check.stdout).toContain("Claims: every claim keeps the promise");
        expect(check.stdout.trimEnd().split("\n").pop()).toBe("ATTESTED; exit 0");
    });

    test("one byte of the signed statement changed: bad signature (exit 1)", async () => {
        const envelope = JSON.parse(fs.readFileSync(file(), "utf8"));
        const payload = Buffer.from(envelope.payload, "base64");
        const at = payload.indexOf('"hyperv"') + 1;
        payload[at] = "p".charCodeAt(0); // "hyperv" -> "pyperv": one byte
        const tampered = path.join(dir, `${kind}.tampered.json`);
        fs.writeFileSync(tampered, JSON.stringify({ ...envelope, payload: payload.toString("base64") }));
        const check = await run(["--check-attestation", tampered, "--key", keys.publicFile, "--json"]);
        expect(check.code).toBe(1);
        const out = JSON.parse(check.stdout);
        expect(out).toMatchObject({ signature: "bad", exitCode: 1 });
        expect(out.error).toContain("no signature verifies with the key");
    });

    test("another key: bad signature (exit 1)", async () => {
        const check = await run(["--check-attestation", file(), "--key", other.publicFile]);
        expect(check.code).toBe(1);
        expect(check.stdout).toContain("Signature: BAD");
        expect(check.stdout.trimEnd().split("\n").pop()).toBe("NOT ATTESTED; exit 1");
    });
});

describe("a host that does not keep the promise", () => {
    test("its attestation verifies, and the check names the failing claims (exit 1)", async () => {
        const keys = keyFiles("ed25519", "failing");
        const file = path.join(dir, "failing.json");
        const r = await verifyFixture("default-process-2022.json", "--attest", file, "--key", keys.privateFile, "--json");
        expect(r.code).toBe(1);
        const check = await run(["--check-attestation", file, "--key", keys.publicFile, "--json"]);
        expect(check.code).toBe(1);
        const out = JSON.parse(check.stdout);
        expect(out.signature).toBe("good");
        expect(out.failures.length).toBeGreaterThan(0);
        expect(out.failures.some((f: { subject: string }) => f.subject === "finding:engine-default-isolation")).toBe(true);
    });
});

describe("bad input: exit 2, before any engine is asked", () => {
    test.each([
        [["--attest", "x.json"], "--attest needs --key <private key PEM>"],
        [["--check-attestation", "x.json"], "--check-attestation needs --key <public key PEM>"],
        [["--check-attestation", "x.json", "--key", "k.pem", "--endpoint", "unix:///x.sock"], "--check-attestation reads a file and asks no engine; drop --endpoint"],
        [["--key", "k.pem"], "--key signs an attestation (--attest <file>) or checks one (--check-attestation <file>)"],
    ])("%j", async (argv, message) => {
        const r = await run(argv);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(message);
    });

    test("a signing key that is not a private key, or unreadable: named, and no engine is asked", async () => {
        const keys = keyFiles("ed25519", "bad");
        const r = await run(["--endpoint", "unix:///nonexistent/engine.sock", "--attest", path.join(dir, "never.json"), "--key", keys.publicFile]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`verify: --key '${keys.publicFile}' is not a PEM private key (RSA, EC or PKCS#8 'PRIVATE KEY')\n`);
        expect(fs.existsSync(path.join(dir, "never.json"))).toBe(false);
        const missing = await run(["--check-attestation", path.join(dir, "none.json"), "--key", path.join(dir, "none.pem")]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain("cannot read it (ENOENT)");
    });

    test("an envelope that is not JSON, or a signed payload that is not our statement", async () => {
        const keys = keyFiles("ed25519", "shape");
        const notJson = path.join(dir, "not.json");
        fs.writeFileSync(notJson, "{");
        const r = await run(["--check-attestation", notJson, "--key", keys.publicFile]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("not JSON");
        // Validly signed, but an in-toto statement of another kind.
        const { signEnvelope, loadPrivateKey } = await import("../../../review/verify/dsse");
        const signer = loadPrivateKey(fs.readFileSync(keys.privateFile, "utf8"), "k");
        if (!signer.ok) throw new Error(signer.error);
        const other = path.join(dir, "other.json");
        fs.writeFileSync(other, JSON.stringify(signEnvelope("application/vnd.in-toto+json", Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}'), signer)));
        const o = await run(["--check-attestation", other, "--key", keys.publicFile]);
        expect(o.code).toBe(2);
        expect(o.stderr).toContain("not a verify attestation: predicateType 'x'");
    });
});
