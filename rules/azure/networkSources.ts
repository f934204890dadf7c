/**
 * Which network sources may reach a container host's management ports. One rule, used by the
 * ContainerHost and ContainerHostPool arguments check (checkAllowedClientCidrs, before anything
 * is created) and by the docker-api-tls-only policy (through exposedManagementPorts, network.ts).
 *
 * A Docker engine API gives root on the host to whoever reaches it; RDP and WinRM give a login
 * prompt to the whole Internet. So these ports may be opened only to named client ranges.
 */

/**
 * Management ports that must never be reachable from an Internet-wide source (the swarm ports
 * join them in NEVER_FROM_INTERNET_PORTS, network.ts).
 */
export const MANAGEMENT_PORTS: Readonly<Record<number, string>> = {
    2375: "Docker API without TLS",
    2376: "Docker API (mutual TLS)",
    3389: "RDP",
    5985: "WinRM over HTTP",
    5986: "WinRM over HTTPS",
};

/** The Docker engine's TLS port, the only management port ContainerHost opens. */
export const DOCKER_TLS_PORT = 2376;

/**
 * Azure NSG service tags and wildcards that mean "anyone": `*`/`Any`/`Internet`, and the tags
 * that cover every Azure customer's public addresses (an attacker can rent a VM there).
 */
const ANYONE_TAGS = new Set(["*", "any", "internet", "azurecloud"]);

/** Service tags whose sources stay inside the VNet or Azure's own probes. */
const INTERNAL_TAGS = new Set(["virtualnetwork", "azureloadbalancer"]);

export type ParsedCidr =
    | { readonly family: 4; readonly address: number; readonly prefix: number }
    | { readonly family: 6; readonly address: bigint; readonly prefix: number };

function parseIpv4(text: string): number | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0;
    for (const part of parts) {
        if (!/^\d{1,3}$/.test(part)) return undefined;
        const n = Number(part);
        if (n > 255) return undefined;
        value = value * 256 + n;
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    if (!/^[0-9a-f:.]+$/i.test(text) || text.split("::").length > 2) return undefined;
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const groups = (s: string) => (s === "" ? [] : s.split(":"));
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    const missing = 8 - h.length - t.length;
    if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
    const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...t];
    let value = 0n;
    for (const g of all) {
        if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
        value = (value << 16n) | BigInt(parseInt(g, 16));
    }
    return value;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or IPv6 CIDR; undefined when it is none. */
export function parseCidr(text: string): ParsedCidr | undefined {
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
    if (!m) return undefined;
    const v4 = parseIpv4(m[1]);
    if (v4 !== undefined) {
        const prefix = m[2] === undefined ? 32 : Number(m[2]);
        return prefix <= 32 ? { family: 4, address: v4, prefix } : undefined;
    }
    const v6 = parseIpv6(m[1]);
    if (v6 !== undefined) {
        const prefix = m[2] === undefined ? 128 : Number(m[2]);
        return prefix <= 128 ? { family: 6, address: v6, prefix } : undefined;
    }
    return undefined;
}

/** fc00::/7 (unique local) and fe80::/10 (link local) never route on the Internet. */
function ipv6InsidePrivate(c: { address: bigint; prefix: number }): boolean {
    const top = (bits: number) => c.address >> BigInt(128 - bits);
    return (c.prefix >= 7 && top(7) === 0x7en) || (c.prefix >= 10 && top(10) === 0x3fan);
}

/**
 * Whether `source` (an NSG source prefix) opens a port to the Internet at large: a wildcard or
 * "anyone" service tag, `0.0.0.0/0`/`::/0`, or a range so wide it must contain public addresses
 * (IPv4 shorter than /8: every /0-/7 holds public space; IPv6 shorter than /16 outside fc00::/7).
 * The VirtualNetwork and AzureLoadBalancer tags are not; any other text that is not an address
 * (an unknown tag, a typo) counts as Internet: fail closed.
 */
export function isInternetSource(source: string): boolean {
    const text = String(source).trim();
    if (ANYONE_TAGS.has(text.toLowerCase()) || text.toLowerCase().startsWith("azurecloud.")) return true;
    if (INTERNAL_TAGS.has(text.toLowerCase())) return false;
    const cidr = parseCidr(text);
    if (!cidr) return true;
    // The unspecified address (0.0.0.0, ::) is how tools spell "any": refuse it at every prefix.
    if (cidr.family === 4) return cidr.address === 0 || cidr.prefix < 8;
    if (cidr.address === 0n) return true;
    if (ipv6InsidePrivate(cidr)) return false;
    return cidr.prefix < 16;
}

/**
 * Checks the client ranges allowed to reach the Docker TLS port: at least one, each an IP
 * address or CIDR (no service tags: they are not "clients"), none Internet-wide.
 * Returns problems phrased with field, value, rule and fix; empty when fine.
 */
export function checkAllowedClientCidrs(cidrs: readonly string[], field = "publicEndpoint.allowedClientCidrs"): string[] {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
        return [`${field} is empty: a public endpoint nobody may reach is a mistake; list your clients' address ranges (e.g. 203.0.113.10/32) or leave publicEndpoint out`];
    }
    const problems: string[] = [];
    for (const c of cidrs) {
        if (typeof c === "string" && isInternetSource(c) && parseCidr(c) !== undefined) {
            problems.push(`${field} contains '${c}', which opens the Docker API (${DOCKER_TLS_PORT}) to the whole Internet; list only your clients' ranges (e.g. 203.0.113.10/32)`);
        } else if (typeof c !== "string" || parseCidr(c) === undefined) {
            problems.push(`${field} contains '${String(c)}', which is not an IP address or CIDR (service tags such as Internet, Any, * or AzureCloud are refused: they mean "anyone"); list your clients' ranges (e.g. 203.0.113.10/32)`);
        }
    }
    return problems;
}
