/**
 * How a pool of Windows hosts forms one Docker swarm: which nodes are managers, how the nodes
 * spread over availability zones, and which ports swarm needs between them.
 *
 * Managers: swarm keeps its state in Raft, which needs a majority of managers to answer.
 * Three managers survive the loss of one; two survive nothing more than one does, so a pool
 * has one manager until it has three hosts, then three. More than three adds Raft traffic
 * without surviving a zone loss better in a three-zone region.
 */
import { parseCidr } from "../azure/networkSources";

/** One port swarm needs between its nodes (Docker's swarm tutorial, "Open protocols and ports between the hosts"). */
export interface SwarmPort {
    readonly port: number;
    readonly protocol: "Tcp" | "Udp";
    readonly use: string;
}

/**
 * The ports swarm nodes talk on: docker/docs content/manuals/engine/swarm/swarm-tutorial/_index.md
 * ("Port 2377 TCP for communication with and between manager nodes; Port 7946 TCP/UDP for overlay
 * network node discovery; Port 4789 UDP (configurable) for overlay network traffic").
 * A pool opens them only between its own nodes.
 */
export const SWARM_PORTS: readonly SwarmPort[] = [
    { port: 2377, protocol: "Tcp", use: "swarm cluster management (managers)" },
    { port: 7946, protocol: "Tcp", use: "swarm node discovery" },
    { port: 7946, protocol: "Udp", use: "swarm node discovery" },
    { port: 4789, protocol: "Udp", use: "overlay network traffic (VXLAN)" },
];

/** Managers for a pool of `hostCount` hosts: 1 below three hosts, else 3. */
export function swarmManagerCount(hostCount: number): 1 | 3 {
    return hostCount >= 3 ? 3 : 1;
}

/**
 * A node's part in the swarm: the first inits it, managers and workers join it. A const object
 * plus a type of its values: Pulumi's component schema analyzer reads this shape as an enum.
 */
export const SwarmRole = { Init: "init", Manager: "manager", Worker: "worker" } as const;
export type SwarmRole = (typeof SwarmRole)[keyof typeof SwarmRole];

/** Roles of the pool's nodes in order: node 0 inits, the next managers join as managers. */
export function swarmRoles(hostCount: number): SwarmRole[] {
    const managers = swarmManagerCount(hostCount);
    return Array.from({ length: hostCount }, (_, i) => (i === 0 ? "init" : i < managers ? "manager" : "worker"));
}

/**
 * Zones for the nodes: an explicit zone per node wins; the rest go round robin over `zones`, so
 * the first three nodes (the managers of a pool of three or more) land in different zones.
 * An empty `zones` list means a region without zones: no zone at all.
 */
export function spreadOverZones(explicit: readonly (string | undefined)[], zones: readonly string[]): (string | undefined)[] {
    return explicit.map((z, i) => z ?? (zones.length === 0 ? undefined : zones[i % zones.length]));
}

const PRIVATE_IPV4_BLOCKS: readonly { readonly base: number; readonly prefix: number }[] = [
    { base: 10 * 2 ** 24, prefix: 8 },
    { base: (172 * 2 ** 24) + (16 * 2 ** 16), prefix: 12 },
    { base: (192 * 2 ** 24) + (168 * 2 ** 16), prefix: 16 },
];

/**
 * The address pool `docker swarm init` gets for overlay networks. Docker's default, 10.0.0.0/8,
 * overlaps any VNet subnet in 10/8 and then routes traffic for it into the overlay; this /16 is
 * outside 10/8 and is refused as a pool subnet below.
 */
export const SWARM_DEFAULT_ADDR_POOL = { cidr: "172.30.0.0/16", maskLength: 24 } as const;

/**
 * The pool subnet's prefix opens the swarm ports, so it must be one private IPv4 range
 * (RFC 1918), written as a CIDR. Returns problems naming the field, the value and the fix.
 */
export function checkPoolSubnetPrefix(prefix: unknown, field = "subnetAddressPrefix"): string[] {
    const cidr = typeof prefix === "string" && /\//.test(prefix) ? parseCidr(prefix) : undefined;
    if (cidr === undefined || cidr.family !== 4) {
        return [`${field} ${JSON.stringify(prefix)} must be the subnet's IPv4 address prefix as a CIDR (e.g. 10.40.0.0/24): the swarm ports are opened to it alone`];
    }
    const inside = PRIVATE_IPV4_BLOCKS.some((b) => cidr.prefix >= b.prefix && Math.floor(cidr.address / 2 ** (32 - b.prefix)) === Math.floor(b.base / 2 ** (32 - b.prefix)));
    if (!inside) {
        return [`${field} '${prefix}' is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); the swarm ports must only open to the pool's private subnet`];
    }
    const pool = parseCidr(SWARM_DEFAULT_ADDR_POOL.cidr)!;
    const shorter = Math.min(pool.prefix, cidr.prefix);
    if (Math.floor(Number(cidr.address) / 2 ** (32 - shorter)) === Math.floor(Number(pool.address) / 2 ** (32 - shorter))) {
        return [`${field} '${prefix}' overlaps ${SWARM_DEFAULT_ADDR_POOL.cidr}, the swarm's overlay address pool (--default-addr-pool); choose a subnet outside it (e.g. 10.40.0.0/24)`];
    }
    return [];
}
