/**
 * ContainerHostPool arguments, their defaults and their validation (pure: every mistake is
 * reported before anything exists in Azure). Each node is checked by ContainerHost's own rules.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkContainerHostArgs, ContainerHostArgs, computerNameFor, PublicEndpointArgs, ResolvedContainerHostArgs, resolveContainerHostArgs, WindowsServerVersion } from "./containerHostArgs";
import { DockerRelease } from "./dockerRelease";
import { NodeRelease } from "./nodeRelease";
import { OWN_SUBNET_CIDR } from "./ownNetwork";
import { checkPoolSubnetPrefix, FieldProblem, hypervOverheadProblem, inEntry, messagesOf, onField, PoolNode, spreadOverZones, SwarmRole, swarmRoles, vmSizeCapacity } from "../../rules";

/** One host of a pool, when hosts differ (e.g. a mix of ltsc2022 and ltsc2025). */
export interface PoolHostSpec {
    /** Windows Server release of this host: `ltsc2022` (build 20348) or `ltsc2025` (build 26100). */
    readonly windowsVersion: WindowsServerVersion;
    /** VM size of this host; defaults to the pool's `vmSize`. */
    readonly vmSize?: string;
    /** Availability zone of this host; defaults to the next of the pool's `zones`, round robin. */
    readonly zone?: string;
}

export interface ContainerHostPoolArgs {
    /** Resource group for every resource of the pool. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region; defaults to the provider's default location. */
    readonly location?: pulumi.Input<string>;
    /** Number of identical hosts (with `windowsVersion`); or give `hosts` instead. */
    readonly count?: number;
    /** Windows Server release of every host when `count` is given. */
    readonly windowsVersion?: WindowsServerVersion;
    /** The hosts one by one (they may mix releases and sizes); or give `count` instead. */
    readonly hosts?: PoolHostSpec[];
    /** VM size of hosts that do not name one; a series with documented nested virtualization. Default Standard_D4s_v5. */
    readonly vmSize?: string;
    /** Zones to spread the hosts over, round robin. Default ["1", "2", "3"]; [] in a region without zones. */
    readonly zones?: string[];
    /** Existing subnet for every host; without it the pool gets a VNet and subnet of its own (10.40.0.0/24). */
    readonly subnetId?: pulumi.Input<string>;
    /** The address prefix of `subnetId` (required with it): the swarm ports are opened to this range only. */
    readonly subnetAddressPrefix?: string;
    /** Give the first host (the swarm's first manager, where the pool's Docker provider points) a public IP reachable on 2376 from these clients only. */
    readonly publicEndpoint?: PublicEndpointArgs;
    /** Local administrator name on every host (each password is generated and kept secret). Default `wiadmin`. */
    readonly adminUsername?: string;
    /** Extra Azure tags for every resource; the container-host tag is added by the component. */
    readonly tags?: Record<string, string>;
    /** Docker engine to install on every host, pinned by version and SHA-256. */
    readonly dockerVersion?: DockerRelease;
    /** Node.js for Windows that runs the guard on every host, pinned by version and SHA-256. Default: DEFAULT_NODE_RELEASE. */
    readonly nodeVersion?: NodeRelease;
    /** Encryption at host on every VM; off by default because it fails on subscriptions without the feature. */
    readonly encryptionAtHost?: boolean;
    /** Accept VM sizes whose series is not in the nested-virtualization table (you checked them). */
    readonly allowUnlistedVmSize?: boolean;
    /** VM security type. Only `Standard` is accepted: Trusted Launch breaks Hyper-V in the VM. */
    readonly securityType?: string;
    /** How long each host's Run Command waits for its engine, in seconds. Default 1800. */
    readonly bootstrapTimeoutSeconds?: number;
    /** Let the workloads' declared memory and CPUs exceed the pool's (swarm then leaves tasks pending). Default false. */
    readonly allowOvercommit?: boolean;
    /** Utility VM allowance per Hyper-V replica in MiB for the capacity check. Default 1024 (hcsshim's default utility VM memory). */
    readonly hypervOverheadMb?: number;
}

/** Largest pool this component builds; past it, split the hosts into several pools. */
export const MAX_POOL_HOSTS = 100;
export const DEFAULT_POOL_ZONES: readonly string[] = ["1", "2", "3"];

/** One node of the pool as the component builds it. */
export interface PoolNodePlan {
    /** Index in the pool; resources are named `${pool}-${index}-...`. */
    readonly index: number;
    /** Windows computer name, which is also the swarm node's hostname (unique in the pool). */
    readonly computerName: string;
    readonly role: SwarmRole;
    readonly zone?: string;
    readonly resolved: ResolvedContainerHostArgs;
    /** The node as placement and capacity see it. */
    readonly node: PoolNode;
}

/** The host arguments of node `i`, as ContainerHost would take them. */
function hostArgsOf(args: ContainerHostPoolArgs, spec: PoolHostSpec): ContainerHostArgs {
    return {
        resourceGroupName: args.resourceGroupName,
        windowsVersion: spec.windowsVersion,
        vmSize: spec.vmSize ?? args.vmSize,
        zone: spec.zone,
        adminUsername: args.adminUsername,
        tags: args.tags,
        dockerVersion: args.dockerVersion,
        nodeVersion: args.nodeVersion,
        encryptionAtHost: args.encryptionAtHost,
        allowUnlistedVmSize: args.allowUnlistedVmSize,
        securityType: args.securityType,
        bootstrapTimeoutSeconds: args.bootstrapTimeoutSeconds,
        publicEndpoint: args.publicEndpoint,
    };
}

/** The host specs, from `count` + `windowsVersion` or from `hosts`. */
function specsOf(args: ContainerHostPoolArgs): PoolHostSpec[] {
    if (args.hosts !== undefined) return Array.isArray(args.hosts) ? args.hosts : [];
    const n = Number.isInteger(args.count) ? Math.min(args.count!, MAX_POOL_HOSTS) : 0;
    return Array.from({ length: Math.max(0, n) }, () => ({ windowsVersion: args.windowsVersion! }));
}

/**
 * Computer names `<pool>-<i>`, cut to Windows' 15 characters from the pool's end of the name
 * so that the index always survives and names stay unique.
 */
export function poolComputerName(poolName: string, index: number): string {
    const suffix = `-${index}`;
    const base = computerNameFor(poolName).slice(0, 15 - suffix.length).replace(/-+$/, "");
    return `${base === "" ? "wi" : base}${suffix}`;
}

/** Fields a pool's hosts set one by one: their problems name the host (`hosts[2].vmSize`). */
const PER_HOST_FIELDS: readonly string[] = ["windowsVersion", "vmSize", "zone"];

/** Every problem with the arguments, each naming the field, the value, the rule and the fix. */
export function checkContainerHostPoolArgs(args: ContainerHostPoolArgs): FieldProblem[] {
    if (args === null || typeof args !== "object") return [{ field: "args", message: "arguments are missing; pass { resourceGroupName, count and windowsVersion (or hosts), ... }" }];
    const problems: FieldProblem[] = [];
    const add = (field: string, message: string) => problems.push({ field, message });
    const hasCount = args.count !== undefined;
    const hasHosts = args.hosts !== undefined;
    if (hasCount === hasHosts) {
        add(hasCount ? "hosts" : "count", hasCount
            ? "count and hosts are both set; give count (with windowsVersion) for identical hosts, or hosts for a list, not both"
            : "neither count nor hosts is set; give count (with windowsVersion), e.g. count: 3, windowsVersion: 'ltsc2022', or hosts: [{ windowsVersion: 'ltsc2022' }, ...]");
    }
    if (hasCount) {
        if (!(Number.isInteger(args.count) && args.count! >= 1 && args.count! <= MAX_POOL_HOSTS)) {
            add("count", `count ${JSON.stringify(args.count)} must be a whole number from 1 to ${MAX_POOL_HOSTS}; for more hosts use several pools`);
        }
        if (args.windowsVersion === undefined) add("windowsVersion", "windowsVersion is required with count: 'ltsc2022' (build 20348) or 'ltsc2025' (build 26100); or list hosts one by one");
    } else if (args.windowsVersion !== undefined && hasHosts) {
        add("windowsVersion", "windowsVersion applies only with count; with hosts, set windowsVersion on each host");
    }
    if (hasHosts) {
        if (!Array.isArray(args.hosts) || args.hosts.length === 0 || args.hosts.length > MAX_POOL_HOSTS) {
            add("hosts", `hosts must list 1 to ${MAX_POOL_HOSTS} hosts, got ${Array.isArray(args.hosts) ? args.hosts.length : JSON.stringify(args.hosts)}`);
        }
    }
    const zones = args.zones ?? DEFAULT_POOL_ZONES;
    if (!Array.isArray(zones) || zones.some((z) => !["1", "2", "3"].includes(z)) || new Set(zones).size !== zones.length) {
        add("zones", `zones ${JSON.stringify(args.zones)} must list distinct zones out of "1", "2", "3" (or be [] in a region without zones)`);
    }
    if (args.subnetId !== undefined) {
        if (args.subnetAddressPrefix === undefined) {
            add("subnetAddressPrefix", "subnetAddressPrefix is required with subnetId: the swarm ports (2377/tcp, 7946/tcp+udp, 4789/udp) are opened to that range only; set it to the subnet's prefix, e.g. 10.1.2.0/24");
        } else {
            problems.push(...onField("subnetAddressPrefix", checkPoolSubnetPrefix(args.subnetAddressPrefix)));
        }
    } else if (args.subnetAddressPrefix !== undefined) {
        add("subnetAddressPrefix", `subnetAddressPrefix '${args.subnetAddressPrefix}' is set without subnetId; the pool's own subnet is ${OWN_SUBNET_CIDR}; remove it or give the subnetId it belongs to`);
    }
    const overhead = hypervOverheadProblem(args.hypervOverheadMb);
    if (overhead) add("hypervOverheadMb", overhead);
    if (args.allowOvercommit !== undefined && typeof args.allowOvercommit !== "boolean") {
        add("allowOvercommit", `allowOvercommit ${JSON.stringify(args.allowOvercommit)} must be true or false`);
    }
    // Each host by ContainerHost's rules; problems that every host shares are reported once.
    const seen = new Set<string>();
    // With a bad count, still check one host so that every other mistake shows at once.
    const specs = hasCount && specsOf(args).length === 0 ? [{ windowsVersion: args.windowsVersion! }] : specsOf(args);
    specs.forEach((spec, i) => {
        if (spec === null || typeof spec !== "object") {
            add(`hosts[${i}]`, `hosts[${i}] must be an object { windowsVersion, vmSize?, zone? }`);
            return;
        }
        // Without windowsVersion next to count, that one problem is already reported above.
        const hostProblems = checkContainerHostArgs(hostArgsOf(args, spec)).filter((p) => !(hasCount && p.field === "windowsVersion" && args.windowsVersion === undefined));
        for (const p of hostProblems) {
            const placed = hasHosts && PER_HOST_FIELDS.includes(p.field) ? inEntry("hosts", i, p) : p;
            if (!seen.has(placed.message)) {
                seen.add(placed.message);
                problems.push(placed);
            }
        }
    });
    return problems;
}

/** The problems as the text users see (ContainerHostPool joins them with "; "). */
export function validateContainerHostPoolArgs(args: ContainerHostPoolArgs): string[] {
    return messagesOf(checkContainerHostPoolArgs(args));
}

/** The nodes as the component builds them; call only after validateContainerHostPoolArgs returned no problem. */
export function planPoolNodes(poolName: string, args: ContainerHostPoolArgs): PoolNodePlan[] {
    const specs = specsOf(args);
    const roles = swarmRoles(specs.length);
    const zones = spreadOverZones(specs.map((s) => s.zone), args.zones ?? DEFAULT_POOL_ZONES);
    return specs.map((spec, index) => {
        const resolved = resolveContainerHostArgs(hostArgsOf(args, spec));
        const computerName = poolComputerName(poolName, index);
        const capacity = vmSizeCapacity(resolved.vmSize);
        return {
            index,
            computerName,
            role: roles[index],
            zone: zones[index],
            resolved,
            node: {
                name: computerName,
                osBuild: resolved.osBuild,
                hypervCapable: true,
                ...(capacity === undefined ? {} : { cpuCount: capacity.vcpus, memoryMb: capacity.memoryMb }),
            },
        };
    });
}

