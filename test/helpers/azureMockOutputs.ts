import { constants, generateKeyPairSync, publicEncrypt } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * A real RSA key for the pool's swarm token key (tls.PrivateKey with algorithm RSA): the pool
 * decrypts the token command's output with it, so the mock output must be real ciphertext.
 * Made on first use (about 1.5 s of CPU): only the tests that declare a pool of two or more need it.
 */
let tokenKey: { privateKeyPem: string; publicKeyPem: string } | undefined;
function tokenKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
    if (tokenKey === undefined) {
        const k = generateKeyPairSync("rsa", { modulusLength: 3072 });
        tokenKey = {
            privateKeyPem: k.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
            publicKeyPem: k.publicKey.export({ type: "spki", format: "pem" }).toString(),
        };
    }
    return tokenKey;
}
export const MOCK_TOKEN_KEY = {
    get privateKeyPem(): string {
        return tokenKeyPair().privateKeyPem;
    },
    get publicKeyPem(): string {
        return tokenKeyPair().publicKeyPem;
    },
};

/**
 * What Azure and the TLS/random providers would compute for a ContainerHost (an assigned private
 * IP, a public IP, key and certificate PEMs); everything else echoes the inputs under mocks.
 */
export function azureMockOutputs(a: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
    switch (a.type) {
        case "azure-native:network:NetworkInterface":
            return { ipConfigurations: [{ ...a.inputs.ipConfigurations[0], privateIPAddress: "10.40.0.4" }] };
        case "azure-native:network:PublicIPAddress":
            return { ipAddress: "20.50.60.70", dnsSettings: a.inputs.dnsSettings ? { fqdn: `${a.inputs.dnsSettings.domainNameLabel}.westeurope.cloudapp.azure.com` } : undefined };
        case "azure-native:compute:VirtualMachine":
        case "azure-native:network:VirtualNetwork":
        case "azure-native:resources:ResourceGroup":
            return { name: `${a.name}-azure` };
        case "tls:index/privateKey:PrivateKey":
            return a.inputs.algorithm === "RSA" ? { ...MOCK_TOKEN_KEY } : { privateKeyPem: `PRIVATE-KEY-OF-${a.name}` };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `CSR-OF-${a.name}` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: `CERT-OF-${a.name}` };
        case "random:index/randomPassword:RandomPassword":
            return { result: "GENERATED-PASSWORD-1a!" };
        default:
            return undefined;
    }
}

/** Join tokens in Docker's format (50 + 25 base-36 characters), as the leader's Run Command would print them. */
export const MOCK_SWARM_TOKENS = {
    manager: `SWMTKN-1-${"m".repeat(48)}01-${"a".repeat(25)}`,
    worker: `SWMTKN-1-${"m".repeat(48)}01-${"b".repeat(25)}`,
};

/** The tokens as swarm-tokens.ps1 prints them: RSA-OAEP SHA-256 to the token key, base64, after the marker. */
export function mockTokenOutput(): string {
    return `WI-SWARM-TOKENS-RSA-OAEP-SHA256 ${publicEncrypt({ key: MOCK_TOKEN_KEY.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(JSON.stringify(MOCK_SWARM_TOKENS))).toString("base64")}\n`;
}

/** What Azure functions return: the token Run Command's instance view (read with $expand=instanceView). */
export function azureMockCalls(a: pulumi.runtime.MockCallArgs): Record<string, unknown> | undefined {
    if (a.token === "azure-native:compute:getVirtualMachineRunCommandByVirtualMachine") {
        return { instanceView: { output: mockTokenOutput(), exitCode: 0 } };
    }
    return undefined;
}
