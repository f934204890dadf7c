/**
 * Mutual TLS for a ContainerHost's engine (or a pool's engines): a CA of its own, a server
 * certificate per engine whose SANs cover every address clients use, and one client certificate
 * for the Docker provider.
 * ECDSA P-256 keeps the PEMs small (they travel inside the extension's command line).
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface HostPkiArgs {
    /** IP addresses the server certificate must cover (private, and public when present). */
    readonly ipAddresses: pulumi.Input<pulumi.Input<string>[]>;
    /** DNS names the server certificate must cover (the public FQDN when present). */
    readonly dnsNames: pulumi.Input<pulumi.Input<string>[]>;
}

const CA_HOURS = 5 * 365 * 24;
const LEAF_HOURS = 365 * 24;
/** A later `pulumi up` within 30 days of expiry replaces the leaf certificates. */
const EARLY_RENEWAL_HOURS = 30 * 24;

function ecdsaKey(name: string, parent: pulumi.Resource): tls.PrivateKey {
    return new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
}

/** A CA of its own plus the one client certificate the Docker provider (and `verify`) uses. */
export interface CertificateAuthority {
    /** Secret. */
    readonly caKeyPem: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;
    readonly clientCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly clientKeyPem: pulumi.Output<string>;
}

/** A server certificate for one engine, signed by the CA. */
export interface ServerCertificate {
    readonly serverCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly serverKeyPem: pulumi.Output<string>;
}

/** Creates the CA and the client certificate as children of `parent` (one per host, or one per pool). */
export function createCertificateAuthority(name: string, parent: pulumi.Resource): CertificateAuthority {
    const caKey = ecdsaKey(`${name}-ca-key`, parent);
    const ca = new tls.SelfSignedCert(`${name}-ca`, {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: `${name} Docker CA`, organization: "windows-isolation" },
        validityPeriodHours: CA_HOURS,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    }, { parent });

    const clientKey = ecdsaKey(`${name}-client-key`, parent);
    const clientCsr = new tls.CertRequest(`${name}-client-csr`, {
        privateKeyPem: clientKey.privateKeyPem,
        subject: { commonName: `${name}-client`, organization: "windows-isolation" },
    }, { parent });
    const clientCert = new tls.LocallySignedCert(`${name}-client-cert`, {
        certRequestPem: clientCsr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: LEAF_HOURS,
        earlyRenewalHours: EARLY_RENEWAL_HOURS,
        allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
    }, { parent });

    return {
        caKeyPem: pulumi.secret(caKey.privateKeyPem),
        caCertPem: ca.certPem,
        clientCertPem: clientCert.certPem,
        clientKeyPem: pulumi.secret(clientKey.privateKeyPem),
    };
}

/** Creates one engine's key and server certificate (SANs: every address clients dial) as children of `parent`. */
export function createServerCertificate(name: string, ca: CertificateAuthority, args: HostPkiArgs, parent: pulumi.Resource): ServerCertificate {
    const serverKey = ecdsaKey(`${name}-server-key`, parent);
    const serverCsr = new tls.CertRequest(`${name}-server-csr`, {
        privateKeyPem: serverKey.privateKeyPem,
        subject: { commonName: name, organization: "windows-isolation" },
        ipAddresses: args.ipAddresses,
        dnsNames: args.dnsNames,
    }, { parent });
    const serverCert = new tls.LocallySignedCert(`${name}-server-cert`, {
        certRequestPem: serverCsr.certRequestPem,
        caPrivateKeyPem: ca.caKeyPem,
        caCertPem: ca.caCertPem,
        validityPeriodHours: LEAF_HOURS,
        earlyRenewalHours: EARLY_RENEWAL_HOURS,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    }, { parent });
    return { serverCertPem: serverCert.certPem, serverKeyPem: pulumi.secret(serverKey.privateKeyPem) };
}
