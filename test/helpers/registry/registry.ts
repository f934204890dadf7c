/**
 * A REAL registry for the image-resolution tests and bench: Debian's docker-registry
 * (distribution 2.8) on its own 127.0.0.1 port, TLS with a test CA made by openssl, and token
 * auth as Docker Hub and mcr.microsoft.com do it: the registry answers 401 with a Bearer
 * challenge naming our token service, which issues RS256 JWTs (x5c chain) the registry verifies
 * against the signing certificate it was configured with. The token service grants pull on every
 * repository except `private/*` to anyone, pull on `private/*` to alice:alice-pw, and push
 * everywhere to pusher:pusher-pw. Images are pushed through the real Registry API.
 *
 * A fault proxy (plain http on 127.0.0.1, which the reader allows for loopback only) forwards to
 * the registry and injects faults per repository: 500s before success, a slow answer, a huge
 * body, a redirect loop. One registry per test file; `stop()` ends the process and both servers.
 * The token service and the proxy run in the calling process: start child processes that talk
 * to the registry asynchronously (spawn, not spawnSync), or nobody answers their token requests.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, createSign, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface TestRegistry {
    /** `127.0.0.1:<port>` of the real registry (TLS). */
    readonly host: string;
    /** `127.0.0.1:<port>` of the fault proxy in front of it (plain http). */
    readonly proxyHost: string;
    /** The test CA (PEM) that signed the registry's certificate. */
    readonly ca: string;
    readonly caFile: string;
    readonly dir: string;
    /** A Docker config file with alice's login for the registry and the proxy. */
    readonly dockerConfig: string;
    readonly faults: Map<string, Fault>;
    push(repository: string, tag: string, image: PushImage): Promise<string>;
    /** Many tags at little cost: one platform manifest, then one index per tag whose entry names `osVersion`. */
    pushIndexes(repository: string, tags: readonly { tag: string; osVersion: string }[]): Promise<string[]>;
    stop(): Promise<void>;
}

export type Fault =
    | { readonly kind: "fail-then-succeed"; remaining: number; readonly status: number }
    | { readonly kind: "slow"; readonly delayMs: number }
    | { readonly kind: "huge"; readonly bytes: number }
    | { readonly kind: "redirect-loop" };

/** An image to push: one platform manifest per entry, under an index when `index` (else the single manifest). */
export interface PushImage {
    readonly platforms: readonly { readonly os: string; readonly architecture?: string; readonly osVersion?: unknown; readonly osFeatures?: string[] }[];
    readonly index?: boolean;
    readonly indexMediaType?: string;
}

const SERVICE = "wi-test-registry";
const ISSUER = "wi-test-token-issuer";
const USERS: Record<string, string> = { alice: "alice-pw", pusher: "pusher-pw" };

function need(cmd: string): string {
    for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/usr/sbin"])) {
        const p = path.join(dir, cmd);
        if (fs.existsSync(p)) return p;
    }
    throw new Error(`the registry tests need '${cmd}' (Debian package docker-registry); .ci/run installs it`);
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function certificates(dir: string): { ca: string; caFile: string; cert: string; key: string; signCert: string; signKey: string } {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=wi-test-registry-ca", "-keyout", "ca-key.pem", "-out", "ca.pem");
    fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server-key.pem", "-out", "server.csr");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
    // The token signing certificate: self-signed RSA, the registry's rootcertbundle.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=wi-test-token-signer", "-keyout", "sign-key.pem", "-out", "sign.pem");
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return { ca: read("ca.pem"), caFile: path.join(dir, "ca.pem"), cert: read("server.pem"), key: read("server-key.pem"), signCert: read("sign.pem"), signKey: read("sign-key.pem") };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

function jwt(signCert: string, signKey: string, subject: string, access: { type: string; name: string; actions: string[] }[]): string {
    const der = Buffer.from(signCert.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    const header = { typ: "JWT", alg: "RS256", x5c: [der.toString("base64")] };
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, sub: subject, aud: SERVICE, exp: now + 600, nbf: now - 60, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign("RSA-SHA256").update(input).sign(signKey);
    return `${input}.${b64url(sig)}`;
}

/** What the token service grants `user` (undefined: anonymous) on `repository`. */
function grant(user: string | undefined, repository: string, asked: string[]): string[] {
    if (user === "pusher") return asked;
    if (repository.startsWith("private/")) return user === "alice" ? asked.filter((a) => a === "pull") : [];
    return asked.filter((a) => a === "pull");
}

function tokenService(tlsOpts: { cert: string; key: string }, signCert: string, signKey: string): https.Server {
    return https.createServer(tlsOpts, (req, res) => {
        const url = new URL(req.url ?? "/", "https://x");
        let user: string | undefined;
        const auth = req.headers.authorization;
        if (auth?.startsWith("Basic ")) {
            const [u, p] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
            if (USERS[u] !== p) {
                res.writeHead(401).end();
                return;
            }
            user = u;
        }
        const access = url.searchParams.getAll("scope").flatMap((scope) => {
            const [type, name, actions] = scope.split(":");
            const granted = grant(user, name, (actions ?? "").split(","));
            return granted.length > 0 ? [{ type, name, actions: granted }] : [];
        });
        const token = jwt(signCert, signKey, user ?? "", access);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, access_token: token, expires_in: 600 }));
    });
}

function faultProxy(registryHost: string, ca: string, faults: Map<string, Fault>): http.Server {
    return http.createServer((req, res) => {
        const repo = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(req.url ?? "")?.[1];
        const fault = repo ? faults.get(repo) : undefined;
        const forward = () => {
            const up = https.request(`https://${registryHost}${req.url}`, { method: req.method, headers: { ...req.headers, host: registryHost }, ca, agent: false }, (r) => {
                res.writeHead(r.statusCode ?? 502, r.headers);
                r.pipe(res);
            });
            up.on("error", () => res.destroy());
            req.pipe(up);
        };
        if (!fault) return forward();
        switch (fault.kind) {
            case "fail-then-succeed":
                if (fault.remaining > 0) {
                    fault.remaining--;
                    res.writeHead(fault.status).end("injected failure");
                    return;
                }
                return forward();
            case "slow": {
                const t = setTimeout(forward, fault.delayMs);
                res.on("close", () => clearTimeout(t));
                return;
            }
            case "huge": {
                res.writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" });
                const chunk = Buffer.alloc(64 * 1024, 0x20);
                let sent = 0;
                const pump = () => {
                    while (sent < fault.bytes) {
                        sent += chunk.length;
                        if (!res.write(chunk)) return void res.once("drain", pump);
                    }
                    res.end();
                };
                res.on("error", () => undefined);
                return pump();
            }
            case "redirect-loop":
                res.writeHead(307, { location: req.url?.endsWith("/again") ? req.url.slice(0, -6) : `${req.url}/again` }).end();
                return;
        }
    });
}

const listen = (server: net.Server, port = 0) => new Promise<number>((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
const close = (server: net.Server) =>
    new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
    });

async function waitForRegistry(host: string, ca: string, child: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${log()}`);
        const ok = await new Promise<boolean>((resolve) => {
            const req = https.get(`https://${host}/v2/`, { ca, agent: false }, (r) => {
                r.resume();
                resolve(r.statusCode === 401 || r.statusCode === 200);
            });
            req.on("error", () => resolve(false));
            req.setTimeout(1000, () => req.destroy());
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`docker-registry did not answer on ${host} within 30 s: ${log()}`);
}

export async function startRegistry(): Promise<TestRegistry> {
    const binary = need("docker-registry");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-registry-"));
    const pki = certificates(dir);
    const token = tokenService({ cert: pki.cert, key: pki.key }, pki.signCert, pki.signKey);
    const tokenPort = await listen(token);
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, "sign-bundle.pem"), pki.signCert);
    fs.writeFileSync(
        path.join(dir, "config.yml"),
        [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            `    rootdirectory: ${path.join(dir, "data")}`,
            "http:",
            `  addr: ${host}`,
            "  secret: wi-test-secret",
            "  tls:",
            `    certificate: ${path.join(dir, "server.pem")}`,
            `    key: ${path.join(dir, "server-key.pem")}`,
            "auth:",
            "  token:",
            `    realm: https://127.0.0.1:${tokenPort}/token`,
            `    service: ${SERVICE}`,
            `    issuer: ${ISSUER}`,
            `    rootcertbundle: ${path.join(dir, "sign-bundle.pem")}`,
            "",
        ].join("\n"),
    );
    let output = "";
    const child = spawn(binary, ["serve", path.join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (output = (output + String(d)).slice(-4000)));
    child.stderr!.on("data", (d) => (output = (output + String(d)).slice(-4000)));
    const faults = new Map<string, Fault>();
    const proxy = faultProxy(host, pki.ca, faults);
    let proxyPort = 0;
    const pusher = new Pusher(host, pki.ca, `https://127.0.0.1:${tokenPort}/token`);
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const gone = new Promise<void>((r) => child.once("exit", () => r()));
            child.kill("SIGKILL");
            await gone;
        }
        pusher.agent.destroy();
        await Promise.all([close(token), proxy.listening ? close(proxy) : Promise.resolve()]);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitForRegistry(host, pki.ca, child, () => output);
        proxyPort = await listen(proxy);
    } catch (e) {
        await stop();
        throw e;
    }
    const proxyHost = `127.0.0.1:${proxyPort}`;
    const auth = Buffer.from("alice:alice-pw").toString("base64");
    const dockerConfig = path.join(dir, "docker-config.json");
    fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [host]: { auth }, [proxyHost]: { auth } } }));
    return { host, proxyHost, ca: pki.ca, caFile: pki.caFile, dir, dockerConfig, faults, push: (r, t, i) => pusher.push(r, t, i), pushIndexes: (r, t) => pusher.pushIndexes(r, t), stop };
}

/** Pushes through the Registry API: blobs by monolithic upload, then manifests, then the index. */
class Pusher {
    private readonly tokens = new Map<string, string>();
    readonly agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
    constructor(
        private readonly host: string,
        private readonly ca: string,
        private readonly realm: string,
    ) {}

    private async token(repository: string): Promise<string> {
        const cached = this.tokens.get(repository);
        if (cached) return cached;
        const url = `${this.realm}?service=${SERVICE}&scope=${encodeURIComponent(`repository:${repository}:pull,push`)}`;
        const res = await this.call("GET", url, undefined, { authorization: `Basic ${Buffer.from("pusher:pusher-pw").toString("base64")}` });
        const t = JSON.parse(res.body.toString()).token as string;
        this.tokens.set(repository, t);
        return t;
    }

    private call(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
        return new Promise((resolve, reject) => {
            const req = https.request(url, { method, headers: { ...headers, ...(body ? { "content-length": String(body.length) } : {}) }, ca: this.ca, agent: this.agent }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
            });
            req.on("error", reject);
            req.end(body);
        });
    }

    private async blob(repository: string, content: Buffer): Promise<string> {
        const digest = `sha256:${createHash("sha256").update(content).digest("hex")}`;
        const auth = { authorization: `Bearer ${await this.token(repository)}` };
        const start = await this.call("POST", `https://${this.host}/v2/${repository}/blobs/uploads/`, Buffer.alloc(0), auth);
        if (start.status !== 202) throw new Error(`blob upload start ${start.status}: ${start.body}`);
        const location = new URL(String(start.headers.location), `https://${this.host}`);
        location.searchParams.set("digest", digest);
        const put = await this.call("PUT", location.toString(), content, { ...auth, "content-type": "application/octet-stream" });
        if (put.status !== 201) throw new Error(`blob upload ${put.status}: ${put.body}`);
        return digest;
    }

    async manifest(repository: string, ref: string, mediaType: string, doc: object): Promise<{ digest: string; size: number }> {
        const body = Buffer.from(JSON.stringify(doc));
        const res = await this.call("PUT", `https://${this.host}/v2/${repository}/manifests/${ref}`, body, {
            authorization: `Bearer ${await this.token(repository)}`,
            "content-type": mediaType,
        });
        if (res.status !== 201) throw new Error(`manifest put ${repository}:${ref} ${res.status}: ${res.body}`);
        return { digest: `sha256:${createHash("sha256").update(body).digest("hex")}`, size: body.length };
    }

    async pushIndexes(repository: string, tags: readonly { tag: string; osVersion: string }[]): Promise<string[]> {
        const base = await this.push(repository, "base", { platforms: [{ os: "windows", osVersion: "10.0.20348.1" }] });
        const size = (await this.call("HEAD", `https://${this.host}/v2/${repository}/manifests/${base}`, undefined, {
            authorization: `Bearer ${await this.token(repository)}`,
            accept: "application/vnd.docker.distribution.manifest.v2+json",
        })).headers["content-length"];
        const mediaType = "application/vnd.docker.distribution.manifest.list.v2+json";
        return Promise.all(
            tags.map(async ({ tag, osVersion }) => {
                const entry = { mediaType: "application/vnd.docker.distribution.manifest.v2+json", size: Number(size), digest: base, platform: { architecture: "amd64", os: "windows", "os.version": osVersion } };
                return (await this.manifest(repository, tag, mediaType, { schemaVersion: 2, mediaType, manifests: [entry] })).digest;
            }),
        );
    }

    /** Pushes the image under `tag`; returns the digest the tag now names. */
    async push(repository: string, tag: string, image: PushImage): Promise<string> {
        const layer = Buffer.from(`layer of ${repository}:${tag}`);
        const layerDigest = await this.blob(repository, layer);
        const entries = [];
        for (const p of image.platforms) {
            const config = Buffer.from(
                JSON.stringify({
                    architecture: p.architecture ?? "amd64",
                    os: p.os,
                    ...(p.osVersion !== undefined ? { "os.version": p.osVersion } : {}),
                    ...(p.osFeatures ? { "os.features": p.osFeatures } : {}),
                    rootfs: { type: "layers", diff_ids: [layerDigest] },
                    config: {},
                }),
            );
            const configDigest = await this.blob(repository, config);
            const manifest = {
                schemaVersion: 2,
                mediaType: "application/vnd.docker.distribution.manifest.v2+json",
                config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.length, digest: configDigest },
                layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: layer.length, digest: layerDigest }],
            };
            const ref = image.index ? `${tag}-${entries.length}` : tag;
            const m = await this.manifest(repository, ref, manifest.mediaType, manifest);
            entries.push({
                mediaType: manifest.mediaType,
                size: m.size,
                digest: m.digest,
                platform: {
                    architecture: p.architecture ?? "amd64",
                    os: p.os,
                    ...(p.osVersion !== undefined ? { "os.version": p.osVersion } : {}),
                    ...(p.osFeatures ? { "os.features": p.osFeatures } : {}),
                },
            });
            if (!image.index) return m.digest;
        }
        const mediaType = image.indexMediaType ?? "application/vnd.docker.distribution.manifest.list.v2+json";
        const index = await this.manifest(repository, tag, mediaType, { schemaVersion: 2, mediaType, manifests: entries });
        return index.digest;
    }
}
