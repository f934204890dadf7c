/**
 * Example stack: one Windows host (or, in `prod`, a pool of three as one swarm), three workloads.
 * - `web`: a trusted IIS site on an image that matches the host, so it runs process isolated;
 * - `customer-job`: untrusted code, always Hyper-V isolated;
 * - `legacy-app`: a trusted ltsc2019 app on a 2022 host: only Hyper-V isolation can run it.
 */
import * as resources from "@pulumi/azure-native/resources";
// By the package's name, as a user's stack imports it: Node loads the built package (build/, its
// "exports"), so Pulumi's ts-node compiles and type-checks only this stack's files.
import { ContainerHost, ContainerHostPool, ExistingDockerHost, WindowsContainer, WindowsDockerHost, WindowsServerVersion } from "windows-isolation";
import { AzureHostSettings, ExistingHostSettings, PoolSettings, readStackSettings } from "./config";

const settings = readStackSettings();

function existingHost(s: ExistingHostSettings): ExistingDockerHost {
    return new ExistingDockerHost("winhost", {
        endpoint: s.endpoint,
        osBuild: s.osBuild,
        hypervCapable: s.hypervCapable,
        cpuCount: s.cpuCount,
        caPem: s.caPem,
        certPem: s.certPem,
        keyPem: s.keyPem,
        swarmNodes: s.swarmNodes,
    });
}

function azureHost(s: AzureHostSettings): ContainerHost {
    const resourceGroupName = s.resourceGroupName ?? new resources.ResourceGroup("winhost-rg", { location: s.location }).name;
    return new ContainerHost("winhost", {
        resourceGroupName,
        location: s.location,
        // Passed as given: ContainerHost refuses an unknown release with a clear message.
        windowsVersion: s.windowsVersion as WindowsServerVersion,
        vmSize: s.vmSize,
        subnetId: s.subnetId,
        publicEndpoint: s.allowedClientCidrs === undefined ? undefined : { allowedClientCidrs: s.allowedClientCidrs, dnsLabel: s.dnsLabel },
        adminUsername: s.adminUsername,
        zone: s.zone,
        dockerVersion: s.dockerVersion,
        encryptionAtHost: s.encryptionAtHost,
        allowUnlistedVmSize: s.allowUnlistedVmSize,
    });
}

function pool(s: PoolSettings): ContainerHostPool {
    const resourceGroupName = s.resourceGroupName ?? new resources.ResourceGroup("winpool-rg", { location: s.location }).name;
    return new ContainerHostPool("winpool", {
        resourceGroupName,
        location: s.location,
        count: s.count,
        windowsVersion: s.windowsVersion as WindowsServerVersion | undefined,
        // Passed as given: ContainerHostPool refuses an unknown release or size with a clear message.
        hosts: s.hosts?.map((h) => ({ ...h, windowsVersion: h.windowsVersion as WindowsServerVersion })),
        vmSize: s.vmSize,
        zones: s.zones,
        subnetId: s.subnetId,
        subnetAddressPrefix: s.subnetAddressPrefix,
        publicEndpoint: s.allowedClientCidrs === undefined ? undefined : { allowedClientCidrs: s.allowedClientCidrs, dnsLabel: s.dnsLabel },
        adminUsername: s.adminUsername,
        dockerVersion: s.dockerVersion,
        allowOvercommit: s.allowOvercommit,
    });
}

const host: WindowsDockerHost = settings.host.kind === "azure" ? azureHost(settings.host) : settings.host.kind === "pool" ? pool(settings.host) : existingHost(settings.host);

const web = new WindowsContainer("web", {
    host,
    image: `${settings.registry}/windows/servercore/iis:windowsservercore-ltsc2022`,
    trust: "trusted",
    isolation: settings.isolation["web"],
    ports: [{ target: 80, published: 8080 }],
    memoryMb: 1024,
    cpus: 1,
    replicas: 2,
});

const customerJob = new WindowsContainer("customer-job", {
    host,
    image: `${settings.registry}/windows/servercore:ltsc2022`,
    trust: "untrusted",
    isolation: settings.isolation["customer-job"],
    command: ["powershell", "-Command", "Write-Output 'hello from an isolated job'"],
    memoryMb: 2048,
    cpus: 2,
});

const legacyApp = new WindowsContainer("legacy-app", {
    host,
    image: `${settings.registry}/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019`,
    trust: "trusted",
    isolation: settings.isolation["legacy-app"],
    ports: [{ target: 80, published: 8081 }],
    memoryMb: 2048,
});

/** How to reach the Docker engine (for an Azure host: its address and the client TLS material). */
// What `npm run verify -- --stack-outputs <file>` reads (pulumi stack output --json --show-secrets).
// The client key stays a secret; on an existing host the operator already holds the TLS files.
const provisioned = host instanceof ContainerHost || host instanceof ContainerHostPool ? host : undefined;
export const dockerEndpoint = provisioned ? provisioned.dockerEndpoint : settings.host.kind === "existing" ? settings.host.endpoint : undefined;
export const dockerCaPem = provisioned?.caCertPem;
export const dockerCertPem = provisioned?.clientCertPem;
export const dockerKeyPem = provisioned?.clientKeyPem;
/**
 * The CI identity (CN windows-isolation-ci) for CI jobs and tenants: the hosts' guard lets it create
 * untrusted + hyperv work only. The deployer's certificate above (the stack's own) stays with ops.
 */
export const ciDockerCertPem = provisioned?.ciClientCertPem;
export const ciDockerKeyPem = provisioned?.ciClientKeyPem;
/** On a pool: every node's engine, since verify proves the containers of one engine at a time. */
export const nodeEndpoints = host instanceof ContainerHostPool ? Object.fromEntries(host.nodes.map((n) => [n.name, n.dockerEndpoint])) : undefined;
/** The VMs behind the engines, for `verify --azure-vm stack`: the host's own process list through Run Command. */
export const hostVmId = host instanceof ContainerHost ? host.vm.id : undefined;
export const nodeVmIds = host instanceof ContainerHostPool ? Object.fromEntries(host.nodes.map((n) => [n.name, n.vmId])) : undefined;

export const isolation = {
    web: web.isolation,
    customerJob: customerJob.isolation,
    legacyApp: legacyApp.isolation,
};
