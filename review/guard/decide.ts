/**
 * The guard's decision on one request, from the request alone: pure, so that the unit and
 * property tests call exactly what the server calls. Fails closed: a judged request without a
 * body (CVE-2024-41110: `Content-Length: 0` reached plugins without it), with a body that is not
 * JSON or too big, or one that throws inside the guard, is refused with the rule named.
 */
import type { Caller } from "../../rules/guard/trustedIdentity";
import { duplicateKey } from "./duplicateKeys";
import { judgeBuild } from "./judge/build";
import { judgeContainerCreate } from "./judge/container";
import { AmbiguousField, Finding, GUARD_ERROR, NOT_ALLOWED_HERE, UNREADABLE_REQUEST } from "./judge/finding";
import { judgeServiceSpec } from "./judge/service";
import { AuthZRequest, MAX_FORWARDED_BODY } from "./protocol";
import { readRequestPath } from "./requestPath";
import { routeOf } from "./routes";
import type { GuardSettings } from "./settings";

export type Decision = { readonly allow: true } | { readonly allow: false; readonly findings: readonly Finding[] };

const refuse = (rule: string, message: string): Decision => ({ allow: false, findings: [{ rule, message }] });

/** The JSON body of a judged request, or why the guard cannot judge it. */
function jsonBody(req: AuthZRequest, what: string): { ok: true; value: unknown } | { ok: false; decision: Decision } {
    if (req.body === undefined || req.body.length === 0) {
        return { ok: false, decision: refuse(UNREADABLE_REQUEST, `${what} reached the guard without a body (sent with Content-Length 0, chunked, over the daemon's forward limit or not as application/json; CVE-2024-41110), so the guard cannot see what it would start; send the JSON body with its Content-Length and Content-Type application/json`) };
    }
    if (req.body.length > MAX_FORWARDED_BODY) {
        return { ok: false, decision: refuse(UNREADABLE_REQUEST, `${what} has a ${req.body.length}-byte body, over the ${MAX_FORWARDED_BODY} bytes the guard judges; send a smaller spec`) };
    }
    const text = req.body.toString("utf8");
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return { ok: false, decision: refuse(UNREADABLE_REQUEST, `${what} has a body that is not JSON, so the guard cannot see what it would start; send the spec as JSON`) };
    }
    const twice = duplicateKey(text);
    if (twice !== undefined) {
        return { ok: false, decision: refuse(UNREADABLE_REQUEST, `${what} has a body with the key ${JSON.stringify(twice.slice(0, 100))} twice in one object, which the daemon merges and JSON readers do not; send each key once`) };
    }
    return { ok: true, value };
}

/** A body other than nothing, `{}` or `null` (what clients send with a plain start). */
function carriesSomething(body: Buffer | undefined): boolean {
    const text = body?.toString("utf8").trim() ?? "";
    return text !== "" && text !== "{}" && text !== "null";
}

function fromFindings(found: readonly Finding[]): Decision {
    return found.length === 0 ? { allow: true } : { allow: false, findings: found };
}

function judge(req: AuthZRequest, settings: GuardSettings): Decision {
    const p = readRequestPath(req.uri);
    if (!p) return refuse(UNREADABLE_REQUEST, `the request path ${JSON.stringify(req.uri.slice(0, 200))} cannot be decoded, so the guard cannot say what it addresses`);
    const route = routeOf(req.method, p, carriesSomething(req.body));
    const caller: Caller = { user: req.user, authNMethod: req.authNMethod };
    const what = `${req.method} ${p.path}`;
    switch (route.kind) {
        case "pass":
            return { allow: true };
        case "refuse":
            return refuse(UNREADABLE_REQUEST, route.why);
        case "plugin-install":
            return settings.allowPluginInstall ? { allow: true } : refuse(NOT_ALLOWED_HERE, `${what} installs a managed plugin, which runs privileged on the host; this guard's settings do not allow plugin installs (allowPluginInstall)`);
        case "swarm-join":
            // A local caller has no TLS identity (the pipe or socket only administrators open).
            if (settings.allowSwarmJoin || (settings.allowLocalSwarmJoin && caller.authNMethod === "")) return { allow: true };
            return refuse(NOT_ALLOWED_HERE, `${what} joins this engine to a swarm, whose managers then start services here; this guard's settings do not allow swarm joins${settings.allowLocalSwarmJoin ? " from a client certificate (allowLocalSwarmJoin admits local callers only: join from the host itself)" : " (allowSwarmJoin, allowLocalSwarmJoin)"}`);
        case "build":
            return fromFindings(judgeBuild(p.query, caller, settings));
        case "container-create":
        case "service-spec": {
            const body = jsonBody(req, what);
            if (!body.ok) return body.decision;
            return fromFindings(route.kind === "container-create" ? judgeContainerCreate(body.value, caller, settings) : judgeServiceSpec(body.value, caller, settings));
        }
    }
}

/** The decision; an error inside the guard is a refusal, never a pass. */
export function decide(req: AuthZRequest, settings: GuardSettings): Decision {
    try {
        return judge(req, settings);
    } catch (e) {
        if (e instanceof AmbiguousField) return refuse(UNREADABLE_REQUEST, `${req.method} ${req.uri.split("?")[0].slice(0, 200)}: ${e.message}`);
        return refuse(GUARD_ERROR, `the guard failed while judging ${req.method} ${req.uri.split("?")[0].slice(0, 200)} (${e instanceof Error ? e.message : String(e)}), so it refuses the request`);
    }
}

/** The refusal as the daemon shows it (`authorization denied by plugin <name>: <this>`). */
export function denialMessage(found: readonly Finding[]): string {
    return found.map((f) => `${f.rule}: ${f.message}`).join(" | ");
}
