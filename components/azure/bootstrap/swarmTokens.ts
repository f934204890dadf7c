/**
 * The swarm join tokens, as the leader's `swarm-tokens.ps1` Run Command prints them: encrypted
 * (RSA-OAEP with SHA-256) to the pool's token key, whose private half lives only in the Pulumi
 * state. A Run Command's instance view is readable by anyone with Reader on the VM, and a manager
 * token lets its holder add a manager; so the view holds ciphertext, and the program decrypts it
 * as a secret. Errors here never repeat the output they were given.
 */
import { createPublicKey, constants, privateDecrypt } from "crypto";

/** The marker swarm-tokens.ps1 prints before the base64 ciphertext of its JSON. */
export const SWARM_TOKENS_MARKER = "WI-SWARM-TOKENS-RSA-OAEP-SHA256 ";

/** The smallest token key accepted (bits): both tokens in one OAEP SHA-256 block need more than 2048 bits (190 bytes). */
export const MIN_TOKEN_KEY_BITS = 3072;

export interface SwarmJoinTokens {
    readonly manager: string;
    readonly worker: string;
}

/**
 * The public key as swarm-tokens.ps1 takes it: modulus and exponent in base64 (Windows
 * PowerShell 5.1's .NET Framework imports RSAParameters, not a PEM).
 */
export interface TokenRecipient {
    readonly modulus: string;
    readonly exponent: string;
}

/** The recipient parameters of an RSA public key PEM (SPKI or PKCS#1). */
export function tokenRecipient(publicKeyPem: string): TokenRecipient {
    const jwk = createPublicKey(publicKeyPem).export({ format: "jwk" });
    if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") throw new Error("the swarm token key must be an RSA key");
    const modulus = Buffer.from(jwk.n, "base64url");
    if (modulus.length * 8 < MIN_TOKEN_KEY_BITS) throw new Error(`the swarm token key has ${modulus.length * 8} bits; at least ${MIN_TOKEN_KEY_BITS} are needed`);
    return { modulus: modulus.toString("base64"), exponent: Buffer.from(jwk.e, "base64url").toString("base64") };
}

/**
 * Docker's token formats, from moby/swarmkit ca/config.go GenerateJoinToken: v1
 * `SWMTKN-1-<root CA SHA-256 in base 36, 50 chars>-<secret in base 36, 25 chars>`; v2 (FIPS
 * clusters) `SWMTKN-2-<0|1>-` and the same rest.
 */
const JOIN_TOKEN = /^SWMTKN-(?:1|2-[01])-[0-9a-z]{50}-[0-9a-z]{25}$/;

/**
 * The tokens from the Run Command's output, decrypted with the token key's private PEM; an error
 * that does not echo the output when they are missing, undecryptable or malformed.
 */
export function parseSwarmTokens(output: string | undefined, privateKeyPem: string, runCommand: string): SwarmJoinTokens {
    const where = `the Run Command ${runCommand}`;
    if (output === undefined || output === null || output.trim() === "") {
        throw new Error(`${where} returned no output (Azure returns it with $expand=instanceView); re-run \`pulumi up\`, and if it stays empty check the command's instance view in the portal`);
    }
    const line = output.split(/\r?\n/).find((l) => l.startsWith(SWARM_TOKENS_MARKER));
    if (line === undefined) throw new Error(`${where} printed no '${SWARM_TOKENS_MARKER.trim()}' line; its script ends with that line when the leader is an active swarm manager`);
    let plain: string;
    try {
        const cipher = Buffer.from(line.slice(SWARM_TOKENS_MARKER.length).trim(), "base64");
        plain = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, cipher).toString("utf8");
    } catch {
        throw new Error(`${where} printed tokens that the pool's token key cannot decrypt (the key changed since the command ran?); run \`pulumi up --replace <URN of ${runCommand}>\``);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(plain);
    } catch {
        throw new Error(`${where} printed tokens that decrypt to something that is not JSON`);
    }
    const p = parsed as Partial<SwarmJoinTokens> | null;
    for (const role of ["manager", "worker"] as const) {
        const token = p?.[role];
        if (typeof token !== "string" || !JOIN_TOKEN.test(token)) {
            throw new Error(`${where} printed no valid ${role} join token (expected Docker's SWMTKN-1-<50>-<25> form)`);
        }
    }
    return { manager: p!.manager!, worker: p!.worker! };
}
