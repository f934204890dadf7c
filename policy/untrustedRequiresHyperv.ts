/**
 * untrusted-requires-hyperv (mandatory): untrusted code runs only under Hyper-V isolation, the
 * only security boundary Windows containers have. Checked on our component and on raw Docker
 * resources, so bypassing WindowsContainer does not bypass the rule. No exemptions: the fix for
 * a trusted workload is to declare it trusted, which the report then shows.
 */
import * as docker from "@pulumi/docker";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { containerResourceProblem, parseTrust, trustFromLabels, untrustedIsolationProblem, WindowsContainerSummary } from "../rules";
import { WINDOWS_CONTAINER_TYPE } from "./types";

const service = validateResourceOfType(docker.Service, (svc, _args, report) => {
    const spec = svc.taskSpec?.containerSpec;
    const trust = trustFromLabels(spec?.labels, svc.labels);
    if (!trust.ok) return report(trust.message);
    const problem = untrustedIsolationProblem(trust.trust, spec?.isolation);
    if (problem) report(problem);
});

const container = validateResourceOfType(docker.Container, (ctr, _args, report) => {
    const trust = trustFromLabels(ctr.labels);
    if (!trust.ok) return report(trust.message);
    const problem = containerResourceProblem(trust.trust);
    if (problem) report(problem);
});

export const untrustedRequiresHyperv: ResourceValidationPolicy = {
    name: "untrusted-requires-hyperv",
    description: "Untrusted Windows workloads (and any without a trust label) run only under explicit Hyper-V isolation.",
    enforcementLevel: "mandatory",
    validateResource: async (args, report) => {
        if (args.type === WINDOWS_CONTAINER_TYPE) {
            const summary = args.props as Partial<WindowsContainerSummary>;
            const trust = parseTrust(summary.trust);
            if (!trust.ok) return report(trust.error.message);
            const problem = untrustedIsolationProblem(trust.value, summary.isolation);
            if (problem) report(problem);
            return;
        }
        // Each typed validation reports notApplicable for other types, so dispatch to the one that fits.
        if (args.isType(docker.Service)) return service(args, report);
        if (args.isType(docker.Container)) return container(args, report);
        args.notApplicable(`applies to ${WINDOWS_CONTAINER_TYPE}, docker.Service and docker.Container`);
    },
};
