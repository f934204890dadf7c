/**
 * Mutual TLS for a ContainerHost's engine (or a pool's engines): a CA of its own, a server
 * certificate per engine whose SANs cover every address clients use, and two client identities
 * that the guard on every host tells apart by their common name (docs/guard.md):
 * - the deployer (CN windows-isolation-deployer): the component's own Docker provider, the Pulumi
 *   stack and ops; the guard's only trusted identity, so it may create trusted (process) work;
 * - CI (CN windows-isolation-ci): for CI jobs and tenants; it may create untrusted + hyperv work
 *   only, so a job that holds it cannot mark customer code trusted.
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

/**
 * The common name of the deployer's client certificate: the one identity the guard's settings on
 * every host this project builds name in `trustedIdentities` (components/azure/bootstrap/guard.ts).
 */
export const DEPLOYER_CLIENT_CN = "windows-isolation-deployer";
/** The common name of the CI client certificate: never in `trustedIdentities`. */
export const CI_CLIENT_CN = "windows-isolation-ci";

/** The identities the guard on a built host lets create trusted work: exactly the deployer. */
export const TRUSTED_CLIENT_IDENTITIES: readonly string[] = [DEPLOYER_CLIENT_CN];

/** A CA of its own plus the two client identities its engines accept. */
export interface CertificateAuthority {
    /** Secret. */
    readonly caKeyPem: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;
    /** The deployer's certificate (CN DEPLOYER_CLIENT_CN): the Docker provider, `verify`, ops. */
    readonly clientCertPem: pulumi.Output<string>;
    /** The deployer's key. Secret. */
    readonly clientKeyPem: pulumi.Output<string>;
    /** The CI certificate (CN CI_CLIENT_CN): untrusted + hyperv work only. */
    readonly ciClientCertPem: pulumi.Output<string>;
    /** The CI key. Secret. */
    readonly ciClientKeyPem: pulumi.Output<string>;
}

/** A server certificate for one engine, signed by the CA. */
export interface ServerCertificate {
    readonly serverCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly serverKeyPem: pulumi.Output<string>;
}

/** One client identity signed by the CA: key, request, certificate (resources `<prefix>-key|csr|cert`). */
function clientCertificate(prefix: string, commonName: string, caKeyPem: pulumi.Output<string>, caCertPem: pulumi.Output<string>, parent: pulumi.Resource) {
    const key = ecdsaKey(`${prefix}-key`, parent);
    const csr = new tls.CertRequest(`${prefix}-csr`, {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName, organization: "windows-isolation" },
    }, { parent });
    const cert = new tls.LocallySignedCert(`${prefix}-cert`, {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKeyPem,
        caCertPem,
        validityPeriodHours: LEAF_HOURS,
        earlyRenewalHours: EARLY_RENEWAL_HOURS,
        allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
    }, { parent });
    return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}

/** Creates the CA and both client certificates as children of `parent` (one set per host, or per pool). */
export function createCertificateAuthority(name: string, parent: pulumi.Resource): CertificateAuthority {
    const caKey = ecdsaKey(`${name}-ca-key`, parent);
    const ca = new tls.SelfSignedCert(`${name}-ca`, {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: `${name} Docker CA`, organization: "windows-isolation" },
        validityPeriodHours: CA_HOURS,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    }, { parent });

    // `<name>-client-*` stays the deployer's, as the one client certificate was before CI got its own.
    const deployer = clientCertificate(`${name}-client`, DEPLOYER_CLIENT_CN, caKey.privateKeyPem, ca.certPem, parent);
    const ci = clientCertificate(`${name}-ci-client`, CI_CLIENT_CN, caKey.privateKeyPem, ca.certPem, parent);

    return {
        caKeyPem: pulumi.secret(caKey.privateKeyPem),
        caCertPem: ca.certPem,
        clientCertPem: deployer.certPem,
        clientKeyPem: deployer.keyPem,
        ciClientCertPem: ci.certPem,
        ciClientKeyPem: ci.keyPem,
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
