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

/** Join tokens in Docker's format (50 + 25 base-36 characters), as the leader's Run Command would print them. */
export const MOCK_SWARM_TOKENS = {
    manager: `SWMTKN-1-${"m".repeat(48)}01-${"a".repeat(25)}`,
    worker: `SWMTKN-1-${"m".repeat(48)}01-${"b".repeat(25)}`,
};

/** What Azure functions return: the token Run Command's instance view (read with $expand=instanceView). */
export function azureMockCalls(a: pulumi.runtime.MockCallArgs): Record<string, unknown> | undefined {
    if (a.token === "azure-native:compute:getVirtualMachineRunCommandByVirtualMachine") {
        return { instanceView: { output: `WI-SWARM-TOKENS ${JSON.stringify(MOCK_SWARM_TOKENS)}\n`, exitCode: 0 } };
    }
    return undefined;
}
