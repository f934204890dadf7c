/**
 * One bounded HTTP(S) GET/HEAD for the registry reader: node's own http/https (no dependency),
 * the system's CAs plus an optional CA file, a deadline for the whole exchange, a cap on the body
 * (a hostile or broken registry cannot make us read without end), redirects followed at most
 * MAX_REDIRECTS times and never from https down to plain http. Plain http is only ever used for a
 * loopback registry (as Docker allows); the caller decides that.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";

export const MAX_REDIRECTS = 5;

export interface HttpOptions {
    /** Extra trusted CA certificates (PEM), added to the system's. */
    readonly ca?: string;
    /** Milliseconds for the whole exchange, redirects included. */
    readonly timeoutMs: number;
    /** Largest body read; a longer one is an error. */
    readonly maxBytes: number;
    /** Keep-alive agents (the reader's own); without them each request has a connection of its own. */
    readonly agents?: { readonly http: http.Agent; readonly https: https.Agent };
}

export interface HttpResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
    /** The URL that answered (after redirects). */
    readonly url: string;
}

/** A failure of the exchange itself (no answer, too big, too slow, redirect loop): its message is one line. */
export class HttpError extends Error {}

function once(url: URL, method: "GET" | "HEAD", headers: Record<string, string>, opts: HttpOptions, deadline: number): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
        const left = deadline - Date.now();
        if (left <= 0) return reject(new HttpError(`no answer within ${opts.timeoutMs} ms`));
        const secure = url.protocol === "https:";
        const lib = secure ? https : http;
        const req = lib.request(
            url,
            {
                method,
                headers: { "user-agent": "windows-isolation-registry-reader", ...headers },
                ...(secure ? { ca: opts.ca ? [...tls.rootCertificates, opts.ca] : undefined } : {}),
                agent: opts.agents ? (secure ? opts.agents.https : opts.agents.http) : false,
            },
            (res) => {
                const declared = Number(res.headers["content-length"]);
                if (Number.isFinite(declared) && declared > opts.maxBytes) {
                    res.destroy();
                    return reject(new HttpError(`answer of ${declared} bytes is larger than the ${opts.maxBytes} bytes allowed`));
                }
                const chunks: Buffer[] = [];
                let size = 0;
                res.on("data", (c: Buffer) => {
                    size += c.length;
                    if (size > opts.maxBytes) {
                        res.destroy();
                        req.destroy();
                        reject(new HttpError(`answer is larger than the ${opts.maxBytes} bytes allowed`));
                        return;
                    }
                    chunks.push(c);
                });
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.toString() }));
                res.on("error", (e) => reject(new HttpError(e.message)));
            },
        );
        const timer = setTimeout(() => {
            req.destroy();
            reject(new HttpError(`no answer within ${opts.timeoutMs} ms`));
        }, left);
        req.on("error", (e: NodeJS.ErrnoException) => reject(new HttpError(e.code ? `${e.code} ${e.message}` : e.message)));
        req.on("close", () => clearTimeout(timer));
        req.end();
    });
}

/** GET or HEAD `url`, following redirects; `authFor` gives the Authorization header per origin (credentials never follow a redirect to another origin). */
export async function request(
    url: URL,
    method: "GET" | "HEAD",
    headers: Record<string, string>,
    opts: HttpOptions,
    authFor: (u: URL) => string | undefined = () => undefined,
): Promise<HttpResponse> {
    const deadline = Date.now() + opts.timeoutMs;
    let current = url;
    const seen = new Set<string>();
    for (let hop = 0; ; hop++) {
        const auth = authFor(current);
        const res = await once(current, method, auth ? { ...headers, authorization: auth } : headers, opts, deadline);
        if (![301, 302, 303, 307, 308].includes(res.status)) return res;
        const location = res.headers.location;
        if (!location) throw new HttpError(`redirect ${res.status} without a Location`);
        const next = new URL(location, current);
        if (current.protocol === "https:" && next.protocol !== "https:") throw new HttpError(`redirect from https to ${next.protocol} refused (${next.origin})`);
        if (next.protocol === "http:" && !isLoopback(next.hostname)) throw new HttpError(`redirect to plain http at ${next.origin} refused (plain http only on localhost/127.0.0.1)`);
        if (seen.has(next.toString())) throw new HttpError(`redirect loop (${next.toString()} again)`);
        if (hop >= MAX_REDIRECTS) throw new HttpError(`more than ${MAX_REDIRECTS} redirects`);
        seen.add(current.toString());
        current = next;
    }
}

/** Hosts that may be plain http, as Docker treats them (localhost and 127.0.0.0/8, ::1). */
export function isLoopback(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
