/**
 * untrusted-requires-hyperv: untrusted code (and code without a trust label) runs only under
 * explicit Hyper-V isolation. The policy (policy/untrustedRequiresHyperv.ts) reads each
 * resource's trust with labelTrust.ts and asks these rules.
 */
import { dockerIsolation, Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/**
 * untrusted-requires-hyperv for a workload that can state its isolation (docker.Service,
 * WindowsContainer, an image build): undefined when fine, else why not. The value is read as
 * Docker reads it (`dockerIsolation`), and only Hyper-V satisfies the rule for untrusted code:
 * missing, `default`, an unrecognised string (all the daemon default, which on a host we did not
 * build is process isolation on Windows Server) and a value not known until deploy all fail.
 */
export function untrustedIsolationProblem(trust: Trust, isolation: unknown, field = "isolation"): string | undefined {
    if (trust !== "untrusted") return undefined;
    if (isolation === UNKNOWN_UNTIL_DEPLOY) {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not known until deploy, so the plan cannot show it will be Hyper-V; set ${field} to the literal 'hyperv'`;
    }
    const mode = dockerIsolation(isolation);
    if (mode === "hyperv") return undefined;
    if (isolation === undefined || isolation === null || isolation === "") {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not set, which leaves the choice to the Docker daemon; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
    }
    if (mode === "default") {
        const why = String(isolation).toLowerCase() === "default" ? "hands the choice to the Docker daemon" : "is not an isolation mode Docker knows, so Docker applies the daemon default";
        return `trust 'untrusted' requires ${field} 'hyperv': ${field} '${String(isolation)}' ${why}; set ${field} 'hyperv'`;
    }
    const read = isolation === mode ? "" : ` (Docker reads it as '${mode}')`;
    return `trust 'untrusted' requires ${field} 'hyperv', got '${String(isolation)}'${read}; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
}

/**
 * untrusted-requires-hyperv for docker.Image: its build has no isolation field, so its RUN steps
 * run in the daemon default, and it carries no trust label either.
 */
export function unstatedBuildIsolationProblem(): string {
    return "a docker.Image build cannot state an isolation mode (its build has no isolation field), so the Dockerfile's RUN steps run in whatever the daemon defaults to; build with docker.RemoteImage and build.isolation 'hyperv' (labelled windows-isolation.trust=trusted only if the build context really is), or build elsewhere and reference the image by digest";
}

/**
 * untrusted-requires-hyperv for docker.Container, which cannot express an isolation mode at
 * all (neither @pulumi/docker nor upstream docker_container has the field): only a workload
 * labelled trusted may use it.
 */
export function containerResourceProblem(trust: Trust): string | undefined {
    if (trust === "trusted") return undefined;
    return `a docker.Container cannot state an isolation mode, so it runs in whatever the daemon defaults to, and this one is not labelled ${TRUST_LABEL}=trusted; use WindowsContainer (or docker.Service with taskSpec.containerSpec.isolation 'hyperv')`;
}
