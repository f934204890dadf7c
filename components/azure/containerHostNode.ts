/**
 * One bootstrapped Windows engine VM: NIC (and a public IP when asked), admin password, server
 * certificate, VM, Custom Script Extension and the readiness wait that polls the engine from the
 * outside (HostReadiness: the guest may restart any number of times meanwhile).
 * ContainerHost builds one; ContainerHostPool builds one per node. Network security, the VNet
 * and the CA belong to the caller, which shares them between nodes.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bootstrapBundle, bootstrapFingerprint, bootstrapUserData, customScriptCommand, guestLogsHint, SwarmBootstrap } from "./bootstrap";
import { PublicEndpointArgs, ResolvedContainerHostArgs, WINDOWS_SERVER_IMAGES } from "./containerHostArgs";
import { CertificateAuthority, createServerCertificate, TRUSTED_CLIENT_IDENTITIES } from "./containerHostPki";
import { HostReadiness } from "./hostReadiness";
import { createdSecurityTypeProblem, DOCKER_TLS_PORT } from "../../rules";

export interface HostNodeArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location?: pulumi.Input<string>;
    readonly tags: Record<string, string>;
    readonly zone?: string;
    readonly subnetId: pulumi.Input<string>;
    readonly networkSecurityGroupId: pulumi.Input<string>;
    readonly publicEndpoint?: PublicEndpointArgs;
    readonly resolved: ResolvedContainerHostArgs;
    /** The Windows computer name, which is also the swarm node's hostname. */
    readonly computerName: string;
    readonly ca: CertificateAuthority;
    /**
     * The bundled guard's text (guardBundle.ts), read by the caller before it creates anything:
     * every node installs the guard, which daemon.json then names as its authorization plugin.
     */
    readonly guardScript: string;
    /** The node's part in a pool's swarm; without it the node inits a swarm of its own. */
    readonly swarm?: SwarmBootstrap;
    /** Who the node belongs to, for messages ("ContainerHost 'h'"). */
    readonly owner: string;
}

export interface HostNode {
    readonly vm: compute.VirtualMachine;
    readonly privateIp: pulumi.Output<string>;
    readonly publicIp?: pulumi.Output<string>;
    /** `tcp://<address>:2376`: the public IP with a public endpoint, else the private IP. */
    readonly dockerEndpoint: pulumi.Output<string>;
    /** Secret. */
    readonly adminPassword: pulumi.Output<string>;
    /** Created once the engine answers on its endpoint over mutual TLS with what the bootstrap installs. */
    readonly wait: HostReadiness;
}

/**
 * The VM's security type as Azure reports it after create; an error (rules/azure
 * createdSecurityType) when it is one that breaks Hyper-V. The bootstrap's inputs wait for it.
 */
export function checkCreatedSecurityType(vm: compute.VirtualMachine, owner: string, parent: pulumi.Resource): pulumi.Output<string> {
    return vm.securityProfile.apply((sp) => {
        const problem = createdSecurityTypeProblem(sp?.securityType);
        if (problem !== undefined) throw new pulumi.ResourceError(`${owner}: ${problem}`, parent);
        return sp?.securityType ?? "Standard";
    });
}

/** Creates the node's resources as children of `parent`, named from `name`. */
export function createHostNode(name: string, args: HostNodeArgs, parent: pulumi.Resource): HostNode {
    const r = args.resolved;
    const image = WINDOWS_SERVER_IMAGES[r.windowsVersion];
    const { resourceGroupName, location, tags } = args;
    const zones = args.zone === undefined ? undefined : [args.zone];
    const opts = { parent };

    let publicIpResource: network.PublicIPAddress | undefined;
    if (args.publicEndpoint !== undefined) {
        publicIpResource = new network.PublicIPAddress(`${name}-pip`, {
            resourceGroupName, location, tags, zones,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            dnsSettings: args.publicEndpoint.dnsLabel === undefined ? undefined : { domainNameLabel: args.publicEndpoint.dnsLabel },
        }, opts);
    }
    const nic = new network.NetworkInterface(`${name}-nic`, {
        resourceGroupName, location, tags,
        networkSecurityGroup: { id: args.networkSecurityGroupId },
        ipConfigurations: [{
            name: "primary",
            primary: true,
            subnet: { id: args.subnetId },
            privateIPAllocationMethod: "Dynamic",
            publicIPAddress: publicIpResource === undefined ? undefined : { id: publicIpResource.id },
        }],
    }, opts);
    const privateIp = nic.ipConfigurations.apply((c) => {
        const ip = c?.[0]?.privateIPAddress;
        if (!ip && !pulumi.runtime.isDryRun()) throw new pulumi.ResourceError(`${args.owner}: the NIC ${name}-nic has no private IP`, parent);
        return ip ?? "";
    });
    const publicIp = publicIpResource?.ipAddress.apply((ip) => ip ?? "");
    const publicFqdn = publicIpResource?.dnsSettings.apply((d) => d?.fqdn ?? "");

    // A generated admin password: no RDP/WinRM is opened; it is for the serial console.
    const password = new random.RandomPassword(`${name}-admin-password`, {
        length: 24, special: true, overrideSpecial: "!#%*-_=+", minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1,
    }, opts);
    const adminPassword = pulumi.secret(password.result);

    // The server certificate covers every address a client may dial.
    const server = createServerCertificate(name, args.ca, {
        ipAddresses: pulumi.all([privateIp, publicIp ?? ""]).apply(([a, b]) => [a, b].filter((x) => x !== "")),
        dnsNames: (publicFqdn ?? pulumi.output("")).apply((fqdn) => (fqdn === "" ? [] : [fqdn])),
    }, parent);

    // Public bootstrap files travel as user data; only the engine's key goes through the
    // extension's protected settings (and cmd.exe's 8191-character command line stays far away).
    // The guard: its settings trust exactly the deployer's certificate (the one this stack's Docker
    // provider uses), and state the daemon default from the daemon.json the bootstrap writes.
    const guard = { node: r.node, script: args.guardScript, trustedIdentities: TRUSTED_CLIENT_IDENTITIES };
    const material = pulumi.all([args.ca.caCertPem, server.serverCertPem]).apply(([caPem, serverCertPem]) => ({ caPem, serverCertPem, docker: r.docker, swarm: args.swarm, guard }));
    const userData = material.apply((m) => bootstrapUserData(bootstrapBundle(m)));

    const vm = new compute.VirtualMachine(`${name}-vm`, {
        resourceGroupName, location, tags, zones,
        hardwareProfile: { vmSize: r.vmSize },
        storageProfile: {
            imageReference: { ...image.image },
            osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" }, deleteOption: "Delete" },
        },
        osProfile: {
            computerName: args.computerName,
            adminUsername: r.adminUsername,
            adminPassword,
            windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
        },
        networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
        // Standard by leaving securityType out: Compute API 2024-11-01 (what azure-native sends)
        // refuses an explicit 'Standard' without a feature registration (AZURE_NATIVE_COMPUTE_API_VERSION).
        // No managed identity: every process on a host that runs untrusted code could ask IMDS for its token.
        securityProfile: { encryptionAtHost: r.encryptionAtHost },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        userData,
    }, opts);

    // What Azure created, read back: a Trusted Launch or confidential VM (a new default for Gen2
    // images, or a policy) cannot run Hyper-V; the bootstrap waits for this check and never starts there.
    const securityChecked = checkCreatedSecurityType(vm, args.owner, parent);
    const fingerprint = pulumi.all([material.apply(bootstrapFingerprint), securityChecked]).apply(([f]) => f);
    const commandToExecute = pulumi.secret(server.serverKeyPem.apply(customScriptCommand));
    const extension = new compute.VirtualMachineExtension(`${name}-bootstrap`, {
        resourceGroupName, location, tags,
        vmName: vm.name,
        publisher: "Microsoft.Compute",
        type: "CustomScriptExtension",
        typeHandlerVersion: "1.10",
        autoUpgradeMinorVersion: true,
        forceUpdateTag: fingerprint,
        settings: {},
        protectedSettings: { commandToExecute },
    }, { parent, dependsOn: [vm] });

    // Ready is judged from the outside: the endpoint over mutual TLS with the stack's client
    // certificate, the pinned version, the image's build, Hyper-V by default and (except a pool
    // node that waits to be joined) an active swarm. Phase 1's restart cannot cut this short.
    const address = publicIp ?? privateIp;
    const wait = new HostReadiness(`${name}-ready`, {
        host: address,
        port: DOCKER_TLS_PORT,
        caPem: args.ca.caCertPem,
        clientCertPem: args.ca.clientCertPem,
        clientKeyPem: args.ca.clientKeyPem,
        expected: { serverVersion: r.docker.version, osBuild: r.osBuild, defaultIsolation: "hyperv", swarmActive: args.swarm?.role !== "join" },
        timeoutSeconds: r.bootstrapTimeoutSeconds,
        guestLogs: pulumi.all([resourceGroupName, vm.name]).apply(([rg, vmName]) => guestLogsHint(rg, vmName)),
        bootstrapFingerprint: fingerprint,
    }, { parent, dependsOn: [extension] });

    return { vm, privateIp, publicIp, dockerEndpoint: pulumi.interpolate`tcp://${address}:${DOCKER_TLS_PORT}`, adminPassword, wait };
}
