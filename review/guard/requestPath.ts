/**
 * The path a request really addresses, read the way the daemon's router reads it, so that
 * `/v1.44/containers/create`, `//CONTAINERS//create/`, `/containers%2Fcreate` and
 * `/v1.41/./containers/x/../create` are all one endpoint to the guard. Go decodes the path once
 * (url.URL.Path) before routing; so does this. Case is folded even though the router is
 * case-sensitive: a refusal costs nothing where the daemon would 404 anyway.
 */
import * as path from "node:path";

export interface RequestPath {
    /** Lower-case, decoded, cleaned, without the version prefix or a trailing slash; "/" at least. */
    readonly path: string;
    /** The path's segments (`["containers", "create"]`). */
    readonly segments: readonly string[];
    /** The API version the client asked for (`/v1.23/...`); undefined without a prefix (the newest). */
    readonly version?: { readonly major: number; readonly minor: number };
    /** The query string, undecoded (URLSearchParams reads it as Go's url.ParseQuery does). */
    readonly query: URLSearchParams;
}

const VERSION = /^v(\d+)(?:\.(\d+))?$/;

/** Undefined when the URI cannot be decoded (the guard then refuses: it cannot say what it is). */
export function readRequestPath(uri: string): RequestPath | undefined {
    const q = uri.indexOf("?");
    const rawPath = q >= 0 ? uri.slice(0, q) : uri;
    const rawQuery = q >= 0 ? uri.slice(q + 1) : "";
    let decoded: string;
    try {
        decoded = decodeURIComponent(rawPath);
    } catch {
        return undefined;
    }
    // Backslashes and NUL are no separators to Go; keep them, so such a path matches nothing known.
    const cleaned = path.posix.normalize(`/${decoded.toLowerCase()}`).replace(/\/+$/, "");
    let segments = cleaned.split("/").filter((s) => s !== "");
    let version: RequestPath["version"];
    const v = segments.length > 0 ? VERSION.exec(segments[0]) : null;
    if (v) {
        version = { major: Number(v[1]), minor: Number(v[2] ?? 0) };
        segments = segments.slice(1);
    }
    return { path: `/${segments.join("/")}`, segments, version, query: new URLSearchParams(rawQuery) };
}
