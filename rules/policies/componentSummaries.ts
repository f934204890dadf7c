/**
 * The contract between the components and their readers: what each component registers as its
 * inputs (plain facts, never a secret), and how a reader finds the host of a workload. The
 * components build these objects through the types and the policy pack and the plan read them
 * through the same types, so renaming a field breaks compilation instead of silently turning a
 * verdict into "unknown".
 */
import type { PoolNode } from "../swarm/placement";
import type { SwarmRole } from "../swarm/swarmPool";
import type { Trust } from "../os/isolation";
import type { IsolationMode } from "../os/compatibility";

/** Resource type tokens of the components, as the engine sends them. */
export const WINDOWS_CONTAINER_TYPE = "windows-isolation:index:WindowsContainer";
export const EXISTING_DOCKER_HOST_TYPE = "windows-isolation:index:ExistingDockerHost";
export const CONTAINER_HOST_TYPE = "windows-isolation:index:ContainerHost";
export const CONTAINER_HOST_POOL_TYPE = "windows-isolation:index:ContainerHostPool";

/** Host components whose inputs carry a `HostSummary` (the docker provider's parent). */
export const HOST_COMPONENT_TYPES: readonly string[] = [EXISTING_DOCKER_HOST_TYPE, CONTAINER_HOST_TYPE, CONTAINER_HOST_POOL_TYPE];

/** A WindowsContainer's inputs: the facts of its isolation decision. */
export interface WindowsContainerSummary {
    readonly host: string;
    readonly image: string;
    readonly trust: Trust;
    /** What the user asked for (null when not set). */
    readonly requestedIsolation: IsolationMode | null;
    /** The decided mode; null when the arguments were refused. */
    readonly isolation: IsolationMode | null;
    readonly imageOsBuild: number | null;
    /** The build of the host, or on a swarm of a node the workload is placed on. */
    readonly hostOsBuild: number;
    readonly hostHypervCapable: boolean;
    readonly replicas: number | null;
}

/** What every host component's inputs carry for the policies and the plan. */
export interface HostSummary {
    /** Undefined when the arguments did not name a known release (the component then throws). */
    readonly osBuild: number | undefined;
    readonly hypervCapable: boolean;
    /** Present for a swarm of several Windows nodes. */
    readonly swarmNodes?: readonly PoolNode[];
}

export interface ExistingDockerHostSummary extends HostSummary {
    readonly endpoint: string;
    readonly cpuCount: number | undefined;
}

/** The public endpoint as policies see it: who may reach the engine. */
export interface PublicEndpointSummary {
    readonly allowedClientCidrs: readonly string[];
    readonly dnsLabel?: string;
}

export interface ContainerHostSummary extends HostSummary {
    readonly vmSize: string | undefined;
    readonly windowsVersion: string;
    readonly publicEndpoint: PublicEndpointSummary | undefined;
    readonly securityType: string;
    readonly encryptionAtHost: boolean;
    readonly dockerVersion: string | undefined;
}

export interface PoolNodeSummary {
    readonly name: string;
    readonly role: SwarmRole;
    readonly windowsVersion: string;
    readonly vmSize: string;
    readonly zone: string | null;
}

export interface ContainerHostPoolSummary extends HostSummary {
    readonly count: number;
    readonly nodes: readonly PoolNodeSummary[];
    readonly swarmNodes: readonly PoolNode[];
    readonly publicEndpoint: PublicEndpointSummary | undefined;
    readonly subnetAddressPrefix: string;
    readonly securityType: string;
    readonly dockerVersion: string | undefined;
}

/**
 * A recorded summary as a reader meets it: the summary's own field names (renaming one breaks
 * every reader's compilation), each value not yet trusted (missing, of another type, or unknown
 * until deploy), so every reader still checks what it gets and fails closed.
 */
export type SummaryFacts<T> = { readonly [K in keyof T]?: unknown };

/** How a reader walks its own resource records (policy resources, recorded plan resources). */
export interface ResourceLinks<R> {
    readonly typeOf: (r: R) => string;
    readonly providerOf: (r: R) => R | undefined;
    readonly parentOf: (r: R) => R | undefined;
}

/**
 * The host of a workload: the workload's provider, and that provider's parent when it is one of
 * the host components (whose inputs are a `HostSummary`). Either may be missing: the default
 * provider, or a provider created outside a host component.
 */
export function hostOfWorkload<R>(workload: R, links: ResourceLinks<R>): { readonly provider?: R; readonly host?: R } {
    const provider = links.providerOf(workload);
    if (provider === undefined) return {};
    const parent = links.parentOf(provider);
    return parent !== undefined && HOST_COMPONENT_TYPES.includes(links.typeOf(parent)) ? { provider, host: parent } : { provider };
}
