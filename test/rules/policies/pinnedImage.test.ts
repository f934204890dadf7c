import { imageFromRegistry, unpinnedImageProblem } from "../../../rules/policies/pinnedImage";

describe("pinned images and registries", () => {
    test("tags and digests are pinned; latest and untagged are not", () => {
        expect(unpinnedImageProblem("mcr.microsoft.com/windows/servercore:ltsc2022")).toBeUndefined();
        expect(unpinnedImageProblem(`contoso/app@sha256:${"a".repeat(64)}`)).toBeUndefined();
        expect(unpinnedImageProblem("contoso/app:latest")).toMatch(/'latest' tag/);
        expect(unpinnedImageProblem("contoso/app")).toMatch(/has no tag/);
        expect(unpinnedImageProblem("Contoso/App")).toMatch(/not a valid image reference/);
    });
    test("registry prefixes match whole path segments; Docker Hub images are docker.io", () => {
        expect(imageFromRegistry("myacr.azurecr.io/team/app:latest", ["myacr.azurecr.io/team"])).toBe("myacr.azurecr.io/team");
        expect(imageFromRegistry("myacr.azurecr.io/teamx/app:latest", ["myacr.azurecr.io/team"])).toBeUndefined();
        expect(imageFromRegistry("contoso/app", ["docker.io/contoso"])).toBe("docker.io/contoso");
    });
});
