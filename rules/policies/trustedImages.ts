/**
 * trusted-images: a workload may call itself trusted only when its image comes from a registry or
 * repository the team trusts (policy config), and, when the config asks, only when it is pinned by
 * digest; with resolved images, that digest must be what the registry holds. Anything else
 * labelled trusted is a mandatory finding: trust without a handle on the image is a label anyone
 * can write.
 */
import { parseImageReference } from "../os/imageReference";
import { isResolved, ImageResolution } from "../os/resolvedImage";
import { imageFromRegistry } from "./pinnedImage";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

export interface TrustedImagesConfig {
    /** Registries (`mcr.microsoft.com`) or registry/repository prefixes (`myacr.azurecr.io/team`) whose images may run trusted. */
    readonly registries?: readonly string[];
    /** Trusted images must be pinned by digest (`repo@sha256:...`). */
    readonly requireDigest?: boolean;
}

/** Whether the config restricts trust at all (no registries listed: it does not). */
export function trustedImagesConfigured(config: TrustedImagesConfig | undefined): boolean {
    return Array.isArray(config?.registries) && config!.registries!.length > 0;
}

/** Every problem with `image` for a trusted workload; [] when it may run trusted. */
export function trustedImageProblems(image: unknown, config: TrustedImagesConfig, resolution?: ImageResolution): string[] {
    if (typeof image !== "string") {
        return [`a trusted workload's image ${image === UNKNOWN_UNTIL_DEPLOY ? "is not known until deploy" : "is not set"}, so nobody can say it comes from a trusted registry; use a literal reference`];
    }
    const parsed = parseImageReference(image);
    if (!parsed.ok) return [`image '${image}' is not a valid reference (${parsed.reason}), so it cannot be trusted`];
    const registries = config.registries ?? [];
    const problems: string[] = [];
    if (!imageFromRegistry(image, registries)) {
        problems.push(`image '${image}' is labelled trusted but does not come from a trusted registry (trustedImages: ${registries.join(", ")}); run it untrusted (Hyper-V) or add its registry to trusted-images.registries`);
    }
    if (config.requireDigest && !parsed.reference.digest) {
        problems.push(`image '${image}' is labelled trusted but is not pinned by digest, which trusted-images.requireDigest asks for; use the reference plan --pin prints (name@sha256:...)`);
    }
    if (resolution !== undefined && parsed.reference.digest) {
        if (!isResolved(resolution)) problems.push(`a trusted image's digest could not be checked against its registry: ${resolution.error}`);
        else if (resolution.digest !== parsed.reference.digest) problems.push(`image '${image}': ${resolution.registry} holds ${resolution.digest} for it, not the pinned digest`);
    }
    return problems;
}
