import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CapacityOptions, PoolNode, WorkloadDemand } from "../../rules";

/**
 * What a workload needs to know about the Docker host it runs on. `ExistingDockerHost`
 * (an engine you already run) and `ContainerHost` (an Azure VM) both satisfy it.
 *
 * The facts are plain values on purpose: `WindowsContainer` validates its isolation against
 * them before it creates anything.
 *
 * The live parts (provider, ready resources, port registry) are accessors, not properties:
 * Pulumi's component schema analyzer skips accessors, so from another language a host is
 * exactly its plain facts (a provider object cannot cross languages; see docs/your-own-stack.md).
 * A class may implement them with readonly properties or getters.
 */
export interface WindowsDockerHost {
    /** Name used in messages and reports. */
    readonly hostName: string;
    /** Windows build of the host, e.g. 20348 for Windows Server 2022. */
    readonly osBuild: number;
    /** Whether the host can run Hyper-V isolated containers. */
    readonly hypervCapable: boolean;
    /** Logical CPUs of the host, when known; `cpus` above it is refused. */
    readonly cpuCount?: number;
    /** Provider for the host's Docker engine (a swarm manager). */
    get provider(): docker.Provider;
    /** Resources that must be ready before workloads are created (e.g. the bootstrap wait). */
    get readyResources(): pulumi.Resource[];
    /** Published ports already claimed by workloads on this host. */
    get publishedPorts(): PublishedPortRegistry;
    /**
     * For a swarm of several Windows nodes: the nodes, labelled with their build and Hyper-V
     * capability (`nodeLabels`). A workload's isolation is then decided over the nodes and it
     * gets placement constraints that keep it on nodes able to run it. Single hosts omit it.
     * A method (not data) so that the schema analyzer leaves it out, like the live parts.
     */
    swarmNodes?(): readonly PoolNode[] | undefined;
    /**
     * For a swarm whose nodes declare cpuCount and memoryMb: the capacity options and the demand
     * of the workloads declared so far (each WindowsContainer adds its own after its check).
     */
    swarmCapacity?(): SwarmCapacity | undefined;
}

/** Capacity bookkeeping of a swarm host: options plus the demand already placed on it. */
export interface SwarmCapacity {
    readonly options: CapacityOptions;
    readonly demands: WorkloadDemand[];
}

/** The plain facts of a host: all of a `WindowsDockerHost` that crosses languages. */
export type WindowsHostFacts = Pick<WindowsDockerHost, "hostName" | "osBuild" | "hypervCapable" | "cpuCount">;

/** The live parts of a host created in this program. */
export interface LiveHostParts {
    readonly provider: docker.Provider;
    readonly readyResources: pulumi.Resource[];
    readonly publishedPorts: PublishedPortRegistry;
}

/** Swarm publishes a port on every node, so one published port serves exactly one workload. */
export class PublishedPortRegistry {
    private readonly owners = new Map<string, string>();

    /** The workload that published `port/protocol`, if any. */
    ownerOf(port: number, protocol: string): string | undefined {
        return this.owners.get(`${port}/${protocol}`);
    }

    /** Records `port/protocol` for `owner`; callers check `ownerOf` first. */
    claim(port: number, protocol: string, owner: string): void {
        this.owners.set(`${port}/${protocol}`, owner);
    }
}

/** Port registries of hosts given as plain facts (from another language), one per host name. */
const factHostPorts = new Map<string, PublishedPortRegistry>();

/**
 * The live parts of `host`, or undefined when `host` is plain facts: what the engine hands a
 * component constructed from another language, where no provider object can travel.
 */
export function liveHostParts(host: WindowsDockerHost): LiveHostParts | undefined {
    const h = host as Partial<LiveHostParts>;
    if (!docker.Provider.isInstance(h.provider)) return undefined;
    return { provider: h.provider, readyResources: h.readyResources ?? [], publishedPorts: h.publishedPorts ?? publishedPortsOf(host.hostName) };
}

/** The port registry for a host known only by its facts; shared by every workload naming it. */
export function publishedPortsOf(hostName: string): PublishedPortRegistry {
    let registry = factHostPorts.get(hostName);
    if (!registry) {
        registry = new PublishedPortRegistry();
        factHostPorts.set(hostName, registry);
    }
    return registry;
}
