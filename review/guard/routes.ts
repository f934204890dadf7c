/**
 * Which requests can start something, and how each is judged. Reads pass; of the rest only the
 * endpoints listed here as starting nothing pass unjudged, and a request the guard does not know
 * is refused: a new API endpoint that starts a container must not slip through by being new.
 */
import type { RequestPath } from "./requestPath";

export type Route =
    | { readonly kind: "pass" }
    | { readonly kind: "container-create" }
    | { readonly kind: "service-spec"; readonly update: boolean }
    | { readonly kind: "build" }
    | { readonly kind: "plugin-install" }
    | { readonly kind: "swarm-join" }
    | { readonly kind: "refuse"; readonly why: string };

const ID = "[^/]+";

/** POST endpoints that start nothing new (moby api/server/router/*), as path patterns. */
const POST_STARTS_NOTHING = [
    "auth", "containers/prune", `containers/${ID}/(stop|restart|kill|update|rename|pause|unpause|attach|wait|resize|exec)`,
    `exec/${ID}/(start|resize)`, "images/create", "images/load", "images/prune", `images/.+/(tag|push)`, "build/prune", "build/cancel", "commit",
    "networks/create", `networks/${ID}/(connect|disconnect)`, "networks/prune", "volumes/create", "volumes/prune",
    "swarm/(init|leave|update|unlock)", `nodes/${ID}/update`, `(secrets|configs)/create`, `(secrets|configs)/${ID}/update`,
    `plugins/${ID}/(enable|disable|push)`, `plugins/${ID}/${ID}/(enable|disable|push)`,
].map((p) => new RegExp(`^/${p}$`));

/** Starting a container created earlier: judged when it was created (the body is refused below). */
const CONTAINER_START = new RegExp(`^/containers/${ID}/start$`);
const SERVICE_UPDATE = new RegExp(`^/services/${ID}/update$`);
const PLUGIN_INSTALL = new RegExp(`^/plugins/(pull|create|${ID}/upgrade|${ID}/${ID}/upgrade|${ID}/set|${ID}/${ID}/set)$`);

export function routeOf(method: string, p: RequestPath, hasBody: boolean): Route {
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return { kind: "pass" };
    // Removal starts nothing. PUT's only endpoint copies files into a container.
    if (method === "DELETE") return { kind: "pass" };
    if (method === "PUT") return /^\/containers\/[^/]+\/archive$/.test(p.path) ? { kind: "pass" } : { kind: "refuse", why: `PUT ${p.path} is not an endpoint the guard knows` };
    if (method !== "POST") return { kind: "refuse", why: `method ${method} is not one the guard knows` };
    if (p.path === "/containers/create") return { kind: "container-create" };
    if (p.path === "/services/create") return { kind: "service-spec", update: false };
    if (SERVICE_UPDATE.test(p.path)) {
        // rollback=previous applies the service's previous spec, which the body does not show.
        if ((p.query.get("rollback") ?? "").toLowerCase() === "previous") return { kind: "refuse", why: "a service update with rollback=previous applies the previous spec, which the guard cannot see (it may predate the guard); send the spec to apply instead" };
        return { kind: "service-spec", update: true };
    }
    if (p.path === "/build") return { kind: "build" };
    if (PLUGIN_INSTALL.test(p.path)) return { kind: "plugin-install" };
    if (p.path === "/swarm/join") return { kind: "swarm-join" };
    if (CONTAINER_START.test(p.path)) {
        // Before API 1.24 a start could carry a HostConfig (privileged, binds, isolation) that the
        // daemon applied at start; such a body is not always forwarded, so old versions are refused.
        const old = p.version !== undefined && (p.version.major < 1 || (p.version.major === 1 && p.version.minor < 24));
        if (old || hasBody) return { kind: "refuse", why: "a container start with a host config (API before 1.24) changes what was judged at create; start without a body, with API 1.24 or newer" };
        return { kind: "pass" };
    }
    if (POST_STARTS_NOTHING.some((r) => r.test(p.path))) return { kind: "pass" };
    return { kind: "refuse", why: `POST ${p.path} is not an endpoint the guard knows to start nothing, and it may start a container the guard cannot judge (e.g. BuildKit's /grpc and /session)` };
}
