/**
 * ContainerHost: a Windows Server VM on Azure with nested virtualization, bootstrapped to a
 * Docker engine (swarm manager) that listens on 2376 with mutual TLS and runs anything without
 * an explicit isolation mode under Hyper-V.
 *
 * Order of events: VM -> Custom Script Extension (phase 1: roles, TLS files, startup task, one
 * delayed restart) -> restart -> phase 2 (engine, Node.js and the guard, daemon.json naming the
 * guard as authorization plugin, firewall, swarm, ready marker)
 * -> HostReadiness polls the engine over mutual TLS from outside until it is ready -> docker
 * provider -> workloads.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { ContainerHostArgs, computerNameFor, resolveContainerHostArgs, validateContainerHostArgs, WINDOWS_SERVER_IMAGES } from "./containerHostArgs";
import { hostSecurityRules } from "./containerHostNetwork";
import { createHostNode } from "./containerHostNode";
import { createCertificateAuthority } from "./containerHostPki";
import { readGuardBundle } from "./guardBundle";
import { createOwnSubnet } from "./ownNetwork";
import { WindowsDockerHost } from "../host/host";
import { attachEngine, HostAccessors, shareHostAccessors } from "../host/hostParts";
import { CONTAINER_HOST_TAG, CONTAINER_HOST_TYPE, ContainerHostSummary } from "../../rules";

export * from "./containerHostArgs";

/** Value of the CONTAINER_HOST_TAG on the VM: the engine's default isolation. */
export const CONTAINER_HOST_TAG_VALUE = "hyperv";

export { OWN_SUBNET_CIDR, OWN_VNET_CIDR } from "./ownNetwork";

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the accessors are mixed in by shareHostAccessors (hostParts.ts)
export class ContainerHost extends pulumi.ComponentResource implements WindowsDockerHost {
    public readonly hostName: string;
    public readonly osBuild: number;
    public readonly hypervCapable: boolean = true;
    public readonly cpuCount?: number;

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
    /**
     * The deployer's client certificate (CN windows-isolation-deployer, public): the only identity
     * the host's guard lets create trusted work. For the Pulumi stack and ops; this component's
     * Docker provider uses it. Never give it to CI jobs or tenants.
     */
    public readonly clientCertPem: pulumi.Output<string>;
    /** The deployer's private key: a secret. */
    public readonly clientKeyPem: pulumi.Output<string>;
    /** The CI client certificate (CN windows-isolation-ci, public): untrusted + hyperv work only. */
    public readonly ciClientCertPem: pulumi.Output<string>;
    /** The CI private key: a secret. */
    public readonly ciClientKeyPem: pulumi.Output<string>;
    /** Generated local administrator password: a secret. */
    public readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: ContainerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CONTAINER_HOST_TYPE, name, { ...summary(args) }, opts);
        const problems = validateContainerHostArgs(args);
        // Every host gets the guard: without its bundle nothing is created (reported with the arguments' problems).
        const guardScript = readGuardBundle();
        const all = guardScript.ok ? problems : [...problems, guardScript.problem];
        if (all.length > 0 || !guardScript.ok) {
            throw new pulumi.ResourceError(`ContainerHost '${name}': ${all.join("; ")}`, this);
        }
        const r = resolveContainerHostArgs(args);
        this.hostName = name;
        this.osBuild = r.osBuild;
        this.cpuCount = r.vcpus;
        const parent = { parent: this };
        const location = args.location;
        const resourceGroupName = args.resourceGroupName;
        const tags = { ...(args.tags ?? {}), [CONTAINER_HOST_TAG]: CONTAINER_HOST_TAG_VALUE };

        // Network: an NSG on the NIC (works for our subnet and for one you bring).
        const nsg = new network.NetworkSecurityGroup(`${name}-nsg`, {
            resourceGroupName, location, tags,
            securityRules: hostSecurityRules(args.publicEndpoint?.allowedClientCidrs),
        }, parent);
        const subnetId = args.subnetId ?? createOwnSubnet(name, { resourceGroupName, location, tags }, this);
        const ca = createCertificateAuthority(name, this);
        const node = createHostNode(name, {
            resourceGroupName, location, tags,
            zone: args.zone,
            subnetId,
            networkSecurityGroupId: nsg.id,
            publicEndpoint: args.publicEndpoint,
            resolved: r,
            computerName: computerNameFor(name),
            ca,
            guardScript: guardScript.text,
            owner: `ContainerHost '${name}'`,
        }, this);
        this.vm = node.vm;
        this.privateIp = node.privateIp;
        this.publicIp = node.publicIp;
        this.adminPassword = node.adminPassword;
        this.caCertPem = ca.caCertPem;
        this.clientCertPem = ca.clientCertPem;
        this.clientKeyPem = ca.clientKeyPem;
        this.ciClientCertPem = ca.ciClientCertPem;
        this.ciClientKeyPem = ca.ciClientKeyPem;
        this.dockerEndpoint = node.dockerEndpoint;
        const wait = node.wait;
        attachEngine(this, name, { host: this.dockerEndpoint, caMaterial: ca.caCertPem, certMaterial: ca.clientCertPem, keyMaterial: ca.clientKeyPem }, [wait]);

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
            ciClientCertPem: this.ciClientCertPem,
            ciClientKeyPem: this.ciClientKeyPem,
        });
    }
}

/** What policies see: a plain summary, never a secret (args may be anything from another language). */
function summary(args: ContainerHostArgs): ContainerHostSummary {
    return {
        vmSize: args?.vmSize,
        windowsVersion: args?.windowsVersion,
        publicEndpoint: args?.publicEndpoint === undefined ? undefined : { allowedClientCidrs: args.publicEndpoint.allowedClientCidrs, dnsLabel: args.publicEndpoint.dnsLabel },
        securityType: args?.securityType ?? "Standard",
        encryptionAtHost: args?.encryptionAtHost ?? false,
        dockerVersion: args?.dockerVersion?.version,
        // The host facts the policies read (as on ExistingDockerHost).
        osBuild: WINDOWS_SERVER_IMAGES[args?.windowsVersion as keyof typeof WINDOWS_SERVER_IMAGES]?.osBuild,
        hypervCapable: true,
    };
}

// The live parts' accessors, shared by every host class (see hostParts.ts for why a mixin).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ContainerHost extends HostAccessors {}
shareHostAccessors(ContainerHost);
