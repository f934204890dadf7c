/**
 * The trust a workload or an image build declares through the windows-isolation.trust label,
 * read the same way by every policy and by the plan. Missing or unknown means untrusted.
 */
import { parseTrust, Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** Docker's label list shape (`[{label, value}]`), as docker.Service and docker.Container take it. */
export interface DockerLabel {
    readonly label?: unknown;
    readonly value?: unknown;
}

export type TrustFromLabels =
    | { readonly ok: true; readonly trust: Trust; readonly declared: boolean; /** A label not known until deploy (counted untrusted). */ readonly unknown?: true }
    | { readonly ok: false; readonly message: string };

/** A trust verdict as the reports show it. */
export function describeTrust(t: TrustFromLabels): string {
    if (!t.ok) return "invalid label";
    if (t.unknown) return "untrusted (label unknown until deploy)";
    return `${t.trust}${t.declared ? "" : " (no label)"}`;
}

/**
 * The trust a workload declares through its labels. Missing means untrusted (fail closed);
 * several label lists that disagree also mean untrusted; a value that is not a trust level is
 * an error.
 */
export function trustFromLabels(...labelLists: readonly (readonly DockerLabel[] | typeof UNKNOWN_UNTIL_DEPLOY | undefined)[]): TrustFromLabels {
    const values: unknown[] = [];
    for (const list of labelLists) {
        // A label list, label or value not known until deploy cannot vouch for anything: untrusted.
        if (list === UNKNOWN_UNTIL_DEPLOY) return { ok: true, trust: "untrusted", declared: true, unknown: true };
        for (const l of Array.isArray(list) ? list : []) {
            if (l === UNKNOWN_UNTIL_DEPLOY || l?.label === UNKNOWN_UNTIL_DEPLOY) return { ok: true, trust: "untrusted", declared: true, unknown: true };
            if (l?.label === TRUST_LABEL) values.push(l.value);
        }
    }
    if (values.includes(UNKNOWN_UNTIL_DEPLOY)) return { ok: true, trust: "untrusted", declared: true, unknown: true };
    if (values.length === 0) return { ok: true, trust: "untrusted", declared: false };
    for (const v of values) {
        const parsed = parseTrust(v);
        if (!parsed.ok) return { ok: false, message: `label ${TRUST_LABEL}=${JSON.stringify(v)}: ${parsed.error.message}` };
    }
    const trust: Trust = values.every((v) => v === "trusted") ? "trusted" : "untrusted";
    return { ok: true, trust, declared: true };
}

/**
 * The trust an image build declares: `build.labels` and `build.label` are maps (the image's own
 * labels), read like a workload's label lists. Missing means untrusted: a build context runs its
 * Dockerfile's RUN steps, which is code like any other.
 */
export function trustFromBuildLabels(...maps: readonly unknown[]): TrustFromLabels {
    return trustFromLabels(
        ...maps.map((m) => {
            if (m === UNKNOWN_UNTIL_DEPLOY) return UNKNOWN_UNTIL_DEPLOY;
            if (m === null || typeof m !== "object" || Array.isArray(m)) return undefined;
            return Object.entries(m as Record<string, unknown>).map(([label, value]) => ({ label, value }));
        }),
    );
}

/**
 * The trust a policy judges by: an invalid label vouches for nothing, so it counts as untrusted
 * (untrusted-requires-hyperv reports the label itself).
 */
export function judgedTrust(t: TrustFromLabels): Trust {
    return t.ok ? t.trust : "untrusted";
}
