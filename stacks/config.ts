import * as pulumi from "@pulumi/pulumi";
import type { windows } from "windows-isolation";

type IsolationMode = windows.IsolationMode;
type PoolNode = windows.PoolNode;

/** Stack settings for a Docker engine you already run (the `existing` host kind). */
export interface ExistingHostSettings {
    readonly kind: "existing";
    readonly endpoint: string;
    readonly osBuild: number;
    readonly hypervCapable: boolean;
    readonly cpuCount?: number;
    readonly caPem?: pulumi.Output<string>;
    readonly certPem?: pulumi.Output<string>;
    readonly keyPem?: pulumi.Output<string>;
    /** The swarm's Windows nodes, when the endpoint is a manager of several (checked by ExistingDockerHost). */
    readonly swarmNodes?: PoolNode[];
}

/** Stack settings for a ContainerHost the stack provisions on Azure (the `azure` host kind). */
export interface AzureHostSettings {
    readonly kind: "azure";
    /** Azure region for the resource group and the host. */
    readonly location: string;
    /** Existing resource group to use; without it the stack creates one. */
    readonly resourceGroupName?: string;
    readonly windowsVersion: string;
    readonly vmSize?: string;
    readonly subnetId?: string;
    readonly allowedClientCidrs?: string[];
    readonly dnsLabel?: string;
    readonly adminUsername?: string;
    readonly zone?: string;
    readonly dockerVersion?: { version: string; sha256: string; url?: string };
    readonly encryptionAtHost?: boolean;
    readonly allowUnlistedVmSize?: boolean;
}

/** One host of a pool as the stack lists it (checked by ContainerHostPool). */
export interface PoolHostSettings {
    readonly windowsVersion: string;
    readonly vmSize?: string;
    readonly zone?: string;
}

/** Stack settings for a ContainerHostPool the stack provisions on Azure (the `pool` host kind). */
export interface PoolSettings {
    readonly kind: "pool";
    readonly location: string;
    readonly resourceGroupName?: string;
    /** Identical hosts: a count with windowsVersion; or poolHosts, one by one. */
    readonly count?: number;
    readonly windowsVersion?: string;
    readonly hosts?: PoolHostSettings[];
    readonly vmSize?: string;
    readonly zones?: string[];
    readonly subnetId?: string;
    readonly subnetAddressPrefix?: string;
    readonly allowedClientCidrs?: string[];
    readonly dnsLabel?: string;
    readonly adminUsername?: string;
    readonly dockerVersion?: { version: string; sha256: string; url?: string };
    readonly allowOvercommit?: boolean;
}

export type HostSettings = ExistingHostSettings | AzureHostSettings | PoolSettings;

export interface StackSettings {
    readonly host: HostSettings;
    /** Registry prefix for the example images, e.g. `mcr.microsoft.com`. */
    readonly registry: string;
    /** Per-workload isolation overrides, passed to the components as given (they validate them). */
    readonly isolation: Readonly<Record<string, IsolationMode>>;
}

function configError(key: string, value: unknown, rule: string): Error {
    return new Error(`stack config windows-isolation:${key} = ${JSON.stringify(value)}: ${rule}`);
}

function wholeNumber(config: pulumi.Config, key: string, required: boolean): number | undefined {
    const raw = required ? config.require(key) : config.get(key);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw.trim())) throw configError(key, raw, "must be a whole number");
    return Number(raw);
}

function bool(config: pulumi.Config, key: string): boolean {
    const raw = config.require(key).trim();
    if (raw !== "true" && raw !== "false") throw configError(key, raw, "must be true or false");
    return raw === "true";
}

function optionalBool(config: pulumi.Config, key: string): boolean | undefined {
    return config.get(key) === undefined ? undefined : bool(config, key);
}

function stringList(config: pulumi.Config, key: string): string[] | undefined {
    const value = config.getObject<unknown>(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw configError(key, value, "must be a list of strings");
    return value;
}

function nodeList(config: pulumi.Config, key: string): PoolNode[] | undefined {
    const value = config.getObject<unknown>(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "object" && v !== null && !Array.isArray(v))) {
        throw configError(key, value, "must be a list of { name, osBuild, hypervCapable, cpuCount?, memoryMb? }");
    }
    return value as PoolNode[];
}

function readExistingHost(config: pulumi.Config): ExistingHostSettings {
    return {
        kind: "existing",
        endpoint: config.require("dockerEndpoint"),
        osBuild: wholeNumber(config, "hostOsBuild", true)!,
        hypervCapable: bool(config, "hostHypervCapable"),
        cpuCount: wholeNumber(config, "hostCpuCount", false),
        caPem: config.getSecret("dockerCaPem"),
        certPem: config.getSecret("dockerCertPem"),
        keyPem: config.getSecret("dockerKeyPem"),
        swarmNodes: nodeList(config, "swarmNodes"),
    };
}

function readAzureHost(config: pulumi.Config, requireVersion = true): AzureHostSettings {
    const docker = config.getObject<{ version: string; sha256: string; url?: string }>("dockerVersion");
    if (docker !== undefined && (typeof docker !== "object" || docker === null || Array.isArray(docker))) {
        throw configError("dockerVersion", docker, "must be an object { version, sha256, url? }");
    }
    return {
        kind: "azure",
        location: config.require("azureLocation"),
        resourceGroupName: config.get("azureResourceGroup"),
        windowsVersion: requireVersion ? config.require("windowsVersion") : config.get("windowsVersion") ?? "",
        vmSize: config.get("vmSize"),
        subnetId: config.get("subnetId"),
        allowedClientCidrs: stringList(config, "allowedClientCidrs"),
        dnsLabel: config.get("dnsLabel"),
        adminUsername: config.get("adminUsername"),
        zone: config.get("zone"),
        dockerVersion: docker,
        encryptionAtHost: optionalBool(config, "encryptionAtHost"),
        allowUnlistedVmSize: optionalBool(config, "allowUnlistedVmSize"),
    };
}

function poolHostList(config: pulumi.Config, key: string): PoolHostSettings[] | undefined {
    const value = config.getObject<unknown>(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "object" && v !== null && !Array.isArray(v))) {
        throw configError(key, value, "must be a list of { windowsVersion, vmSize?, zone? }");
    }
    return value as PoolHostSettings[];
}

function readPool(config: pulumi.Config): PoolSettings {
    const azure = readAzureHost(config, false);
    return {
        kind: "pool",
        location: azure.location,
        resourceGroupName: azure.resourceGroupName,
        count: wholeNumber(config, "poolCount", false),
        windowsVersion: config.get("windowsVersion"),
        hosts: poolHostList(config, "poolHosts"),
        vmSize: azure.vmSize,
        zones: stringList(config, "zones"),
        subnetId: azure.subnetId,
        subnetAddressPrefix: config.get("subnetAddressPrefix"),
        allowedClientCidrs: azure.allowedClientCidrs,
        dnsLabel: azure.dnsLabel,
        adminUsername: azure.adminUsername,
        dockerVersion: azure.dockerVersion,
        allowOvercommit: optionalBool(config, "allowOvercommit"),
    };
}

/** Reads and type-checks the stack's config; the components then check the rules. */
export function readStackSettings(config: pulumi.Config = new pulumi.Config("windows-isolation")): StackSettings {
    const kind = config.get("hostKind") ?? "existing";
    if (kind !== "existing" && kind !== "azure" && kind !== "pool") throw configError("hostKind", kind, "must be 'existing', 'azure' or 'pool'");
    const host = kind === "azure" ? readAzureHost(config) : kind === "pool" ? readPool(config) : readExistingHost(config);
    const isolation = config.getObject<Record<string, IsolationMode>>("isolation") ?? {};
    if (typeof isolation !== "object" || Array.isArray(isolation)) {
        throw configError("isolation", isolation, "must be a map of workload name to 'process' or 'hyperv'");
    }
    return { host, registry: config.get("registry") ?? "mcr.microsoft.com", isolation };
}
