/**
 * The guard's HTTP server: the three plugin endpoints over the listen address. Every answer is
 * `200` with `{Allow, Msg}`: a message the guard cannot read is a denial with its reason, not an
 * HTTP error (which the daemon would also treat as a denial, but without saying why).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { auditEntry, AuditSink } from "./audit";
import { decide, denialMessage } from "./decide";
import { GUARD_ERROR, UNREADABLE_REQUEST } from "./judge/finding";
import type { ListenAddress } from "./address";
import { ACTIVATE, AUTHZ_REQUEST, AUTHZ_RESPONSE, AuthZResponse, decodeAuthZRequest, MANIFEST, MAX_FORWARDED_BODY, ProtocolError } from "./protocol";
import type { GuardSettings } from "./settings";

/** A plugin message carries the body base64-encoded (4/3) plus headers: room for the largest. */
const MAX_MESSAGE = Math.ceil((MAX_FORWARDED_BODY * 4) / 3) + 1024 * 1024;

function reply(res: http.ServerResponse, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(200, { "Content-Type": "application/vnd.docker.plugins.v1.2+json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
}

function readMessage(req: http.IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_MESSAGE) {
                resolve(undefined);
                req.removeAllListeners("data");
                req.resume();
                return;
            }
            chunks.push(c);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

export function authzRequest(raw: string | undefined, settings: GuardSettings, audit: AuditSink, now: () => Date = () => new Date()): AuthZResponse {
    if (raw === undefined) {
        const message = `the plugin request is over ${MAX_MESSAGE} bytes, more than the daemon forwards; refused`;
        audit.write(auditEntry(now(), "", "", "", [{ rule: UNREADABLE_REQUEST, message }]));
        return { Allow: false, Msg: `${UNREADABLE_REQUEST}: ${message}` };
    }
    let req;
    try {
        req = decodeAuthZRequest(raw);
    } catch (e) {
        const message = `${e instanceof ProtocolError ? e.message : "the plugin request cannot be read"}, so the guard refuses it`;
        audit.write(auditEntry(now(), "", "", "", [{ rule: UNREADABLE_REQUEST, message }]));
        return { Allow: false, Msg: `${UNREADABLE_REQUEST}: ${message}` };
    }
    const decision = decide(req, settings);
    if (decision.allow) return { Allow: true };
    audit.write(auditEntry(now(), req.user, req.method, req.uri, decision.findings));
    return { Allow: false, Msg: denialMessage(decision.findings) };
}

export interface RunningGuard {
    readonly server: http.Server;
    close(): Promise<void>;
}

export function startGuardServer(address: ListenAddress, settings: GuardSettings, audit: AuditSink): Promise<RunningGuard> {
    const server = http.createServer((req, res) => {
        const url = (req.url ?? "").split("?")[0];
        if (req.method === "POST" && url === AUTHZ_RESPONSE) {
            // The daemon's response (a list, logs, an export) carries nothing that starts a
            // container and is never judged: drained as it arrives, not buffered and decoded.
            req.on("error", (e: unknown) => reply(res, { Allow: false, Msg: `${GUARD_ERROR}: the guard could not read the plugin request (${String(e)}), so it refuses it` }));
            req.on("end", () => reply(res, { Allow: true } satisfies AuthZResponse));
            req.resume();
            return;
        }
        readMessage(req).then(
            (raw) => {
                if (req.method !== "POST") return reply(res, { Err: `${req.method} ${url}: the plugin protocol uses POST` });
                if (url === ACTIVATE) return reply(res, MANIFEST);
                if (url === AUTHZ_REQUEST) return reply(res, authzRequest(raw, settings, audit));
                res.writeHead(404, { "Content-Type": "application/json" });
                res.end(JSON.stringify({ Err: `${url}: not a plugin endpoint this guard serves (authz)` }));
            },
            (e: unknown) => reply(res, { Allow: false, Msg: `${GUARD_ERROR}: the guard could not read the plugin request (${String(e)}), so it refuses it` }),
        );
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        const listening = () => {
            server.off("error", reject);
            // Only the daemon (root / SYSTEM) talks to the guard.
            if (address.scheme === "unix") fs.chmodSync(address.path, 0o600);
            resolve({
                server,
                close: () =>
                    new Promise<void>((done) => {
                        server.close(() => done());
                        server.closeAllConnections();
                    }),
            });
        };
        if (address.scheme === "tcp") server.listen(address.port, address.host, listening);
        else if (address.scheme === "unix") {
            // A socket left by a guard that was killed would make listen fail; only a socket is removed.
            if (fs.existsSync(address.path) && fs.lstatSync(address.path).isSocket()) fs.unlinkSync(address.path);
            server.listen(address.path, listening);
        } else server.listen(address.pipe, listening);
    });
}
