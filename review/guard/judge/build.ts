/**
 * `POST /build`: the body is the build context (a tar the daemon never forwards), so the build is
 * judged from its query: `isolation` and `labels` (a JSON map, the image's labels), as the policy
 * judges a docker.RemoteImage build's `build.isolation` and `build.labels`. RUN steps are code.
 */
import { Caller, TRUSTED_IDENTITY_RULE, trustedIdentityProblem } from "../../../rules/guard/trustedIdentity";
import { judgedTrust, trustFromBuildLabels } from "../../../rules/policies/labelTrust";
import { hostPrivilegeProblems } from "../../../rules/policies/untrustedHostPrivileges";
import type { GuardSettings } from "../settings";
import { Finding, findings, UNREADABLE_REQUEST, UNTRUSTED_NO_HOST_ACCESS, UNTRUSTED_REQUIRES_HYPERV } from "./finding";
import { judgeIsolation } from "./workload";

export function judgeBuild(query: URLSearchParams, caller: Caller, settings: GuardSettings): Finding[] {
    let labels: unknown;
    const rawLabels = query.get("labels");
    if (rawLabels !== null && rawLabels !== "") {
        try {
            labels = JSON.parse(rawLabels);
        } catch {
            return [{ rule: UNREADABLE_REQUEST, message: "the build's labels query parameter is not JSON, so the guard cannot read the build's trust; send labels as a JSON object" }];
        }
    }
    const read = trustFromBuildLabels(labels);
    const out: Finding[] = read.ok ? [] : [{ rule: UNTRUSTED_REQUIRES_HYPERV, message: read.message }];
    const trust = judgedTrust(read);
    const identity = trustedIdentityProblem(trust, caller, settings);
    if (identity) out.push({ rule: TRUSTED_IDENTITY_RULE, message: identity });
    if (read.ok) out.push(...judgeIsolation(trust, query.get("isolation") ?? undefined, "isolation", settings));
    out.push(...findings(UNTRUSTED_NO_HOST_ACCESS, hostPrivilegeProblems(trust, { namespaceModes: [{ field: "networkmode", value: query.get("networkmode") ?? undefined }] })));
    return out;
}
