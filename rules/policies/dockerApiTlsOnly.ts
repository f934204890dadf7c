/**
 * docker-api-tls-only, the endpoint half: a Docker provider on tcp uses mutual TLS. The NSG half
 * (no rule opens the Docker API, RDP, WinRM or the swarm ports to the Internet) is
 * exposedManagementPorts in ../azure/network.ts, beside the rules the components build.
 */
import { endpointNeedsTls, parseDockerEndpoint } from "../docker/endpoint";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/**
 * docker-api-tls-only for a Docker provider: a tcp endpoint needs CA, client certificate and
 * key (material or a certPath). Other schemes (npipe, unix, ssh) are not network TLS questions.
 * A material that is unknown until deploy will be set, so it counts as present; an endpoint
 * unknown until deploy may be tcp, so it needs all three (fail closed).
 */
export function dockerEndpointProblem(facts: {
    readonly host?: unknown;
    readonly caMaterial?: unknown;
    readonly certMaterial?: unknown;
    readonly keyMaterial?: unknown;
    readonly certPath?: unknown;
}): string | undefined {
    const hostUnknown = facts.host === UNKNOWN_UNTIL_DEPLOY;
    if (!hostUnknown && (typeof facts.host !== "string" || !endpointNeedsTls(facts.host))) return undefined;
    const set = (v: unknown) => v === UNKNOWN_UNTIL_DEPLOY || (typeof v === "string" && v !== "");
    if (set(facts.certPath)) return undefined;
    const missing = (["caMaterial", "certMaterial", "keyMaterial"] as const).filter((k) => !set(facts[k]));
    if (missing.length === 0) return undefined;
    const endpoint = hostUnknown
        ? "Docker endpoint (not known until deploy, so possibly tcp)"
        : `Docker endpoint '${String(facts.host)}' ${parseDockerEndpoint(facts.host).ok ? "is tcp" : "(not a unix, npipe or ssh endpoint, so possibly tcp)"}`;
    return `${endpoint} without mutual TLS (${missing.join(", ")} missing): whoever reaches it is root on the host; set caMaterial, certMaterial and keyMaterial (dockerd with tlsverify on 2376)`;
}
