/**
 * ContainerHost: a Windows Server VM on Azure with nested virtualization, bootstrapped to a
 * Docker engine (swarm manager) that listens on 2376 with mutual TLS and runs anything without
 * an explicit isolation mode under Hyper-V.
 *
 * Order of events: VM -> Custom Script Extension (phase 1: roles, TLS files, startup task, one
 * delayed restart) -> restart -> phase 2 (engine, daemon.json, firewall, swarm, ready marker)
 * -> Run Command waits for the marker -> docker provider -> workloads.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bootstrapBundle, bootstrapFingerprint, bootstrapScript, bootstrapUserData, customScriptCommand } from "./bootstrap";
import { ContainerHostArgs, computerNameFor, resolveContainerHostArgs, validateContainerHostArgs, WINDOWS_SERVER_IMAGES } from "./containerHostArgs";
import { hostSecurityRules } from "./containerHostNetwork";
import { createHostPki } from "./containerHostPki";
import { LiveHostParts, PublishedPortRegistry, WindowsDockerHost } from "./host";
import { CONTAINER_HOST_TAG, DOCKER_TLS_PORT } from "./windows";

export * from "./containerHostArgs";

/** Value of the CONTAINER_HOST_TAG on the VM: the engine's default isolation. */
export const CONTAINER_HOST_TAG_VALUE = "hyperv";

/** Address space of the VNet a ContainerHost creates when no subnetId is given. */
export const OWN_VNET_CIDR = "10.40.0.0/16";
export const OWN_SUBNET_CIDR = "10.40.0.0/24";

/**
 * Live parts kept outside the instance: class properties are what Pulumi's schema analyzer
 * publishes as outputs to other languages, and a provider object or registry cannot cross.
 */
const live = new WeakMap<ContainerHost, LiveHostParts>();

export class ContainerHost extends pulumi.ComponentResource implements WindowsDockerHost {
    public readonly hostName: string;
    public readonly osBuild: number;
    public readonly hypervCapable: boolean = true;
    public readonly cpuCount?: number;

    /** Provider for the engine, ready after the bootstrap wait (TypeScript only: it cannot cross languages). */
    public get provider(): docker.Provider {
        return live.get(this)!.provider;
    }
    /** The bootstrap wait: workloads are created after it. */
    public get readyResources(): pulumi.Resource[] {
        return live.get(this)!.readyResources;
    }
    /** Published ports claimed by workloads on this host. */
    public get publishedPorts(): PublishedPortRegistry {
        return live.get(this)!.publishedPorts;
    }

    /** The VM. */
    public readonly vm: compute.VirtualMachine;
    /** The private IP of the host's NIC. */
    public readonly privateIp: pulumi.Output<string>;
    /** The public IP, when publicEndpoint was given. */
    public readonly publicIp?: pulumi.Output<string>;
    /** `tcp://<address>:2376`: the public IP with a public endpoint, else the private IP. */
    public readonly dockerEndpoint: pulumi.Output<string>;
    /** CA certificate that signed the engine's certificate (public). */
    public readonly caCertPem: pulumi.Output<string>;
    /** Client certificate the engine trusts (public). */
    public readonly clientCertPem: pulumi.Output<string>;
    /** Client private key: a secret. */
    public readonly clientKeyPem: pulumi.Output<string>;
    /** Generated local administrator password: a secret. */
    public readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: ContainerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        // What policies see: a plain summary, never a secret.
        super("windows-isolation:index:ContainerHost", name, {
            vmSize: args?.vmSize,
            windowsVersion: args?.windowsVersion,
            publicEndpoint: args?.publicEndpoint === undefined ? undefined : { allowedClientCidrs: args.publicEndpoint.allowedClientCidrs, dnsLabel: args.publicEndpoint.dnsLabel },
            securityType: args?.securityType ?? "Standard",
            encryptionAtHost: args?.encryptionAtHost ?? false,
            dockerVersion: args?.dockerVersion?.version,
            // The host facts the policies read (as on ExistingDockerHost).
            osBuild: WINDOWS_SERVER_IMAGES[args?.windowsVersion as keyof typeof WINDOWS_SERVER_IMAGES]?.osBuild,
            hypervCapable: true,
        }, opts);
        const problems = validateContainerHostArgs(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`ContainerHost '${name}': ${problems.join("; ")}`, this);
        }
        const r = resolveContainerHostArgs(args);
        const image = WINDOWS_SERVER_IMAGES[r.windowsVersion];
        this.hostName = name;
        this.osBuild = r.osBuild;
        this.cpuCount = r.vcpus;
        const parent = { parent: this };
        const location = args.location;
        const resourceGroupName = args.resourceGroupName;
        const tags = { ...(args.tags ?? {}), [CONTAINER_HOST_TAG]: CONTAINER_HOST_TAG_VALUE };
        const zones = args.zone === undefined ? undefined : [args.zone];

        // Network: an NSG on the NIC (works for our subnet and for one you bring).
        const nsg = new network.NetworkSecurityGroup(`${name}-nsg`, {
            resourceGroupName, location, tags,
            securityRules: hostSecurityRules(args.publicEndpoint?.allowedClientCidrs),
        }, parent);
        let subnetId: pulumi.Input<string>;
        if (args.subnetId !== undefined) {
            subnetId = args.subnetId;
        } else {
            const vnet = new network.VirtualNetwork(`${name}-vnet`, {
                resourceGroupName, location, tags,
                addressSpace: { addressPrefixes: [OWN_VNET_CIDR] },
            }, { ...parent, ignoreChanges: ["subnets"] });
            // New VNets get private subnets by default; phase 2 must download the engine.
            const subnet = new network.Subnet(`${name}-subnet`, {
                resourceGroupName,
                virtualNetworkName: vnet.name,
                addressPrefix: OWN_SUBNET_CIDR,
                defaultOutboundAccess: true,
            }, parent);
            subnetId = subnet.id;
        }
        let publicIpResource: network.PublicIPAddress | undefined;
        if (args.publicEndpoint !== undefined) {
            publicIpResource = new network.PublicIPAddress(`${name}-pip`, {
                resourceGroupName, location, tags, zones,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                dnsSettings: args.publicEndpoint.dnsLabel === undefined ? undefined : { domainNameLabel: args.publicEndpoint.dnsLabel },
            }, parent);
        }
        const nic = new network.NetworkInterface(`${name}-nic`, {
            resourceGroupName, location, tags,
            networkSecurityGroup: { id: nsg.id },
            ipConfigurations: [{
                name: "primary",
                primary: true,
                subnet: { id: subnetId },
                privateIPAllocationMethod: "Dynamic",
                publicIPAddress: publicIpResource === undefined ? undefined : { id: publicIpResource.id },
            }],
        }, parent);
        this.privateIp = nic.ipConfigurations.apply((c) => {
            const ip = c?.[0]?.privateIPAddress;
            if (!ip && !pulumi.runtime.isDryRun()) throw new pulumi.ResourceError(`ContainerHost '${name}': the NIC has no private IP`, this);
            return ip ?? "";
        });
        this.publicIp = publicIpResource?.ipAddress.apply((ip) => ip ?? "");
        const publicFqdn = publicIpResource?.dnsSettings.apply((d) => d?.fqdn ?? "");

        // Credentials: a generated admin password (no RDP/WinRM is opened; it is for the serial console).
        const password = new random.RandomPassword(`${name}-admin-password`, {
            length: 24, special: true, overrideSpecial: "!#%*-_=+", minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1,
        }, parent);
        this.adminPassword = pulumi.secret(password.result);

        // TLS: the server certificate covers every address a client may dial.
        const pki = createHostPki(name, {
            ipAddresses: pulumi.all([this.privateIp, this.publicIp ?? ""]).apply(([a, b]) => [a, b].filter((x) => x !== "")),
            dnsNames: (publicFqdn ?? pulumi.output("")).apply((fqdn) => (fqdn === "" ? [] : [fqdn])),
        }, this);
        this.caCertPem = pki.caCertPem;
        this.clientCertPem = pki.clientCertPem;
        this.clientKeyPem = pki.clientKeyPem;

        // Public bootstrap files travel as user data; only the engine's key goes through the
        // extension's protected settings (and cmd.exe's 8191-character command line stays far away).
        const userData = pulumi.all([pki.caCertPem, pki.serverCertPem]).apply(([caPem, serverCertPem]) =>
            bootstrapUserData(bootstrapBundle({ caPem, serverCertPem, docker: r.docker })));

        const vm = new compute.VirtualMachine(`${name}-vm`, {
            resourceGroupName, location, tags, zones,
            hardwareProfile: { vmSize: r.vmSize },
            storageProfile: {
                imageReference: { ...image.image },
                osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" }, deleteOption: "Delete" },
            },
            osProfile: {
                computerName: computerNameFor(name),
                adminUsername: r.adminUsername,
                adminPassword: this.adminPassword,
                windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
            },
            networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
            // Standard, explicitly: newer Compute APIs default Gen2 images to Trusted Launch.
            securityProfile: { securityType: r.securityType, encryptionAtHost: r.encryptionAtHost },
            identity: { type: "SystemAssigned" },
            diagnosticsProfile: { bootDiagnostics: { enabled: true } },
            userData,
        }, parent);
        this.vm = vm;

        const fingerprint = pulumi.all([pki.caCertPem, pki.serverCertPem]).apply(([caPem, serverCertPem]) =>
            bootstrapFingerprint({ caPem, serverCertPem, docker: r.docker }));
        const commandToExecute = pulumi.secret(pki.serverKeyPem.apply(customScriptCommand));
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
        }, { parent: this, dependsOn: [vm] });

        const wait = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-wait-ready`, {
            resourceGroupName, location, tags,
            vmName: vm.name,
            source: { script: bootstrapScript("wait-ready.ps1") },
            parameters: [
                { name: "TimeoutSeconds", value: String(r.bootstrapTimeoutSeconds) },
                { name: "BootstrapFingerprint", value: fingerprint },
            ],
            asyncExecution: false,
            timeoutInSeconds: r.bootstrapTimeoutSeconds + 120,
            treatFailureAsDeploymentFailure: true,
        }, { parent: this, dependsOn: [extension] });

        const address = this.publicIp ?? this.privateIp;
        this.dockerEndpoint = pulumi.interpolate`tcp://${address}:${DOCKER_TLS_PORT}`;
        const provider = new docker.Provider(`${name}-docker`, {
            host: this.dockerEndpoint,
            caMaterial: pki.caCertPem,
            certMaterial: pki.clientCertPem,
            keyMaterial: pki.clientKeyPem,
        }, { parent: this, dependsOn: [wait] });
        live.set(this, { provider, readyResources: [wait], publishedPorts: new PublishedPortRegistry() });

        this.registerOutputs({
            osBuild: this.osBuild,
            hypervCapable: this.hypervCapable,
            cpuCount: this.cpuCount,
            privateIp: this.privateIp,
            publicIp: this.publicIp,
            dockerEndpoint: this.dockerEndpoint,
            caCertPem: this.caCertPem,
            clientCertPem: this.clientCertPem,
            clientKeyPem: this.clientKeyPem,
        });
    }
}
