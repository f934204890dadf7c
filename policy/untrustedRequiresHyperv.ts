/**
 * untrusted-requires-hyperv (mandatory): untrusted code runs only under Hyper-V isolation, the
 * only security boundary Windows containers have. Checked on our component and on raw Docker
 * resources, so bypassing WindowsContainer does not bypass the rule; image builds count, since a
 * Dockerfile's RUN steps are code too, and so are buildx builders, engine plugins and Kubernetes
 * workloads (resources of another provider that run containers). No exemptions: the fix for a trusted workload is to
 * declare it trusted, which the report then shows. Inputs are read with factsOf, so a value not
 * known during preview is a violation here, never the SDK's advisory "can't run during preview".
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
    buildxBuilderProblem,
    CONTAINER_INPUTS,
    containerResourceProblem,
    DOCKER_IMAGE_INPUTS,
    DockerLabel,
    dockerPluginProblem,
    factAt,
    IMAGE_BUILD,
    IMAGE_BUILD_INPUTS,
    kubernetesWorkloadKind,
    kubernetesWorkloadProblems,
    parseTrust,
    SERVICE_INPUTS,
    SummaryFacts,
    trustFromBuildLabels,
    trustFromLabels,
    UNKNOWN_UNTIL_DEPLOY,
    unstatedBuildIsolationProblem,
    untrustedImageBuildProblem,
    untrustedIsolationProblem,
    WindowsContainerSummary,
} from "../rules";
import { factsOf } from "./known";
import { DOCKER_BUILDX_BUILDER_TYPE, DOCKER_CONTAINER_TYPE, DOCKER_IMAGE_TYPE, DOCKER_PLUGIN_TYPE, DOCKER_REGISTRY_IMAGE_TYPE, DOCKER_REMOTE_IMAGE_TYPE, DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "./types";

type Labels = readonly DockerLabel[] | typeof UNKNOWN_UNTIL_DEPLOY | undefined;

/** Every finding for one resource's marked inputs; undefined when the policy does not apply. */
export function untrustedRequiresHypervProblems(type: string, props: Record<string, unknown>): string[] | undefined {
    const one = (p: string | undefined) => (p ? [p] : []);
    switch (type) {
        case WINDOWS_CONTAINER_TYPE: {
            const summary = props as SummaryFacts<WindowsContainerSummary>;
            // A trust that is not known until deploy cannot vouch: untrusted.
            const trust = summary.trust === UNKNOWN_UNTIL_DEPLOY ? ({ ok: true, value: "untrusted" } as const) : parseTrust(summary.trust);
            if (!trust.ok) return [trust.error.message];
            return one(untrustedIsolationProblem(trust.value, summary.isolation));
        }
        case DOCKER_SERVICE_TYPE: {
            const trust = trustFromLabels(factAt(props, ...SERVICE_INPUTS.containerLabels) as Labels, factAt(props, ...SERVICE_INPUTS.labels) as Labels);
            if (!trust.ok) return [trust.message];
            return one(untrustedIsolationProblem(trust.trust, factAt(props, ...SERVICE_INPUTS.isolation)));
        }
        case DOCKER_CONTAINER_TYPE: {
            const trust = trustFromLabels(factAt(props, ...CONTAINER_INPUTS.labels) as Labels);
            if (!trust.ok) return [trust.message];
            return one(containerResourceProblem(trust.trust));
        }
        case DOCKER_REMOTE_IMAGE_TYPE:
        case DOCKER_REGISTRY_IMAGE_TYPE: {
            const at = (path: readonly string[]) => factAt(props, ...path);
            const build = at(IMAGE_BUILD);
            if (build === undefined || build === null) return [];
            const trust = trustFromBuildLabels(at(IMAGE_BUILD_INPUTS.labels), at(IMAGE_BUILD_INPUTS.label));
            if (!trust.ok) return [trust.message];
            return one(untrustedImageBuildProblem(trust.trust, { isolation: at(IMAGE_BUILD_INPUTS.isolation), builder: at(IMAGE_BUILD_INPUTS.builder), useLegacyBuilder: at(IMAGE_BUILD_INPUTS.useLegacyBuilder) }));
        }
        case DOCKER_IMAGE_TYPE: {
            const build = factAt(props, ...DOCKER_IMAGE_INPUTS.build);
            return build === undefined || build === null ? [] : [unstatedBuildIsolationProblem()];
        }
        case DOCKER_BUILDX_BUILDER_TYPE:
            return [buildxBuilderProblem()];
        case DOCKER_PLUGIN_TYPE:
            return [dockerPluginProblem()];
        default: {
            const kind = kubernetesWorkloadKind(type);
            return kind === undefined ? undefined : kubernetesWorkloadProblems(kind, props);
        }
    }
}

export const untrustedRequiresHyperv: ResourceValidationPolicy = {
    name: "untrusted-requires-hyperv",
    description: "Untrusted Windows workloads and image builds (and any without a trust label) run only under explicit Hyper-V isolation; buildx builders, engine plugins and untrusted Kubernetes pods that may land on Windows nodes are violations.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const problems = untrustedRequiresHypervProblems(args.type, factsOf(args.props));
        if (problems === undefined) return args.notApplicable(`applies to ${WINDOWS_CONTAINER_TYPE}, docker.Service, docker.Container, docker.RemoteImage, docker.RegistryImage, docker.Image, docker.BuildxBuilder, docker.Plugin and Kubernetes workloads`);
        for (const p of problems) report(p);
    },
};
