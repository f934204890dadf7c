/**
 * What the three host classes (ExistingDockerHost, ContainerHost, ContainerHostPool) share: the
 * live parts' accessors, the Docker provider they create for their engine, and the swarm
 * bookkeeping.
 *
 * Mixed in (TypeScript's documented "applyMixins" pattern), not inherited: Pulumi's component
 * schema analyzer only takes a class that directly `extends ComponentResource` as a component
 * (analyzer.js isPulumiComponent) and publishes its own property declarations as outputs. The
 * accessors and methods mixed in here are neither, so from another language a host stays exactly
 * its plain facts. The parts live in a WeakMap for the same reason: a provider object or port
 * registry on the instance would be a property.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CapacityOptions, PoolNode } from "../../rules";
import { LiveHostParts, PublishedPortRegistry, SwarmCapacity } from "./host";

interface HostState {
    readonly live: LiveHostParts;
    nodes?: readonly PoolNode[];
    capacity?: SwarmCapacity;
}

const states = new WeakMap<object, HostState>();

function stateOf(host: object): HostState {
    const state = states.get(host);
    if (!state) throw new Error("host used before its constructor attached its engine");
    return state;
}

/** The accessors every host class gets through `shareHostAccessors`. */
export abstract class HostAccessors {
    /** Provider for the host's engine, ready after `readyResources` (TypeScript only: it cannot cross languages). */
    public get provider(): docker.Provider {
        return stateOf(this).live.provider;
    }
    /** Resources that must be ready before workloads are created (the bootstrap wait, the node labels; none for an engine you run). */
    public get readyResources(): pulumi.Resource[] {
        return stateOf(this).live.readyResources;
    }
    /** Published ports claimed by workloads on this host (swarm publishes on every node). */
    public get publishedPorts(): PublishedPortRegistry {
        return stateOf(this).live.publishedPorts;
    }
    /** The swarm nodes, labelled with their build and Hyper-V capability, when the host has several. */
    public swarmNodes(): readonly PoolNode[] | undefined {
        return states.get(this)?.nodes;
    }
    /** Capacity bookkeeping of the swarm nodes (TypeScript only). */
    public swarmCapacity(): SwarmCapacity | undefined {
        return states.get(this)?.capacity;
    }
}

/** Puts the shared accessors on a host class; its declaration merges `HostAccessors` for the types. */
export function shareHostAccessors(target: abstract new (...args: never[]) => object): void {
    for (const name of Object.getOwnPropertyNames(HostAccessors.prototype)) {
        if (name === "constructor") continue;
        Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(HostAccessors.prototype, name)!);
    }
}

/** How the provider reaches the engine; TLS material is passed as given (callers keep it secret). */
export interface EngineSettings {
    readonly host: pulumi.Input<string>;
    readonly caMaterial?: pulumi.Input<string>;
    readonly certMaterial?: pulumi.Input<string>;
    readonly keyMaterial?: pulumi.Input<string>;
}

/**
 * Creates the host's Docker provider (`<name>-docker`, a child of the host, after
 * `readyResources`) and records the live parts the accessors return.
 */
export function attachEngine(host: pulumi.ComponentResource, name: string, settings: EngineSettings, readyResources: pulumi.Resource[]): void {
    const opts = readyResources.length === 0 ? { parent: host } : { parent: host, dependsOn: readyResources };
    const provider = new docker.Provider(`${name}-docker`, { ...settings }, opts);
    states.set(host, { live: { provider, readyResources, publishedPorts: new PublishedPortRegistry() } });
}

/** Records the host's swarm nodes and starts its capacity bookkeeping (after `attachEngine`). */
export function attachSwarm(host: pulumi.ComponentResource, nodes: readonly PoolNode[], options: CapacityOptions): void {
    const state = stateOf(host);
    state.nodes = nodes;
    state.capacity = { options, demands: [] };
}
