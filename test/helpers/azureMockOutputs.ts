import * as pulumi from "@pulumi/pulumi";

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
            return { privateKeyPem: `PRIVATE-KEY-OF-${a.name}` };
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
