/** trusted-images: which images may run trusted, by registry, digest and what the registry holds. */
import { trustedImageProblems, trustedImagesConfigured } from "../../../rules/policies/trustedImages";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

const D = `sha256:${"a".repeat(64)}`;
const E = `sha256:${"b".repeat(64)}`;
const config = { registries: ["mcr.microsoft.com", "myacr.azurecr.io/team"] };

test("configured only with at least one registry", () => {
    expect(trustedImagesConfigured(undefined)).toBe(false);
    expect(trustedImagesConfigured({ registries: [] })).toBe(false);
    expect(trustedImagesConfigured(config)).toBe(true);
});

test("a listed registry or repository prefix may run trusted; another may not", () => {
    expect(trustedImageProblems("mcr.microsoft.com/windows/servercore:ltsc2022", config)).toEqual([]);
    expect(trustedImageProblems("myacr.azurecr.io/team/app:1", config)).toEqual([]);
    expect(trustedImageProblems("myacr.azurecr.io/teammate/app:1", config)).toEqual([
        "image 'myacr.azurecr.io/teammate/app:1' is labelled trusted but does not come from a trusted registry (trustedImages: mcr.microsoft.com, myacr.azurecr.io/team); run it untrusted (Hyper-V) or add its registry to trusted-images.registries",
    ]);
    expect(trustedImageProblems("contoso/app:1", config)).toHaveLength(1);
});

test("requireDigest: a tag is not enough", () => {
    expect(trustedImageProblems("mcr.microsoft.com/windows/servercore:ltsc2022", { ...config, requireDigest: true })).toEqual([
        "image 'mcr.microsoft.com/windows/servercore:ltsc2022' is labelled trusted but is not pinned by digest, which trusted-images.requireDigest asks for; use the reference plan --pin prints (name@sha256:...)",
    ]);
    expect(trustedImageProblems(`mcr.microsoft.com/windows/servercore@${D}`, { ...config, requireDigest: true })).toEqual([]);
});

test("resolved: the pinned digest must be what the registry holds, and a registry that cannot be asked fails", () => {
    const ref = `mcr.microsoft.com/windows/servercore@${D}`;
    expect(trustedImageProblems(ref, config, { reference: ref, registry: "mcr.microsoft.com", digest: D, platforms: [] })).toEqual([]);
    expect(trustedImageProblems(ref, config, { reference: ref, registry: "mcr.microsoft.com", digest: E, platforms: [] })).toEqual([`image '${ref}': mcr.microsoft.com holds ${E} for it, not the pinned digest`]);
    expect(trustedImageProblems(ref, config, { reference: ref, registry: "mcr.microsoft.com", error: `image '${ref}' at mcr.microsoft.com: 404: no manifest` })).toEqual([
        `a trusted image's digest could not be checked against its registry: image '${ref}' at mcr.microsoft.com: 404: no manifest`,
    ]);
});

test("an image not known until deploy or not set cannot be trusted", () => {
    expect(trustedImageProblems(UNKNOWN_UNTIL_DEPLOY, config)).toEqual(["a trusted workload's image is not known until deploy, so nobody can say it comes from a trusted registry; use a literal reference"]);
    expect(trustedImageProblems(undefined, config)).toEqual(["a trusted workload's image is not set, so nobody can say it comes from a trusted registry; use a literal reference"]);
});
