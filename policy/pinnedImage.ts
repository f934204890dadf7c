/**
 * pinned-image (advisory): `latest` or an untagged image can change Windows build under a
 * running deployment. Exceptions: trusted registries (their moving tags are accepted) and
 * per-resource exemptions.
 */
import * as docker from "@pulumi/docker";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { imageFromRegistry, unpinnedImageProblem, WindowsContainerSummary } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { WINDOWS_CONTAINER_TYPE } from "./types";

interface PinnedImageConfig extends ExemptionConfig {
    readonly trustedRegistries?: readonly string[];
}

/** The image references a resource declares, by resource kind. */
function imagesOf(args: ResourceValidationArgs): string[] | undefined {
    if (args.type === WINDOWS_CONTAINER_TYPE) return [(args.props as Partial<WindowsContainerSummary>).image as string];
    const svc = args.asType(docker.Service);
    if (svc) return [svc.taskSpec?.containerSpec?.image];
    const ctr = args.asType(docker.Container);
    if (ctr) return [ctr.image];
    const remote = args.asType(docker.RemoteImage);
    if (remote) return [remote.name];
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
                report("the resource declares no image reference; pin a build tag (e.g. :ltsc2022) or a digest");
                continue;
            }
            const problem = unpinnedImageProblem(image);
            if (problem && !imageFromRegistry(image, config.trustedRegistries ?? [])) report(problem);
        }
    },
};
