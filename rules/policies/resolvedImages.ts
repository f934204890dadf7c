/**
 * How resolved image facts reach the policies: `plan --resolve-images` reads every workload image
 * at its registry and hands the answers to the pack in the policy config, under `resolvedImages`
 * of image-host-compatibility and trusted-images (one path: the pack judges, the plan only reads
 * registries; `pulumi preview --policy-pack-config` can pass the same JSON). Without the key the
 * policies judge offline, from the tag or the declared imageOsBuild. With it, an image missing
 * from the map was not resolved, which fails closed like any resolution error.
 */
import { ImageResolution } from "../os/resolvedImage";

export const RESOLVED_IMAGES_KEY = "resolvedImages";

export type ResolvedImages = Readonly<Record<string, ImageResolution>>;

export interface ResolvedImagesConfig {
    readonly resolvedImages?: ResolvedImages;
}

/** The resolution of `image`: undefined when resolution is off, an error entry when it is on and the image is missing. */
export function resolutionFor(config: ResolvedImagesConfig | undefined, image: unknown): ImageResolution | undefined {
    const map = config?.resolvedImages;
    if (map === undefined || map === null || typeof map !== "object") return undefined;
    if (typeof image !== "string") return undefined;
    return Object.prototype.hasOwnProperty.call(map, image) ? map[image] : { reference: image, registry: "-", error: `image '${image}' was not resolved at its registry` };
}

/** The JSON schema of the key (each policy's configSchema lists it). */
export const resolvedImagesSchema = {
    type: "object",
    description: "Set by plan --resolve-images: each image reference as its registry answered (digest and platforms, or the error). Without it the policies judge offline.",
    additionalProperties: { type: "object" },
} as const;
