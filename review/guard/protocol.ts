/**
 * Docker's authorization plugin protocol (moby pkg/authorization/api.go, pkg/plugins): the
 * daemon POSTs JSON to `/Plugin.Activate`, `/AuthZPlugin.AuthZReq` and `/AuthZPlugin.AuthZRes`.
 * Go encodes the `[]byte` bodies as base64 and leaves empty fields out (`omitempty`).
 */
export const ACTIVATE = "/Plugin.Activate";
export const AUTHZ_REQUEST = "/AuthZPlugin.AuthZReq";
export const AUTHZ_RESPONSE = "/AuthZPlugin.AuthZRes";
/** `{"Implements":["authz"]}`: the subsystem this plugin serves. */
export const MANIFEST = { Implements: ["authz"] } as const;

/** The name hosts we build give the plugin (spec file name and daemon.json `authorization-plugins`). */
export { GUARD_PLUGIN_NAME as PLUGIN_NAME } from "../../rules/guard/plugin";

/**
 * The daemon forwards a request body only up to this size (moby authz.go maxBodySize: 4 MiB since
 * 27.x; 1 MiB before, when a larger body was passed on WITHOUT its body). The guard judges nothing
 * bigger: such a create is refused.
 */
export const MAX_FORWARDED_BODY = 4 * 1024 * 1024;

/** One request as the daemon sends it (fields the guard reads). */
export interface AuthZRequest {
    /** The TLS client certificate's common name; empty without TLS (unix socket, named pipe). */
    readonly user: string;
    /** `TLS` when `user` comes from a verified client certificate. */
    readonly authNMethod: string;
    readonly method: string;
    /** The request URI as the client sent it (path and query, not decoded). */
    readonly uri: string;
    /** The decoded body; undefined when the daemon forwarded none. */
    readonly body?: Buffer;
}

export interface AuthZResponse {
    readonly Allow: boolean;
    readonly Msg?: string;
    readonly Err?: string;
}

/** Why a plugin message could not be read; the guard denies with it. */
export class ProtocolError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function str(v: unknown, field: string): string {
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") throw new ProtocolError(`${field} is ${typeof v}, not a string`);
    return v;
}

/** Reads the daemon's JSON message; throws ProtocolError on anything malformed. */
export function decodeAuthZRequest(raw: string): AuthZRequest {
    let msg: unknown;
    try {
        msg = JSON.parse(raw);
    } catch {
        throw new ProtocolError("the plugin request is not JSON");
    }
    if (msg === null || typeof msg !== "object" || Array.isArray(msg)) throw new ProtocolError("the plugin request is not a JSON object");
    const m = msg as Record<string, unknown>;
    const bodyText = str(m.RequestBody, "RequestBody");
    if (bodyText !== "" && !BASE64.test(bodyText)) throw new ProtocolError("RequestBody is not base64");
    return {
        user: str(m.User, "User"),
        authNMethod: str(m.UserAuthNMethod, "UserAuthNMethod"),
        method: str(m.RequestMethod, "RequestMethod").toUpperCase(),
        uri: str(m.RequestUri ?? m.RequestURI, "RequestUri"),
        body: bodyText === "" ? undefined : Buffer.from(bodyText, "base64"),
    };
}
