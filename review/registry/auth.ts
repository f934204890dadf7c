/**
 * Registry authentication as registries answer it (distribution's token spec, as Docker Hub and
 * mcr.microsoft.com use it): a 401 with `WWW-Authenticate: Bearer realm="...",service="...",
 * scope="repository:<name>:pull"` sends the client to the realm for a token (with the user's
 * basic credentials when it has them, anonymous otherwise); `WWW-Authenticate: Basic` takes the
 * basic credentials themselves.
 */
export interface Challenge {
    readonly scheme: string;
    readonly params: Readonly<Record<string, string>>;
}

/** The challenges of one WWW-Authenticate header (`Bearer realm="a",service="b"`). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
    if (!header) return undefined;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*,?/g;
    let p: RegExpExecArray | null;
    while ((p = re.exec(m[2])) !== null) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
    return { scheme: m[1].toLowerCase(), params };
}

/** The token URL for a Bearer challenge, asking for pull on `repository` when the challenge names no scope. */
export function tokenUrl(challenge: Challenge, repository: string): URL | { problem: string } {
    const realm = challenge.params.realm;
    if (!realm) return { problem: "its Bearer challenge names no realm" };
    let url: URL;
    try {
        url = new URL(realm);
    } catch {
        return { problem: `its Bearer realm ${JSON.stringify(realm)} is not a URL` };
    }
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    url.searchParams.set("scope", challenge.params.scope ?? `repository:${repository}:pull`);
    return url;
}

/** The token in a realm's JSON answer (`token`, or OAuth's `access_token`). */
export function tokenOf(body: Buffer): string | undefined {
    try {
        const parsed = JSON.parse(body.toString("utf8")) as { token?: unknown; access_token?: unknown };
        const t = typeof parsed.token === "string" && parsed.token !== "" ? parsed.token : parsed.access_token;
        return typeof t === "string" && t !== "" ? t : undefined;
    } catch {
        return undefined;
    }
}
