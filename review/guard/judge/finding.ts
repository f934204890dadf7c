/** One reason to refuse a request: the rule's name (the policy names) and the message. */
export interface Finding {
    readonly rule: string;
    readonly message: string;
}

export const UNTRUSTED_REQUIRES_HYPERV = "untrusted-requires-hyperv";
export const UNTRUSTED_NO_HOST_ACCESS = "untrusted-no-host-access";
/** A request the guard cannot read or does not know, that could start something. */
export const UNREADABLE_REQUEST = "guard-unreadable-request";
/** Plugin installs and swarm joins, refused unless the settings allow them. */
export const NOT_ALLOWED_HERE = "guard-not-allowed";
/** An error inside the guard itself. */
export const GUARD_ERROR = "guard-error";

export const findings = (rule: string, messages: readonly string[]): Finding[] => messages.map((message) => ({ rule, message }));

/**
 * A key as Go's encoding/json folds it to match a struct field: ASCII letters upper-cased, and the
 * two non-ASCII runes whose fold set holds an ASCII letter (U+017F long s, U+212A Kelvin sign)
 * mapped to it. The daemon decodes request bodies with encoding/json, which matches field names
 * case-insensitively this way, so `hostconfig`, `ISOLATION` or `Iſolation` reach the same fields.
 */
export function goFold(key: string): string {
    return key.replace(/\u017f/g, "S").replace(/\u212a/g, "K").replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/** Two keys of one object that Go decodes into the same field: the guard cannot tell which wins. */
export class AmbiguousField extends Error {}

/**
 * A JSON object's struct field as the daemon decodes it (Go's case-insensitive match), or
 * undefined when absent or the value is no object (arrays are no objects). Keys that fold to the
 * same field are refused rather than guessed (Go takes the last one in the document, which
 * JSON.parse does not keep).
 */
export function field(v: unknown, name: string): unknown {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    const want = goFold(name);
    const keys = Object.keys(v).filter((k) => goFold(k) === want);
    if (keys.length > 1) throw new AmbiguousField(`keys ${keys.map((k) => JSON.stringify(k)).join(" and ")} are one field (${name}) to the daemon, which reads the last; send each field once`);
    return keys.length === 1 ? (v as Record<string, unknown>)[keys[0]] : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A field that must be an object when present; a finding when it is something else. */
export function shapeProblem(v: unknown, name: string): Finding[] {
    if (v === undefined || v === null || isObject(v)) return [];
    return [{ rule: UNREADABLE_REQUEST, message: `${name} is ${Array.isArray(v) ? "a list" : typeof v}, not an object, so the guard cannot read the request; send ${name} as a JSON object` }];
}
