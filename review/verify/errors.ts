/**
 * Why the engine could not be asked: one sentence naming the endpoint, what failed and what to
 * check (exit 2). Also the whole-run deadline that keeps a dead endpoint from hanging verify.
 */
import { Target } from "./target";

/** A failure to reach or understand the engine: exit 2, with a message naming the endpoint. */
export class EngineError extends Error {}

const TLS_SERVER_UNTRUSTED = new Set([
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_SIGNATURE_FAILURE",
    "CERT_UNTRUSTED",
]);

/** One sentence that says which endpoint failed, how, and what to check. */
export function describeEngineError(err: unknown, target: Target, timeoutMs: number): string {
    const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string }; reason?: string };
    const code = e?.code ?? "";
    const text = String(e?.message ?? e).trim();
    const at = `cannot verify ${target.endpoint}`;
    if (e instanceof EngineError) return `${at}: ${e.message}`;
    if (code === "ECONNREFUSED") return `${at}: connection refused (nothing listens there; is the engine running and is the port right?)`;
    if (code === "ENOENT" && target.kind !== "tcp") return `${at}: no socket at ${target.socketPath} (is the engine running?)`;
    if (code === "EACCES" && target.kind !== "tcp") return `${at}: permission denied on ${target.socketPath} (run as a user allowed to use the engine)`;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `${at}: host name does not resolve (${code})`;
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${at}: host unreachable (${code})`;
    if (target.kind === "tcp") {
        if (TLS_SERVER_UNTRUSTED.has(code)) return `${at}: the engine's server certificate is not signed by the CA in ${target.tls.caSource} (${code})`;
        if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `${at}: the engine's server certificate is not issued for ${target.host} (${e.reason ?? text})`;
        if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return `${at}: the engine's server certificate is not valid now (${code})`;
        const notTls = /wrong[ _]version[ _]number|packet[ _]length[ _]too[ _]long|http[ _]request|unknown[ _]protocol/i.exec(code + " " + text);
        if (notTls) {
            return `${at}: the endpoint does not speak TLS (a plain-HTTP engine?); verify only talks to tcp engines over verified mutual TLS (${[code, notTls[0]].filter(Boolean).join(": ")})`;
        }
        if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|DECRYPT_ERROR|ACCESS_DENIED|HANDSHAKE_FAILURE)/i.test(code + " " + text)) {
            return `${at}: the engine refused our client certificate ${target.tls.certSource} (${code || text}); use a certificate signed by the CA the engine trusts`;
        }
        if (code === "ECONNRESET" || code === "EPIPE") {
            return `${at}: the engine closed the TLS connection (${code}); most often it refused our client certificate ${target.tls.certSource}`;
        }
        if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || code === "EPROTO") return `${at}: TLS failed (${code}: ${text})`;
    }
    if (/socket hang up/i.test(text) || code === "ECONNRESET") return `${at}: the engine closed the connection (${code || text})`;
    if (typeof e?.statusCode === "number") return `${at}: the engine answered HTTP ${e.statusCode} (${e.json?.message ?? text})`;
    if (/timeout|timed out|ETIMEDOUT/i.test(code + " " + text)) return `${at}: no answer within ${timeoutMs / 1000}s`;
    return `${at}: ${code ? `${code}: ` : ""}${text}`;
}

/** Resolves with the promise, or rejects after `ms` whatever the transport does; `shownMs` is the deadline the message names (the whole run's). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, shownMs = ms): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EngineError(`no answer within ${shownMs / 1000}s (${what})`)), ms);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

