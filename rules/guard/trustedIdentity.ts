/**
 * Who may create trusted work at the engine. With mutual TLS the daemon passes the client
 * certificate's common name as `User` (`UserAuthNMethod` TLS); the guard's settings name the
 * identities that may create workloads labelled trusted (and so, through untrusted-requires-hyperv,
 * process isolation). Everyone else creates untrusted + hyperv work only, so the certificate a CI
 * job holds cannot mark customer code trusted.
 */
import { Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";

export const TRUSTED_IDENTITY_RULE = "trusted-identity";

/** The caller as the daemon identified it. */
export interface Caller {
    /** The TLS client certificate's common name; empty without TLS. */
    readonly user: string;
    /** `TLS` when `user` comes from a verified client certificate; empty for the pipe or socket. */
    readonly authNMethod: string;
}

export interface TrustGrant {
    readonly trustedIdentities: readonly string[];
    /** Whether callers without a TLS identity (local pipe or socket) may create trusted work. */
    readonly localTrusted: boolean;
}

/** Whether the caller may create trusted work. A TLS caller is judged by name, never as local. */
export function mayCreateTrusted(caller: Caller, grant: TrustGrant): boolean {
    if (caller.authNMethod === "") return grant.localTrusted;
    return caller.user !== "" && grant.trustedIdentities.includes(caller.user);
}

/** A caller shown in a message: the certificate's name, or the local endpoint. */
export function describeCaller(caller: Caller): string {
    return caller.authNMethod === "" ? "a local caller (no TLS identity)" : `client identity '${caller.user}' (${caller.authNMethod})`;
}

/** trusted-identity: undefined when fine, else why the caller may not declare this trust. */
export function trustedIdentityProblem(declared: Trust, caller: Caller, grant: TrustGrant): string | undefined {
    if (declared !== "trusted" || mayCreateTrusted(caller, grant)) return undefined;
    return `${describeCaller(caller)} may not create workloads labelled ${TRUST_LABEL}=trusted (the guard's settings name who may: trustedIdentities${caller.authNMethod === "" ? ", localTrusted" : ""}); label the workload untrusted and run it with isolation 'hyperv', or use a client certificate that may`;
}
