/**
 * Policies read resource inputs through these, never through @pulumi/policy's proxy directly:
 * the proxy throws UnknownValueError at the first value unknown during preview, which the SDK
 * turns into an advisory "can't run policy during preview" and, in a stack policy, skips every
 * resource after it. Here an unknown value becomes UNKNOWN_UNTIL_DEPLOY, a fact the rules judge
 * (fail closed), and every other resource is still checked.
 */
import { UnknownValueError } from "@pulumi/policy";
import { markUnknowns, SummaryFacts, UNKNOWN_UNTIL_DEPLOY } from "../rules";

function read(obj: Record<string | number, unknown>, key: string | number): unknown {
    try {
        return obj[key];
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN_UNTIL_DEPLOY;
        throw e;
    }
}

/** A plain copy of (proxied) resource inputs, each unknown value marked. */
export function factsOf(props: unknown): Record<string, unknown> {
    const copy = (v: unknown): unknown => {
        if (v === null || typeof v !== "object") return v;
        const o = v as Record<string | number, unknown>;
        if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => copy(read(o, i)));
        return Object.fromEntries(Object.keys(o).map((k) => [k, copy(read(o, k))]));
    };
    const facts = markUnknowns(copy(props));
    return facts !== null && typeof facts === "object" && !Array.isArray(facts) ? (facts as Record<string, unknown>) : {};
}

/** factsOf for a component's inputs, keyed by its summary type (WindowsContainerSummary, HostSummary). */
export function summaryOf<T>(props: unknown): SummaryFacts<T> {
    return factsOf(props) as SummaryFacts<T>;
}
