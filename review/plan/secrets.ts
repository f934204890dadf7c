/**
 * Secret values never reach a report. Every string (or number) inside one of Pulumi's secret
 * envelopes in any recorded input is a secret; each report value that is one is shown as
 * `[secret]`, and each text that contains one has it replaced, whatever field or policy message
 * carried it there.
 */
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../analyzer/resource";

export const SECRET_MARK = "[secret]";

function collect(value: unknown, inSecret: boolean, out: Set<string>): void {
    if (Array.isArray(value)) {
        for (const v of value) collect(v, inSecret, out);
    } else if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return collect(o.value, true, out);
        for (const v of Object.values(o)) collect(v, inSecret, out);
    } else if (inSecret && (typeof value === "string" || typeof value === "number") && String(value) !== "") {
        out.add(String(value));
    }
}

/** Every string (or number) in a value that is secret as a whole, e.g. one a program passed to pulumi.secret. */
export function secretLeaves(value: unknown): string[] {
    const out = new Set<string>();
    collect(value, true, out);
    return [...out];
}

/** Secret values longest first (so a secret inside another is cut as part of it). */
export function longestFirst(values: Iterable<string>): string[] {
    return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** Every secret value in the recorded inputs, longest first (so a secret inside another is cut as part of it). */
export function secretValues(resources: readonly RecordedResource[]): string[] {
    const out = new Set<string>();
    for (const r of resources) collect(r.inputs, false, out);
    return longestFirst(out);
}

/**
 * Where a secret occurs in a text. A short one only as a whole token: a secret trust label
 * `trusted` is cut from "label value trusted" but not out of "untrusted", which would both garble
 * the text and give the secret away by what is left. A long one wherever it occurs.
 */
function pattern(secret: string): RegExp {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(secret.length >= 16 ? escaped : `(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, "g");
}

/** Fields that hold what the pack or the filesystem says, never a program's values. */
const KEEP = new Set(["policy", "level", "kind", "type", "location", "program", "configFile", "policyPack", "exitCode", "summary", "resourceCount"]);

/** `value` with every secret shown as `[secret]`; object keys and the KEEP fields stay as they are. */
export function redact<T>(value: T, secrets: readonly string[]): T {
    if (secrets.length === 0) return value;
    const patterns = secrets.map(pattern);
    const walk = (v: unknown): unknown => {
        if (typeof v === "string") {
            if (secrets.includes(v)) return SECRET_MARK;
            return patterns.reduce((s, p) => s.replace(p, SECRET_MARK), v);
        }
        if (typeof v === "number") return secrets.includes(String(v)) ? SECRET_MARK : v;
        if (Array.isArray(v)) return v.map(walk);
        if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, KEEP.has(k) ? x : walk(x)]));
        return v;
    };
    return walk(value) as T;
}
