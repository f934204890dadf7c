/**
 * The NSG rules of a ContainerHost and of a ContainerHostPool, as pure functions so a property
 * test can check every argument combination. Azure's default rules still apply below them: VNet
 * traffic is allowed (clients inside the VNet reach 2376 over the private IP; a pool denies its
 * swarm ports to the rest of the VNet itself), everything else inbound is denied.
 */
import { DOCKER_TLS_PORT, MANAGEMENT_PORTS, SWARM_PORTS } from "../../rules";

export interface HostSecurityRule {
    readonly name: string;
    readonly priority: number;
    readonly direction: "Inbound";
    readonly access: "Allow" | "Deny";
    readonly protocol: "Tcp" | "Udp";
    readonly sourceAddressPrefix?: string;
    readonly sourceAddressPrefixes?: string[];
    readonly sourcePortRange: "*";
    readonly destinationAddressPrefix: string;
    readonly destinationPortRange?: string;
    readonly destinationPortRanges?: string[];
}

/**
 * Allow 2376 from the listed clients (only with a public endpoint), and deny every management
 * port (MANAGEMENT_PORTS: 2375, 2376, 3389, 5985, 5986) from the Internet explicitly, so that a
 * later, broader allow rule added by hand is still shadowed for these ports. The swarm ports are
 * a pool's concern (poolSecurityRules).
 * Call only with client CIDRs that passed checkAllowedClientCidrs.
 */
export function hostSecurityRules(allowedClientCidrs: readonly string[] | undefined): HostSecurityRule[] {
    const rules: HostSecurityRule[] = [];
    if (allowedClientCidrs !== undefined && allowedClientCidrs.length > 0) {
        rules.push({
            name: "allow-docker-tls-from-clients",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefixes: [...allowedClientCidrs],
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: String(DOCKER_TLS_PORT),
        });
    }
    rules.push({
        name: "deny-management-from-internet",
        priority: 4000,
        direction: "Inbound",
        access: "Deny",
        protocol: "Tcp",
        sourceAddressPrefix: "Internet",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRanges: Object.keys(MANAGEMENT_PORTS),
    });
    return rules;
}

/**
 * A pool's NSG: the host rules, plus each swarm port allowed from the pool's subnet to the pool's
 * subnet and denied from every other source. The deny matters: Azure's default
 * AllowVnetInBound (65000) would otherwise let the whole VNet, and peered VNets, reach the
 * swarm's management port and its unauthenticated VXLAN port.
 * Call only with a subnet prefix that passed checkPoolSubnetPrefix.
 */
export function poolSecurityRules(allowedClientCidrs: readonly string[] | undefined, subnetPrefix: string): HostSecurityRule[] {
    const allow: HostSecurityRule[] = SWARM_PORTS.map((p, i) => ({
        name: `allow-swarm-${p.port}-${p.protocol.toLowerCase()}-from-pool`,
        priority: 200 + i,
        direction: "Inbound",
        access: "Allow",
        protocol: p.protocol,
        sourceAddressPrefix: subnetPrefix,
        sourcePortRange: "*",
        destinationAddressPrefix: subnetPrefix,
        destinationPortRange: String(p.port),
    }));
    const deny: HostSecurityRule[] = SWARM_PORTS.map((p, i) => ({
        name: `deny-swarm-${p.port}-${p.protocol.toLowerCase()}-from-elsewhere`,
        priority: 300 + i,
        direction: "Inbound",
        access: "Deny",
        protocol: p.protocol,
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: String(p.port),
    }));
    const host = hostSecurityRules(allowedClientCidrs);
    return [...host.filter((r) => r.access === "Allow"), ...allow, ...deny, ...host.filter((r) => r.access === "Deny")];
}
