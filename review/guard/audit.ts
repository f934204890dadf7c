/**
 * One JSON line per denial: time, user, method, path, rule, message. Bounded (each field cut, the
 * file rotated at a size) and free of secrets: no body, no query string (build args and filters
 * travel there), no header (X-Registry-Auth); the messages quote only the judged fields.
 */
import * as fs from "node:fs";
import type { Finding } from "./judge/finding";

const FIELD_MAX = 200;
const MESSAGE_MAX = 2000;

export interface AuditEntry {
    readonly time: string;
    readonly user: string;
    readonly method: string;
    readonly path: string;
    readonly rule: string;
    readonly message: string;
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}...(${s.length - max} more)` : s);

export function auditEntry(now: Date, user: string, method: string, uri: string, found: readonly Finding[]): AuditEntry {
    return {
        time: now.toISOString(),
        user: cut(user, FIELD_MAX),
        method: cut(method, 16),
        path: cut(uri.split("?")[0], FIELD_MAX),
        rule: cut([...new Set(found.map((f) => f.rule))].join(","), FIELD_MAX),
        message: cut(found.map((f) => `${f.rule}: ${f.message}`).join(" | "), MESSAGE_MAX),
    };
}

export interface AuditSink {
    write(entry: AuditEntry): void;
}

/** Appends to `file`, moving it to `<file>.1` first when the next line would pass `maxBytes`. */
export function fileAudit(file: string, maxBytes: number): AuditSink {
    return {
        write(entry) {
            const line = `${JSON.stringify(entry)}\n`;
            let size = 0;
            try {
                size = fs.statSync(file).size;
            } catch {
                // not there yet
            }
            if (size > 0 && size + Buffer.byteLength(line) > maxBytes) fs.renameSync(file, `${file}.1`);
            fs.appendFileSync(file, line, { mode: 0o600 });
        },
    };
}

export const streamAudit = (out: NodeJS.WritableStream): AuditSink => ({ write: (entry) => void out.write(`${JSON.stringify(entry)}\n`) });
