/**
 * What a registry says an image is, and which of its Windows platforms a host runs.
 *
 * A manifest list / OCI index names each platform's `os`, `architecture` and `os.version`
 * (`10.0.20348.2340`); the reader (review/registry) fetches them, these pure rules judge them.
 * The engine picks a platform as moby and containerd do on Windows: an entry of the host's own
 * build first, else the newest entry older than the host (an entry newer than the host is never
 * pulled). Which one is the judged build; the tag's own reading is only checked against it.
 */
import { describeBuild, knownBuild } from "./builds";
import { OsVersion } from "./compatibility";
import { imageOsBuild } from "./imageReference";

/** One platform entry of a resolved image (a manifest list entry, or a single manifest's config). */
export interface ResolvedPlatform {
    /** The platform manifest's digest (what the host pulls). */
    readonly digest: string;
    readonly os: string;
    readonly architecture: string;
    /** `os.version` as published, e.g. `10.0.20348.2340`; absent on Linux entries. */
    readonly osVersion?: string;
    readonly osFeatures?: readonly string[];
}

/** A reference resolved at its registry (the JSON shape the plan hands the policy pack). */
export interface ResolvedImage {
    /** The reference as the program wrote it. */
    readonly reference: string;
    /** Registry host the reader asked, e.g. `mcr.microsoft.com`. */
    readonly registry: string;
    /** The digest the reference resolves to now (of the index, or of the single manifest). */
    readonly digest: string;
    readonly platforms: readonly ResolvedPlatform[];
}

/** Resolution failed: why, in one line naming image and registry. */
export interface UnresolvedImage {
    readonly reference: string;
    readonly registry: string;
    readonly error: string;
}

export type ImageResolution = ResolvedImage | UnresolvedImage;

export function isResolved(r: ImageResolution): r is ResolvedImage {
    return (r as ResolvedImage).digest !== undefined && (r as UnresolvedImage).error === undefined;
}

const OS_VERSION = /^10\.0\.(\d{1,6})\.(\d{1,6})$/;

/** `10.0.build.revision` into its build and revision; a message when it is not that shape or not a known build. */
export function parseOsVersion(value: unknown): { readonly version: OsVersion } | { readonly problem: string } {
    if (value === undefined || value === null || value === "") return { problem: "its os.version is missing" };
    const m = typeof value === "string" ? OS_VERSION.exec(value) : null;
    if (!m) return { problem: `its os.version ${JSON.stringify(value)} is not of the form 10.0.<build>.<revision>` };
    const build = Number(m[1]);
    if (!knownBuild(build)?.hasContainerImages) return { problem: `its os.version ${value} names build ${build}, which is not a Windows build with container images this project knows` };
    return { version: { build, revision: Number(m[2]) } };
}

/** A Windows platform with its parsed version. */
export interface WindowsPlatform extends ResolvedPlatform {
    readonly version: OsVersion;
}

/** The image's Windows platforms, or every reason it has none usable (Linux only, bad os.version). */
export function windowsPlatforms(image: ResolvedImage): { readonly platforms: readonly WindowsPlatform[] } | { readonly problem: string } {
    const windows = image.platforms.filter((p) => p.os === "windows");
    if (windows.length === 0) {
        const seen = [...new Set(image.platforms.map((p) => `${p.os}/${p.architecture}`))].join(", ") || "none";
        return { problem: `image '${image.reference}' (${image.digest} at ${image.registry}) has no Windows platform (platforms: ${seen})` };
    }
    const platforms: WindowsPlatform[] = [];
    for (const p of windows) {
        const parsed = parseOsVersion(p.osVersion);
        if ("problem" in parsed) return { problem: `image '${image.reference}' at ${image.registry}: Windows platform ${p.digest} ${parsed.problem}` };
        platforms.push({ ...p, version: parsed.version });
    }
    return { platforms };
}

/**
 * The Windows platform an engine on `hostBuild` pulls: its own build first, else the newest older
 * one (amd64 only: the hosts this project builds are x64). Undefined when every entry is newer.
 */
export function platformForHost(platforms: readonly WindowsPlatform[], hostBuild: number): WindowsPlatform | undefined {
    const amd64 = platforms.filter((p) => p.architecture === "amd64");
    const exact = amd64.find((p) => p.version.build === hostBuild);
    if (exact) return exact;
    return [...amd64].filter((p) => p.version.build < hostBuild).sort((a, b) => b.version.build - a.version.build || (b.version.revision ?? 0) - (a.version.revision ?? 0))[0];
}

/** A tag that says one build while the registry says others: the finding's text, else undefined. */
export function tagContradiction(image: ResolvedImage, platforms: readonly WindowsPlatform[]): string | undefined {
    const fromTag = imageOsBuild(image.reference);
    if (fromTag.status !== "pinned") return undefined;
    const builds = [...new Set(platforms.map((p) => p.version.build))].sort((a, b) => a - b);
    const same = platforms.filter((p) => p.version.build === fromTag.build);
    if (same.length === 0) {
        return `image '${image.reference}' is tagged '${fromTag.token}' (${describeBuild(fromTag.build)}) but ${image.registry} says ${image.digest} is ${builds.map(describeBuild).join(", ")}`;
    }
    if (fromTag.revision !== undefined && !same.some((p) => p.version.revision === fromTag.revision)) {
        return `image '${image.reference}' is tagged '${fromTag.token}' but ${image.registry} says ${image.digest} is ${same.map((p) => p.osVersion).join(", ")}`;
    }
    return undefined;
}

/** `repo@sha256:...`: the reference pinned to what it resolves to now (a digest reference stays as it is). */
export function pinnedReference(image: ResolvedImage): string {
    const at = image.reference.indexOf("@");
    const name = at >= 0 ? image.reference.slice(0, at) : image.reference;
    return `${name}@${image.digest}`;
}
