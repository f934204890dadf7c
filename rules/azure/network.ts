/**
 * Network exposure of a container host's management ports (Docker API, RDP, WinRM) and of a
 * pool's swarm ports (2377, 7946, 4789): the NSG half of the docker-api-tls-only policy.
 *
 * Anyone who reaches the Docker API without mutual TLS is root on the host, RDP/WinRM open to
 * the Internet are the classic Windows break-in path, and the swarm ports let a token holder
 * manage the swarm or inject overlay traffic, so an NSG rule that lets the Internet reach any of
 * them is a violation whatever else protects the host. Which sources count as the Internet is
 * decided once, in networkSources.ts.
 */
import { isInternetSource, MANAGEMENT_PORTS } from "./networkSources";
import { SWARM_PORTS } from "../swarm/swarmPool";

/**
 * Ports no NSG rule may open to the Internet: the management ports, and the swarm ports (2377
 * lets a token holder join and manage the swarm; 4789 carries unauthenticated VXLAN into the
 * overlay networks). Any protocol counts: a rule's protocol does not narrow the check (fail closed).
 */
export const NEVER_FROM_INTERNET_PORTS: Readonly<Record<number, string>> = {
    ...MANAGEMENT_PORTS,
    ...Object.fromEntries(SWARM_PORTS.map((p) => [p.port, `Docker ${p.use}`])),
};

/** Whether an NSG port range (`*`, `3389`, `3000-4000`) includes `port`. Unparseable ranges count as including it (fail closed). */
export function portRangeIncludes(range: string, port: number): boolean {
    const r = String(range).trim();
    if (r === "*") return true;
    const single = /^(\d+)$/.exec(r);
    if (single) return Number(single[1]) === port;
    const span = /^(\d+)\s*-\s*(\d+)$/.exec(r);
    if (span) return Number(span[1]) <= port && port <= Number(span[2]);
    return true;
}

/** The parts of an Azure NSG security rule that decide exposure (azure-native field names). */
export interface SecurityRuleFacts {
    readonly access?: string;
    readonly direction?: string;
    readonly sourceAddressPrefix?: string;
    readonly sourceAddressPrefixes?: readonly string[];
    readonly destinationPortRange?: string;
    readonly destinationPortRanges?: readonly string[];
}

/**
 * The ports of NEVER_FROM_INTERNET_PORTS (management and swarm ports) an inbound Allow rule opens
 * to an Internet source, with one message per port naming the rule, the source and the fix.
 * Empty when the rule exposes none (the name says management ports; it covers both).
 */
export function exposedManagementPorts(rule: SecurityRuleFacts): { port: number; message: string }[] {
    if (String(rule.access ?? "").toLowerCase() !== "allow") return [];
    if (String(rule.direction ?? "").toLowerCase() !== "inbound") return [];
    const sources = [rule.sourceAddressPrefix, ...(rule.sourceAddressPrefixes ?? [])].filter((s): s is string => typeof s === "string" && s.trim() !== "");
    const internet = sources.filter(isInternetSource);
    if (internet.length === 0) return [];
    const ranges = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((r): r is string => typeof r === "string");
    const exposed: { port: number; message: string }[] = [];
    for (const port of Object.keys(NEVER_FROM_INTERNET_PORTS).map(Number)) {
        const range = ranges.find((r) => portRangeIncludes(r, port));
        if (range === undefined) continue;
        exposed.push({
            port,
            message: `inbound Allow from '${internet[0]}' on port range '${range}' exposes ${port} (${NEVER_FROM_INTERNET_PORTS[port]}) to the Internet; restrict the source to your management network or use Azure Bastion / a VPN`,
        });
    }
    return exposed;
}
