/**
 * Polls a new host's Docker endpoint from the outside until the engine is ready: `GET /info` over
 * mutual TLS with the stack's CA and client certificate, each answer judged by the pure rule
 * (rules/docker/engineReadiness.ts), with back-off up to the bootstrap timeout. A refused or reset
 * connection, a timeout or a not-yet-ready answer is one more attempt, so any number of guest
 * restarts in between is survived; only the deadline ends the wait, with the last thing seen.
 * Node's own https only: HostReadiness's dynamic provider serializes this code into Pulumi state.
 */
import * as https from "https";
import { EngineReadinessExpectation, EngineReadinessFacts, judgeEngineReadiness } from "../../rules/docker/engineReadiness";

/** Where and how to reach the engine. `keyPem` is the client's private key: never in a message. */
export interface EngineProbeTarget {
    readonly host: string;
    readonly port: number;
    readonly caPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

export interface EngineWaitOptions {
    /** The whole wait; the bootstrap timeout. */
    readonly timeoutSeconds: number;
    /** Where the guest's logs are, for the failure message. */
    readonly guestLogs: string;
    /** First pause between attempts (doubled each time up to maxDelayMs). Default 5 s. */
    readonly initialDelayMs?: number;
    /** Longest pause between attempts. Default 30 s. */
    readonly maxDelayMs?: number;
    /** One request's bound. Default 15 s. */
    readonly requestTimeoutMs?: number;
    /** Told after every attempt that did not end the wait (progress logs; tests drive restarts with it). */
    readonly onNotReady?: (attempt: number, seen: string) => void | Promise<void>;
}

const NO_ANSWER = "no answer from";
const isNoAnswer = (seen: string) => seen.startsWith(NO_ANSWER);

/** An error message for a failed request that says what it means for a host being bootstrapped. */
function describeRequestError(e: unknown, target: EngineProbeTarget): string {
    const err = e as NodeJS.ErrnoException & { code?: string };
    const code = err?.code ?? "";
    const at = `${target.host}:${target.port}`;
    if (code === "ECONNREFUSED") return `connection to ${at} refused (nothing listens yet: the host is installing, restarting or starting its engine)`;
    if (code === "ECONNRESET" || code === "EPIPE") return `connection to ${at} reset (the host restarting?)`;
    if (code === "ETIMEDOUT" || code === "WI_TIMEOUT") return `${NO_ANSWER} ${at} in time (the VM starting, or a network security group / firewall dropping 2376)`;
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ENOTFOUND" || code === "EAI_AGAIN") return `${at} unreachable (${code}): is this machine able to reach the host's address?`;
    if (/CERT|SELF_SIGNED|SIGNATURE|ALTNAME|ISSUER/.test(code)) {
        return `TLS: the certificate ${at} presents is not one the stack's CA signed for this address (${code}); the engine has other TLS material than this stack`;
    }
    if (/alert|handshake|certificate/i.test(err?.message ?? "")) return `TLS handshake with ${at} failed: ${err.message} (the engine does not accept the stack's client certificate?)`;
    return `request to ${at} failed: ${code ? `${code} ` : ""}${err?.message ?? String(e)}`;
}

/** `GET /info` once; resolves with the parsed body, rejects with a message that never holds the key. */
export function getEngineInfo(target: EngineProbeTarget, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
        let settled = false;
        const fail = (message: string) => {
            if (!settled) {
                settled = true;
                reject(new Error(message));
            }
        };
        const req = https.request({
            host: target.host,
            port: target.port,
            path: "/info",
            method: "GET",
            ca: target.caPem,
            cert: target.certPem,
            key: target.keyPem,
            agent: false,
            timeout: timeoutMs,
            headers: { accept: "application/json" },
        }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", (e) => fail(describeRequestError(e, target)));
            res.on("end", () => {
                const body = Buffer.concat(chunks).toString("utf8");
                if (res.statusCode !== 200) return fail(`GET /info answered HTTP ${res.statusCode}: ${body.slice(0, 200).trim()}`);
                try {
                    const parsed: unknown = JSON.parse(body);
                    settled = true;
                    resolve(parsed);
                } catch {
                    fail("GET /info answered with a body that is not JSON");
                }
            });
        });
        req.on("timeout", () => {
            const e = Object.assign(new Error("timeout"), { code: "WI_TIMEOUT" });
            req.destroy(e);
        });
        req.on("error", (e) => fail(describeRequestError(e, target)));
        req.end();
    });
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls until the engine is ready and returns what it reported; throws after the deadline with
 * the number of attempts, the last thing seen and where the guest's logs are.
 */
export async function waitForEngineReady(target: EngineProbeTarget, expected: EngineReadinessExpectation, options: EngineWaitOptions): Promise<EngineReadinessFacts> {
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    const maxDelay = options.maxDelayMs ?? 30000;
    let delay = options.initialDelayMs ?? 5000;
    const requestTimeout = options.requestTimeoutMs ?? 15000;
    let attempt = 0;
    let seen = "no attempt made";
    while (true) {
        attempt++;
        const remaining = Math.max(1, deadline - Date.now());
        const cutShort = remaining < requestTimeout;
        try {
            const verdict = judgeEngineReadiness(await getEngineInfo(target, Math.min(requestTimeout, remaining)), expected);
            if (verdict.ready) return verdict.facts;
            seen = verdict.reason;
        } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            // An attempt the deadline cut short that got no answer says nothing about the engine:
            // it does not hide what an earlier attempt saw.
            if (!(cutShort && isNoAnswer(message) && attempt > 1)) seen = message;
        }
        if (Date.now() + delay >= deadline) break;
        await options.onNotReady?.(attempt, seen);
        await pause(delay);
        delay = Math.min(maxDelay, delay * 2);
    }
    throw new Error(`the engine at ${target.host}:${target.port} was not ready within ${options.timeoutSeconds} s (${attempt} attempt${attempt === 1 ? "" : "s"}); last seen: ${seen}. Guest logs: ${options.guestLogs}`);
}
