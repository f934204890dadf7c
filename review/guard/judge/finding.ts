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

/** A JSON object's field, or undefined when the value is no object (arrays are no objects). */
export function field(v: unknown, name: string): unknown {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A field that must be an object when present; a finding when it is something else. */
export function shapeProblem(v: unknown, name: string): Finding[] {
    if (v === undefined || v === null || isObject(v)) return [];
    return [{ rule: UNREADABLE_REQUEST, message: `${name} is ${Array.isArray(v) ? "a list" : typeof v}, not an object, so the guard cannot read the request; send ${name} as a JSON object` }];
}
