/**
 * Network exposure of a container host's management ports (Docker API, RDP, WinRM).
 *
 * Anyone who reaches the Docker API without mutual TLS is root on the host, and RDP/WinRM open
 * to the Internet are the classic Windows break-in path, so an NSG rule that lets the Internet
 * reach any of them is a violation whatever else protects the host.
 */

/** Ports that must never be reachable from the Internet: Docker API (plain, TLS), RDP, WinRM (HTTP, HTTPS). */
export const MANAGEMENT_PORTS: Readonly<Record<number, string>> = {
    2375: "Docker API (plain)",
    2376: "Docker API (TLS)",
    3389: "RDP",
    5985: "WinRM (HTTP)",
    5986: "WinRM (HTTPS)",
};

/**
 * Whether an NSG source address prefix means "anyone on the Internet": the `*`, `Internet` and
 * `Any` service tags, or an all-addresses CIDR (`0.0.0.0/0`, `::/0`, a bare `0.0.0.0`).
 */
export function isInternetSource(prefix: string): boolean {
    if (typeof prefix !== "string") return false;
    const p = prefix.trim().toLowerCase();
    if (p === "*" || p === "internet" || p === "any" || p === "0.0.0.0" || p === "::") return true;
    const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(p);
    return cidr !== null && Number(cidr[2]) === 0;
}

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
 * The management ports an inbound Allow rule opens to an Internet source, with one message per
 * port naming the rule, the source and the fix. Empty when the rule exposes none.
 */
export function exposedManagementPorts(rule: SecurityRuleFacts): { port: number; message: string }[] {
    if (String(rule.access ?? "").toLowerCase() !== "allow") return [];
    if (String(rule.direction ?? "").toLowerCase() !== "inbound") return [];
    const sources = [rule.sourceAddressPrefix, ...(rule.sourceAddressPrefixes ?? [])].filter((s): s is string => typeof s === "string");
    const internet = sources.filter(isInternetSource);
    if (internet.length === 0) return [];
    const ranges = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((r): r is string => typeof r === "string");
    const exposed: { port: number; message: string }[] = [];
    for (const port of Object.keys(MANAGEMENT_PORTS).map(Number)) {
        const range = ranges.find((r) => portRangeIncludes(r, port));
        if (range === undefined) continue;
        exposed.push({
            port,
            message: `inbound Allow from '${internet[0]}' on port range '${range}' exposes ${port} (${MANAGEMENT_PORTS[port]}) to the Internet; restrict the source to your management network or use Azure Bastion / a VPN`,
        });
    }
    return exposed;
}
