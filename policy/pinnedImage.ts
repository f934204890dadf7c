/**
 * pinned-image (advisory): `latest` or an untagged image can change Windows build under a
 * running deployment. Exceptions: trusted registries (their moving tags are accepted) and
 * per-resource exemptions.
 */
import * as docker from "@pulumi/docker";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CONTAINER_INPUTS, factAt, imageFromRegistry, REMOTE_IMAGE_INPUTS, SERVICE_INPUTS, UNKNOWN_UNTIL_DEPLOY, unpinnedImageProblem, WindowsContainerSummary } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { factsOf, summaryOf } from "./known";
import { WINDOWS_CONTAINER_TYPE } from "./types";

interface PinnedImageConfig extends ExemptionConfig {
    readonly trustedRegistries?: readonly string[];
}

/** The image references a resource declares, by resource kind (read with factsOf: unknowns marked). */
function imagesOf(args: ResourceValidationArgs): unknown[] | undefined {
    const props = factsOf(args.props);
    if (args.type === WINDOWS_CONTAINER_TYPE) return [summaryOf<WindowsContainerSummary>(args.props).image];
    if (args.isType(docker.Service)) return [factAt(props, ...SERVICE_INPUTS.image)];
    if (args.isType(docker.Container)) return [factAt(props, ...CONTAINER_INPUTS.image)];
    if (args.isType(docker.RemoteImage)) return [factAt(props, ...REMOTE_IMAGE_INPUTS.name)];
    return undefined;
}

export const pinnedImage: ResourceValidationPolicy = {
    name: "pinned-image",
    description: "Workload images are pinned to a tag other than 'latest' or to a digest.",
    enforcementLevel: "advisory",
    configSchema: exemptionSchema({
        trustedRegistries: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "Registries (or registry/path prefixes) whose 'latest'/untagged images are accepted.",
            default: [],
        },
    }),
    validateResource: (args, report) => {
        const images = imagesOf(args);
        if (images === undefined) return args.notApplicable(`applies to ${WINDOWS_CONTAINER_TYPE}, docker.Service, docker.Container and docker.RemoteImage`);
        const config = args.getConfig<PinnedImageConfig>();
        if (exemptionFor(config, args.name, args.urn)) return;
        for (const image of images) {
            if (typeof image !== "string") {
                report(image === UNKNOWN_UNTIL_DEPLOY ? "the image reference is not known until deploy, so nobody can say it is pinned; use a literal reference with a build tag (e.g. :ltsc2022) or a digest" : "the resource declares no image reference; pin a build tag (e.g. :ltsc2022) or a digest");
                continue;
            }
            const problem = unpinnedImageProblem(image);
            if (problem && !imageFromRegistry(image, config.trustedRegistries ?? [])) report(problem);
        }
    },
};
