/** pinned-image: workload images name a tag other than 'latest', or a digest. */
import { imagePinning, parseImageReference } from "../os/imageReference";

/** Whether the image comes from one of the registries (`mcr.microsoft.com`, `myacr.azurecr.io/team`). */
export function imageFromRegistry(image: string, registries: readonly string[]): string | undefined {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return undefined;
    const full = `${parsed.reference.domain ?? "docker.io"}/${parsed.reference.path}`;
    return registries.find((r) => {
        const prefix = r.replace(/\/+$/, "");
        return full === prefix || full.startsWith(`${prefix}/`);
    });
}

/** pinned-image: undefined for a tag or digest, else why the image is not pinned. */
export function unpinnedImageProblem(image: string): string | undefined {
    const pinning = imagePinning(image);
    switch (pinning) {
        case "digest":
        case "tag":
            return undefined;
        case "latest":
            return `image '${image}' uses the 'latest' tag, which moves: the next pull can bring a different Windows build; pin a build tag (e.g. :ltsc2022) or a digest`;
        case "untagged":
            return `image '${image}' has no tag (Docker reads it as 'latest'); pin a build tag (e.g. :ltsc2022) or a digest`;
        default:
            return `image '${image}' is not a valid image reference: ${(parseImageReference(image) as { reason?: string }).reason ?? "unparseable"}`;
    }
}
