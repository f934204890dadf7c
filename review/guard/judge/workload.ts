/**
 * What every judged workload has in common, read from a Docker API body into the rules' inputs:
 * its trust (from the API's label maps, through labelTrust.ts as the policies read it), who asked
 * (trusted-identity), and its isolation (untrusted-requires-hyperv), with the daemon's default
 * standing in for an unset isolation only when the settings state it.
 */
// Each rule from its own file (not the rules/ barrel), so that the bundled guard carries only these.
import { Caller, TRUSTED_IDENTITY_RULE, trustedIdentityProblem } from "../../../rules/guard/trustedIdentity";
import { dockerIsolation, Trust } from "../../../rules/os/isolation";
import { DockerLabel, judgedTrust, trustFromLabels } from "../../../rules/policies/labelTrust";
import { untrustedIsolationProblem } from "../../../rules/policies/untrustedRequiresHyperv";
import type { GuardSettings } from "../settings";
import { Finding, isObject, UNREADABLE_REQUEST, UNTRUSTED_REQUIRES_HYPERV } from "./finding";

/** The Docker API's label map (`{"k": "v"}`) in the rules' list shape; undefined when absent. */
export function labelList(map: unknown): DockerLabel[] | undefined {
    if (!isObject(map)) return undefined;
    return Object.entries(map).map(([label, value]) => ({ label, value }));
}

/** Label fields that are present but not maps: Docker refuses them, the guard does too. */
export function labelShapeProblems(fields: readonly [string, unknown][]): Finding[] {
    return fields
        .filter(([, v]) => v !== undefined && v !== null && !isObject(v))
        .map(([name, v]) => ({ rule: UNREADABLE_REQUEST, message: `${name} ${JSON.stringify(v)} is not a label map, so the guard cannot read the workload's trust; send labels as a JSON object` }));
}

export interface Judged {
    readonly trust: Trust;
    /** The trust label is no trust level: untrusted-requires-hyperv reports the label alone, as the policy does. */
    readonly invalidLabel: boolean;
    readonly findings: Finding[];
}

/** Trust and trusted-identity for one workload's label maps (read as the policies read them). */
export function judgeTrust(caller: Caller, settings: GuardSettings, labelMaps: readonly unknown[]): Judged {
    const read = trustFromLabels(...labelMaps.map(labelList));
    // An invalid label vouches for nothing (judgedTrust), and untrusted-requires-hyperv names it.
    const findings: Finding[] = read.ok ? [] : [{ rule: UNTRUSTED_REQUIRES_HYPERV, message: read.message }];
    const trust = judgedTrust(read);
    const identity = trustedIdentityProblem(trust, caller, settings);
    if (identity) findings.push({ rule: TRUSTED_IDENTITY_RULE, message: identity });
    return { trust, invalidLabel: !read.ok, findings };
}

/** untrusted-requires-hyperv for an isolation value as Docker will apply it. */
export function judgeIsolation(trust: Trust, isolation: unknown, fieldName: string, settings: GuardSettings): Finding[] {
    const stated = settings.daemonDefaultIsolation;
    const unset = dockerIsolation(isolation) === "default";
    const effective = unset && stated !== undefined ? stated : isolation;
    const problem = untrustedIsolationProblem(trust, effective, fieldName);
    if (!problem) return [];
    const why = unset && stated !== undefined ? ` (${fieldName} ${JSON.stringify(isolation ?? null)} is the daemon default, which the guard's settings state is '${stated}')` : "";
    return [{ rule: UNTRUSTED_REQUIRES_HYPERV, message: `${problem}${why}` }];
}
