/**
 * Values a preview cannot know yet, as the rules see them: Pulumi's sentinels become one marker,
 * UNKNOWN_UNTIL_DEPLOY, a fact each rule judges for itself, fail closed (an unknown label is
 * untrusted, an unknown endpoint may be tcp, an unknown isolation or image is a violation),
 * instead of the SDK's advisory skip.
 */

/** Stands for a value a preview cannot know yet (computed at deploy, e.g. a generated certificate). */
export const UNKNOWN_UNTIL_DEPLOY: unique symbol = Symbol("unknown until deploy");

/**
 * The sentinels Pulumi puts where a value is unknown during preview: the engine's wire value
 * (sdk/go/common/resource/plugin UnknownStringValue) and @pulumi/policy's typed ones (proxy.ts).
 */
export const PULUMI_UNKNOWN_SENTINELS: readonly string[] = [
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/** The value with every unknown sentinel, at any depth, replaced by UNKNOWN_UNTIL_DEPLOY. */
export function markUnknowns(value: unknown): unknown {
    if (typeof value === "string") return PULUMI_UNKNOWN_SENTINELS.includes(value) ? UNKNOWN_UNTIL_DEPLOY : value;
    if (Array.isArray(value)) return value.map(markUnknowns);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markUnknowns(v)]));
    return value;
}

/**
 * The fact at a path of marked inputs: UNKNOWN_UNTIL_DEPLOY when any step on the way is unknown
 * (an unknown containerSpec makes its isolation unknown, not missing), undefined when missing.
 */
export function factAt(value: unknown, ...path: readonly string[]): unknown {
    let v = value;
    for (const key of path) {
        if (v === UNKNOWN_UNTIL_DEPLOY) return UNKNOWN_UNTIL_DEPLOY;
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[key];
    }
    return v;
}
