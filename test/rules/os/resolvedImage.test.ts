/** The pure rules over what a registry says: os.version, Windows platforms, the host's pick, tags that lie, pinning. */
import { parseOsVersion, pinnedReference, platformForHost, ResolvedImage, tagContradiction, windowsPlatforms } from "../../../rules/os/resolvedImage";

const d = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const image = (reference: string, versions: (string | undefined)[], os = "windows"): ResolvedImage => ({
    reference,
    registry: "mcr.microsoft.com",
    digest: d(0),
    platforms: versions.map((v, i) => ({ digest: d(i + 1), os, architecture: "amd64", ...(v === undefined ? {} : { osVersion: v }) })),
});
const platforms = (img: ResolvedImage) => {
    const w = windowsPlatforms(img);
    if ("problem" in w) throw new Error(w.problem);
    return w.platforms;
};

test("os.version: 10.0.<build>.<revision> of a build with images; anything else says what is wrong", () => {
    expect(parseOsVersion("10.0.20348.2340")).toEqual({ version: { build: 20348, revision: 2340 } });
    expect(parseOsVersion(undefined)).toEqual({ problem: "its os.version is missing" });
    expect(parseOsVersion("10.0.20348")).toEqual({ problem: 'its os.version "10.0.20348" is not of the form 10.0.<build>.<revision>' });
    expect(parseOsVersion("6.3.9600.1")).toEqual({ problem: 'its os.version "6.3.9600.1" is not of the form 10.0.<build>.<revision>' });
    expect(parseOsVersion("10.0.22621.1")).toEqual({ problem: "its os.version 10.0.22621.1 names build 22621, which is not a Windows build with container images this project knows" });
});

test("the engine's pick: the host's own build, else the newest older one, never a newer one", () => {
    const multi = platforms(image("mcr.microsoft.com/windows/servercore:multi", ["10.0.17763.5576", "10.0.20348.2340", "10.0.26100.1742"]));
    expect(platformForHost(multi, 20348)?.osVersion).toBe("10.0.20348.2340");
    expect(platformForHost(multi, 26100)?.osVersion).toBe("10.0.26100.1742");
    expect(platformForHost(multi, 22621)?.osVersion).toBe("10.0.20348.2340");
    expect(platformForHost(multi, 17763)?.osVersion).toBe("10.0.17763.5576");
    expect(platformForHost(platforms(image("x/y:1", ["10.0.26100.1"])), 20348)).toBeUndefined();
});

test("a Linux-only image and a Windows entry with a bad os.version have no usable platform", () => {
    expect(windowsPlatforms(image("alpine:3.20", [undefined], "linux"))).toEqual({ problem: `image 'alpine:3.20' (${d(0)} at mcr.microsoft.com) has no Windows platform (platforms: linux/amd64)` });
    expect(windowsPlatforms(image("x/y:1", ["10.0.20348.2340", "ltsc2022"]))).toEqual({ problem: `image 'x/y:1' at mcr.microsoft.com: Windows platform ${d(2)} its os.version "ltsc2022" is not of the form 10.0.<build>.<revision>` });
});

test("a tag that names another build than the registry says is a contradiction; one the index includes is not", () => {
    const lying = image("mcr.microsoft.com/windows/servercore:ltsc2022", ["10.0.17763.5576"]);
    expect(tagContradiction(lying, platforms(lying))).toBe(`image 'mcr.microsoft.com/windows/servercore:ltsc2022' is tagged 'ltsc2022' (20348 (ltsc2022)) but mcr.microsoft.com says ${d(0)} is 17763 (ltsc2019)`);
    const revision = image("mcr.microsoft.com/windows/servercore:10.0.20348.2340", ["10.0.20348.2402"]);
    expect(tagContradiction(revision, platforms(revision))).toBe(`image 'mcr.microsoft.com/windows/servercore:10.0.20348.2340' is tagged '10.0.20348.2340' but mcr.microsoft.com says ${d(0)} is 10.0.20348.2402`);
    const multi = image("mcr.microsoft.com/windows/servercore:ltsc2022", ["10.0.17763.5576", "10.0.20348.2340"]);
    expect(tagContradiction(multi, platforms(multi))).toBeUndefined();
    const untagged = image("contoso/app:1.4", ["10.0.17763.5576"]);
    expect(tagContradiction(untagged, platforms(untagged))).toBeUndefined();
});

test("pinning keeps the name and tag and adds the digest; a digest reference is replaced by the resolved one", () => {
    expect(pinnedReference(image("mcr.microsoft.com/windows/servercore:ltsc2022", []))).toBe(`mcr.microsoft.com/windows/servercore:ltsc2022@${d(0)}`);
    expect(pinnedReference({ ...image(`contoso/app@${d(0)}`, []) })).toBe(`contoso/app@${d(0)}`);
});
