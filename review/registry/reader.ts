/**
 * The registry reader: resolves an image reference at its registry (OCI distribution spec /
 * Docker Registry HTTP API V2) to its digest and platform entries (digest, os, architecture,
 * os.version, os.features). Written on node's https rather than an npm client: the protocol parts
 * this needs are small (manifest GET/HEAD, one blob GET, the token dance), and the clients on npm
 * either lack Bearer auth, bounded sizes and per-registry limits, or bring a stack of
 * dependencies (docs/workloads.md says which were looked at).
 *
 * Every answer is checked: the manifest's sha256 must equal the digest asked for and the digest
 * the registry names; sizes are bounded; 429 and 5xx are retried with back-off; at most 8 requests
 * are in flight per host. Manifests and configs are cached by digest (in memory, and on disk when
 * a cache directory is given: content-addressed, so a cached file is re-hashed, never trusted).
 * Tags are asked every time (they move). `resolve` never throws: a failure is an UnresolvedImage
 * whose error names the image and the registry.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import { parseImageReference } from "../../rules/os/imageReference";
import { ImageResolution, ResolvedImage, ResolvedPlatform } from "../../rules/os/resolvedImage";
import { parseChallenge, tokenOf, tokenUrl } from "./auth";
import { credentialsFor, Credentials, dockerConfigPath } from "./credentials";
import { HttpError, HttpResponse, isLoopback, request } from "./http";
import { Limiter } from "./limiter";

export const MEDIA = {
    dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
    dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
    ociIndex: "application/vnd.oci.image.index.v1+json",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
} as const;
const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.dockerManifest, MEDIA.ociManifest].join(", ");

export interface ReaderOptions {
    /** Extra CA certificate(s), PEM text, trusted besides the system's. */
    readonly ca?: string;
    /** Per request, redirects included (default 10 s). */
    readonly timeoutMs?: number;
    /** Retries after a 429, a 5xx or no answer (default 3), with back-off doubling from backoffMs (default 250 ms). */
    readonly retries?: number;
    readonly backoffMs?: number;
    /** Largest manifest or index (default 1 MiB) and image config (default 4 MiB) read. */
    readonly maxManifestBytes?: number;
    readonly maxConfigBytes?: number;
    /** Requests in flight per host (default and most 8). */
    readonly concurrency?: number;
    /** The Docker CLI config with the user's credentials (default ~/.docker/config.json). */
    readonly dockerConfig?: string;
    /** A directory for the digest-keyed cache that outlives the process (none by default). */
    readonly cacheDir?: string;
}

/** Where a reference is asked: the API host, the repository path, the tag or digest. */
export interface RegistryTarget {
    /** As the reference names it (`docker.io` when it names none). */
    readonly registry: string;
    /** The host the API answers on (`registry-1.docker.io` for Docker Hub). */
    readonly host: string;
    readonly repository: string;
    /** Digest when the reference has one, else its tag (default `latest`). */
    readonly ref: string;
}

export function targetOf(reference: string): RegistryTarget | { problem: string } {
    const parsed = parseImageReference(reference);
    if (!parsed.ok) return { problem: parsed.reason };
    const { domain, path: repoPath, tag, digest } = parsed.reference;
    const registry = domain ?? "docker.io";
    const hub = registry === "docker.io" || registry === "index.docker.io";
    return {
        registry,
        host: hub ? "registry-1.docker.io" : registry,
        repository: hub && !repoPath.includes("/") ? `library/${repoPath}` : repoPath,
        ref: digest ?? tag ?? "latest",
    };
}

class Failure extends Error {}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Parsed {
    readonly platforms: ResolvedPlatform[];
}

export class RegistryReader {
    private readonly opts: Required<Omit<ReaderOptions, "ca" | "cacheDir">> & Pick<ReaderOptions, "ca" | "cacheDir">;
    private readonly limiters = new Map<string, Limiter>();
    private readonly tokens = new Map<string, string>();
    private readonly credentials = new Map<string, Credentials | undefined>();
    private readonly plainHttp = new Set<string>();
    private readonly byDigest = new Map<string, Parsed>();
    private readonly inFlight = new Map<string, Promise<ImageResolution>>();
    private readonly gates = new Map<string, Promise<void>>();
    private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };
    /** Requests sent, per host (the tests and the bench read it). */
    readonly requests = new Map<string, number>();

    constructor(options: ReaderOptions = {}) {
        this.opts = {
            timeoutMs: options.timeoutMs ?? 10_000,
            retries: options.retries ?? 3,
            backoffMs: options.backoffMs ?? 250,
            maxManifestBytes: options.maxManifestBytes ?? 1024 * 1024,
            maxConfigBytes: options.maxConfigBytes ?? 4 * 1024 * 1024,
            concurrency: Math.min(8, Math.max(1, options.concurrency ?? 8)),
            dockerConfig: options.dockerConfig ?? dockerConfigPath(),
            ca: options.ca,
            cacheDir: options.cacheDir,
        };
    }

    /** Closes the kept-alive connections (a reader is done once its caller is). */
    close(): void {
        this.agents.http.destroy();
        this.agents.https.destroy();
    }

    /** The most requests that were ever in flight at once to `host`. */
    peakConcurrency(host: string): number {
        return this.limiters.get(host)?.peak ?? 0;
    }

    /** Resolves one reference; the same reference asked twice at once is asked once. */
    resolve(reference: string): Promise<ImageResolution> {
        let p = this.inFlight.get(reference);
        if (!p) {
            p = this.resolveOnce(reference);
            this.inFlight.set(reference, p);
        }
        return p;
    }

    private async resolveOnce(reference: string): Promise<ImageResolution> {
        const target = targetOf(reference);
        if ("problem" in target) return { reference, registry: "-", error: `image '${reference}' is not a valid reference: ${target.problem}` };
        try {
            const { digest, platforms } = await this.read(target);
            return { reference, registry: target.registry, digest, platforms } satisfies ResolvedImage;
        } catch (e) {
            const why = e instanceof Failure || e instanceof HttpError ? e.message : `unexpected error: ${(e as Error).message}`;
            return { reference, registry: target.registry, error: `image '${reference}' at ${target.registry}: ${why.split("\n")[0]}` };
        }
    }

    private async read(t: RegistryTarget): Promise<{ digest: string; platforms: ResolvedPlatform[] }> {
        const manifestUrl = (ref: string) => this.url(t.host, `/v2/${t.repository}/manifests/${ref}`);
        const byDigest = t.ref.includes(":");
        // With a cache, a HEAD names the digest and the content is fetched only when it is not cached.
        let known: string | undefined = byDigest ? t.ref : undefined;
        if (this.opts.cacheDir !== undefined || this.byDigest.size > 0) {
            const head = await this.ask(t, await manifestUrl(t.ref), "HEAD", this.opts.maxManifestBytes, "manifest");
            const named = headerDigest(head);
            if (byDigest && named && named !== t.ref) throw new Failure(`the registry names digest ${named} for ${t.ref}`);
            known ??= named;
            const cached = known ? this.cached(known) : undefined;
            if (known && cached) return { digest: known, platforms: cached.platforms };
        }
        const res = await this.ask(t, await manifestUrl(known ?? t.ref), "GET", this.opts.maxManifestBytes, "manifest");
        const digest = sha256(res.body);
        if (known && known.startsWith("sha256:") && digest !== known) throw new Failure(`the manifest's sha256 is ${digest}, not the digest ${known} it was asked by`);
        const named = headerDigest(res);
        if (named && named !== digest) throw new Failure(`the manifest's sha256 is ${digest}, but the registry names it ${named}`);
        const parsed = await this.parseManifest(t, res, digest);
        this.remember(digest, parsed, res.body);
        return { digest, platforms: parsed.platforms };
    }

    private async parseManifest(t: RegistryTarget, res: HttpResponse, digest: string): Promise<Parsed> {
        const doc = parseJson(res.body, "manifest");
        const mediaType = (typeof doc.mediaType === "string" ? doc.mediaType : String(res.headers["content-type"] ?? "").split(";")[0].trim()) || "";
        if (Array.isArray(doc.manifests)) {
            if (doc.manifests.length > 1000) throw new Failure(`the index lists ${doc.manifests.length} manifests, more than the 1000 allowed`);
            return {
                platforms: doc.manifests.map((m: unknown, i: number) => {
                    const entry = m as { digest?: unknown; platform?: Record<string, unknown> } | null;
                    if (!entry || typeof entry.digest !== "string" || !entry.platform || typeof entry.platform !== "object") throw new Failure(`index entry ${i} has no digest or platform`);
                    return platformOf(entry.digest, entry.platform);
                }),
            };
        }
        if (mediaType === "application/vnd.docker.distribution.manifest.v1+json" || mediaType === "application/vnd.docker.distribution.manifest.v1+prettyjws" || doc.schemaVersion === 1) {
            throw new Failure("the manifest is Docker schema 1, which names no os.version; push it as schema 2 or OCI");
        }
        const config = doc.config as { digest?: unknown } | undefined;
        if (!config || typeof config.digest !== "string") throw new Failure(`the manifest (${mediaType || "no media type"}) is neither an index nor an image manifest with a config`);
        const cachedConfig = this.cachedBlob(config.digest);
        let body = cachedConfig;
        if (!body) {
            const blob = await this.ask(t, await this.url(t.host, `/v2/${t.repository}/blobs/${config.digest}`), "GET", this.opts.maxConfigBytes, "image config");
            if (sha256(blob.body) !== config.digest) throw new Failure(`the image config's sha256 is ${sha256(blob.body)}, not ${config.digest}`);
            body = blob.body;
            this.storeBlob(config.digest, body);
        }
        return { platforms: [platformOf(digest, parseJson(body, "image config"))] };
    }

    /** One registry request with auth, retries and the per-host limit; non-2xx answers become Failures. */
    private async ask(t: RegistryTarget, url: URL, method: "GET" | "HEAD", maxBytes: number, what: string): Promise<HttpResponse> {
        // The first request to a repository goes alone: it earns the token the others then use
        // (otherwise 40 images at once would be 40 anonymous 401s and 40 token requests).
        const key = `${t.host} ${t.repository}`;
        const gate = this.gates.get(key);
        if (gate) await gate;
        else {
            let open!: () => void;
            this.gates.set(key, new Promise<void>((r) => (open = r)));
            try {
                return await this.askAuthorized(t, url, method, maxBytes, what);
            } finally {
                open();
            }
        }
        return this.askAuthorized(t, url, method, maxBytes, what);
    }

    private async askAuthorized(t: RegistryTarget, url: URL, method: "GET" | "HEAD", maxBytes: number, what: string): Promise<HttpResponse> {
        let res = await this.send(url, method, maxBytes, t);
        if (res.status === 401) {
            const authorized = await this.authorize(t, res);
            res = await this.send(url, method, maxBytes, t, authorized);
        }
        if (res.status >= 200 && res.status < 300) return res;
        throw new Failure(describeStatus(res, what, t, this.credentials.get(t.host) !== undefined));
    }

    private async send(url: URL, method: "GET" | "HEAD", maxBytes: number, t: RegistryTarget, authorization?: string): Promise<HttpResponse> {
        const auth = authorization ?? this.tokens.get(`${t.host} ${t.repository}`);
        for (let attempt = 0; ; attempt++) {
            let res: HttpResponse | undefined;
            let error: HttpError | undefined;
            try {
                res = await this.limited(url.host, () =>
                    request(url, method, { accept: ACCEPT }, { ca: this.opts.ca, timeoutMs: this.opts.timeoutMs, maxBytes, agents: this.agents }, (u) => (u.host === url.host ? auth : undefined)),
                );
            } catch (e) {
                if (!(e instanceof HttpError)) throw e;
                // A loopback registry may speak plain http (as Docker allows); nothing else may.
                if (url.protocol === "https:" && isLoopback(url.hostname) && /EPROTO|wrong version number|ERR_SSL/i.test(e.message)) {
                    this.plainHttp.add(url.host);
                    url = new URL(url.toString().replace(/^https:/, "http:"));
                    attempt--;
                    continue;
                }
                // Too big, a redirect loop: asking again gets the same answer.
                if (/larger than|redirect/.test(e.message)) throw new Failure(`${e.message}`);
                error = e;
            }
            const retriable = error !== undefined || res!.status === 429 || res!.status >= 500;
            if (!retriable) return res!;
            if (attempt >= this.opts.retries) {
                if (error) throw new Failure(`unreachable after ${attempt + 1} attempts: ${error.message}`);
                return res!;
            }
            const retryAfter = Number(res?.headers["retry-after"]);
            await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 5000) : this.opts.backoffMs * 2 ** attempt);
        }
    }

    private async authorize(t: RegistryTarget, res: HttpResponse): Promise<string> {
        const challenge = parseChallenge(String(res.headers["www-authenticate"] ?? ""));
        if (!this.credentials.has(t.host)) this.credentials.set(t.host, credentialsFor(t.registry === "docker.io" ? "docker.io" : t.host, this.opts.dockerConfig));
        const creds = this.credentials.get(t.host);
        const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` : undefined;
        if (challenge?.scheme === "basic") {
            if (!basic) throw new Failure(`401 unauthorized: the registry asks for a login and ${this.opts.dockerConfig} has none for ${t.registry}; run docker login ${t.registry}`);
            this.tokens.set(`${t.host} ${t.repository}`, basic);
            return basic;
        }
        if (challenge?.scheme !== "bearer") throw new Failure(`401 unauthorized with no Bearer or Basic challenge (WWW-Authenticate: ${JSON.stringify(String(res.headers["www-authenticate"] ?? ""))})`);
        const url = tokenUrl(challenge, t.repository);
        if ("problem" in url) throw new Failure(`401 unauthorized and ${url.problem}`);
        if (url.protocol !== "https:" && !isLoopback(url.hostname)) throw new Failure(`token realm ${url.origin} is plain http; refused (credentials never travel in clear)`);
        const answer = await this.send(url, "GET", 64 * 1024, t, basic);
        if (answer.status !== 200) throw new Failure(`the token service ${url.origin} answered ${answer.status}${basic ? " to the credentials from the Docker config" : ""}`);
        const token = tokenOf(answer.body);
        if (!token) throw new Failure(`the token service ${url.origin} answered without a token`);
        const bearer = `Bearer ${token}`;
        this.tokens.set(`${t.host} ${t.repository}`, bearer);
        return bearer;
    }

    private limited<T>(host: string, task: () => Promise<T>): Promise<T> {
        let l = this.limiters.get(host);
        if (!l) this.limiters.set(host, (l = new Limiter(this.opts.concurrency)));
        this.requests.set(host, (this.requests.get(host) ?? 0) + 1);
        return l.run(task);
    }

    private async url(host: string, pathname: string): Promise<URL> {
        return new URL(`${this.plainHttp.has(host) ? "http" : "https"}://${host}${pathname}`);
    }

    private cached(digest: string): Parsed | undefined {
        const hit = this.byDigest.get(digest);
        if (hit) return hit;
        const body = this.cachedBlob(digest);
        if (!body) return undefined;
        try {
            const doc = parseJson(body, "manifest");
            // Only an index is complete by itself; a single manifest's platform lives in its config.
            if (!Array.isArray(doc.manifests)) return undefined;
            const parsed = { platforms: doc.manifests.map((m: { digest: string; platform: Record<string, unknown> }) => platformOf(m.digest, m.platform)) };
            this.byDigest.set(digest, parsed);
            return parsed;
        } catch {
            return undefined;
        }
    }

    private remember(digest: string, parsed: Parsed, body: Buffer): void {
        this.byDigest.set(digest, parsed);
        this.storeBlob(digest, body);
    }

    private cacheFile(digest: string): string | undefined {
        if (!this.opts.cacheDir || !/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
        return path.join(this.opts.cacheDir, digest.replace(":", "-"));
    }

    private cachedBlob(digest: string): Buffer | undefined {
        const file = this.cacheFile(digest);
        if (!file) return undefined;
        try {
            const body = fs.readFileSync(file);
            return sha256(body) === digest ? body : undefined;
        } catch {
            return undefined;
        }
    }

    private storeBlob(digest: string, body: Buffer): void {
        const file = this.cacheFile(digest);
        if (!file || sha256(body) !== digest) return;
        try {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, body);
            fs.renameSync(tmp, file);
        } catch {
            // A cache that cannot be written only costs a request next time.
        }
    }
}

function headerDigest(res: HttpResponse): string | undefined {
    const d = res.headers["docker-content-digest"];
    return typeof d === "string" && /^sha256:[a-f0-9]{64}$/.test(d) ? d : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry's JSON; every field read is checked
function parseJson(body: Buffer, what: string): any {
    let doc: unknown;
    try {
        doc = JSON.parse(body.toString("utf8"));
    } catch {
        throw new Failure(`the ${what} is not JSON`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Failure(`the ${what} is not a JSON object`);
    return doc;
}

function platformOf(digest: string, p: Record<string, unknown>): ResolvedPlatform {
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const features = Array.isArray(p["os.features"]) ? (p["os.features"] as unknown[]).filter((f): f is string => typeof f === "string") : undefined;
    return {
        digest,
        os: str(p.os) ?? "",
        architecture: str(p.architecture) ?? "",
        ...(p["os.version"] !== undefined ? { osVersion: typeof p["os.version"] === "string" ? p["os.version"] : JSON.stringify(p["os.version"]) } : {}),
        ...(features && features.length > 0 ? { osFeatures: features } : {}),
    };
}

function describeStatus(res: HttpResponse, what: string, t: RegistryTarget, hadCredentials: boolean): string {
    switch (res.status) {
        case 401:
            return hadCredentials
                ? `401 unauthorized: the registry refused the credentials from the Docker config for ${t.registry}`
                : `401 unauthorized: repository ${t.repository} needs a login and the Docker config has none for ${t.registry}; run docker login ${t.registry}`;
        case 403:
            return `403 forbidden: the login for ${t.registry} may not pull ${t.repository}`;
        case 404:
            return `404: no ${what} '${t.ref}' in repository ${t.repository}`;
        case 429:
            return `429 too many requests, still after retries`;
        default:
            return `${res.status} for the ${what} of ${t.repository}:${t.ref}${res.status >= 500 ? ", still after retries" : ""}`;
    }
}
