/**
 * The Docker engine endpoint grammar, once for every caller (ExistingDockerHost, the TLS policy,
 * verify). It follows Docker's own `-H` parser (moby opts/hosts.go parseDockerDaemonHost and
 * ParseTCPAddr: the schemes tcp://, unix://, npipe://, fd://, plus ssh:// of the CLI's
 * connection helper), stricter where a guess would hide a mistake: the scheme is required
 * (Docker reads a bare `host:port` as tcp), a tcp endpoint names its host and port (Docker
 * fills in localhost:2375, the plain-text port), and a tcp path may only be `/` (a base path
 * behind a proxy is something no caller here follows, so it is refused, not ignored).
 */

export type DockerEndpoint =
    | { readonly kind: "tcp"; readonly host: string; readonly port: number }
    | { readonly kind: "unix"; readonly socketPath: string }
    | { readonly kind: "npipe"; readonly pipe: string }
    | { readonly kind: "ssh"; readonly destination: string }
    | { readonly kind: "fd"; readonly descriptor: string };

export type DockerEndpointKind = DockerEndpoint["kind"];

export type ParsedDockerEndpoint =
    | { readonly ok: true; readonly endpoint: DockerEndpoint }
    /** `reason` continues "<endpoint> ..." for a known scheme; undefined when the text is no endpoint at all. */
    | { readonly ok: false; readonly kind?: DockerEndpointKind; readonly reason?: string };

const TCP = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})\/?$/;
const NPIPE = /^\/\/[A-Za-z0-9.-]+\/pipe\/[A-Za-z0-9_.-]+$/;
const SSH = /^ssh:\/\/([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

export function parseDockerEndpoint(endpoint: unknown): ParsedDockerEndpoint {
    if (typeof endpoint !== "string") return { ok: false };
    if (endpoint.startsWith("tcp://")) {
        const m = TCP.exec(endpoint);
        if (!m) return { ok: false, kind: "tcp" };
        const port = Number(m[2]);
        if (port < 1 || port > 65535) return { ok: false, kind: "tcp", reason: `has port ${port}, outside 1-65535` };
        return { ok: true, endpoint: { kind: "tcp", host: m[1].replace(/^\[|\]$/g, ""), port } };
    }
    if (endpoint.startsWith("unix://")) {
        const socketPath = endpoint.slice("unix://".length);
        if (!socketPath.startsWith("/")) return { ok: false, kind: "unix", reason: "needs an absolute socket path, e.g. unix:///var/run/docker.sock" };
        return { ok: true, endpoint: { kind: "unix", socketPath } };
    }
    if (endpoint.startsWith("npipe://")) {
        const pipe = endpoint.slice("npipe://".length);
        if (!NPIPE.test(pipe)) return { ok: false, kind: "npipe", reason: "is not a named pipe; use npipe:////./pipe/docker_engine" };
        return { ok: true, endpoint: { kind: "npipe", pipe } };
    }
    if (endpoint.startsWith("ssh://")) {
        return SSH.test(endpoint) ? { ok: true, endpoint: { kind: "ssh", destination: endpoint.slice("ssh://".length) } } : { ok: false, kind: "ssh" };
    }
    if (endpoint.startsWith("fd://")) return { ok: true, endpoint: { kind: "fd", descriptor: endpoint.slice("fd://".length) } };
    return { ok: false };
}

/**
 * Whether reaching the endpoint is a network question that mutual TLS must answer. Only a
 * parsed local endpoint (unix, npipe, fd) or ssh (its own authentication) is not; anything
 * else, including text that is no endpoint (`http://h:2375`), may be tcp (fail closed).
 */
export function endpointNeedsTls(endpoint: string): boolean {
    const parsed = parseDockerEndpoint(endpoint);
    return !parsed.ok || parsed.endpoint.kind === "tcp";
}
