/**
 * trusted-images (mandatory): `trusted` is valid only for images from the registries or
 * repositories the team lists in this policy's config (`registries`), pinned by digest when
 * `requireDigest` is set; with plan --resolve-images the digest is checked against the registry.
 * A workload labelled trusted with any other image is a violation. Without `registries` the
 * policy is not applicable (every trusted label stands as written, as before this policy).
 */
import * as docker from "@pulumi/docker";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    DockerLabel,
    factAt,
    parseTrust,
    resolutionFor,
    ResolvedImagesConfig,
    resolvedImagesSchema,
    trustedImageProblems,
    TrustedImagesConfig,
    trustedImagesConfigured,
    trustFromLabels,
    WindowsContainerSummary,
} from "../rules";
import { factsOf, summaryOf } from "./known";
import { WINDOWS_CONTAINER_TYPE } from "./types";

type Labels = readonly DockerLabel[] | undefined;

/** The workload's image and whether it calls itself trusted; undefined for other resources. */
function trustedWorkload(args: ResourceValidationArgs): { image: unknown; trusted: boolean } | undefined {
    const props = factsOf(args.props);
    if (args.type === WINDOWS_CONTAINER_TYPE) {
        const summary = summaryOf<WindowsContainerSummary>(args.props);
        const trust = parseTrust(summary.trust);
        return { image: summary.image, trusted: trust.ok && trust.value === "trusted" };
    }
    if (args.isType(docker.Service)) {
        const trust = trustFromLabels(factAt(props, "taskSpec", "containerSpec", "labels") as Labels, props.labels as Labels);
        return { image: factAt(props, "taskSpec", "containerSpec", "image"), trusted: trust.ok && trust.trust === "trusted" };
    }
    if (args.isType(docker.Container)) {
        const trust = trustFromLabels(props.labels as Labels);
        return { image: props.image, trusted: trust.ok && trust.trust === "trusted" };
    }
    return undefined;
}

export const trustedImages: ResourceValidationPolicy = {
    name: "trusted-images",
    description: "A workload labelled trusted runs an image from a trusted registry (and pinned by digest when required).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            registries: {
                type: "array",
                items: { type: "string", minLength: 1 },
                description: "Registries (mcr.microsoft.com) or registry/repository prefixes (myacr.azurecr.io/team) whose images may run trusted.",
                default: [],
            },
            requireDigest: { type: "boolean", description: "Trusted images must be pinned by digest (name@sha256:...).", default: false },
            resolvedImages: resolvedImagesSchema,
        },
    },
    validateResource: (args, report) => {
        const workload = trustedWorkload(args);
        if (workload === undefined) return args.notApplicable(`applies to ${WINDOWS_CONTAINER_TYPE}, docker.Service and docker.Container`);
        const config = args.getConfig<TrustedImagesConfig & ResolvedImagesConfig>();
        if (!trustedImagesConfigured(config)) return args.notApplicable("no trusted-images.registries configured");
        if (!workload.trusted) return;
        for (const p of trustedImageProblems(workload.image, config, resolutionFor(config, workload.image))) report(p);
    },
};
