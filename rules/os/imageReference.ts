/**
 * Docker image references and the Windows OS build an image tag pins.
 *
 * Grammar: distribution/reference (`[domain[:port]/]path[:tag][@digest]`). Build tokens follow
 * the tags Microsoft publishes on MCR (`ltsc2022`, `1809`, `10.0.20348.2527`, `ltsc2019-KB5039217`)
 * and the images built on them (`4.8-windowsservercore-ltsc2022`, `8.0-nanoserver-1809`); the
 * real tags the tests read, with their sources, are in test/rules/os/imageTags.test.ts.
 */
import { knownBuild } from "./builds";

export interface ImageReference {
    /** Registry host with optional port, when the reference names one. */
    readonly domain?: string;
    /** Repository path without the domain, e.g. `windows/servercore`. */
    readonly path: string;
    readonly tag?: string;
    readonly digest?: string;
}

export type ParsedImageReference =
    | { readonly ok: true; readonly reference: ImageReference }
    | { readonly ok: false; readonly reason: string };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/**
 * Reasons never quote a part of the reference (a repository, a tag, a build read from it): an
 * image reference may be a secret, and a part of a secret is not cut from reports the way the
 * whole value is (review/plan/secrets.ts). Callers quote the whole reference with the field.
 */
export function parseImageReference(image: string): ParsedImageReference {
    if (typeof image !== "string" || image.trim() === "") {
        return { ok: false, reason: "the image reference is empty" };
    }
    if (image !== image.trim() || /\s/.test(image)) {
        return { ok: false, reason: "an image reference has no white space" };
    }
    let rest = image;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest)) return { ok: false, reason: "its digest is not of the form algorithm:hex" };
    }
    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) return { ok: false, reason: "its tag is not a valid Docker tag (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-')" };
    }
    const parts = rest.split("/");
    let domain: string | undefined;
    // distribution/reference: the first part is a registry when it has a dot, a port or is localhost.
    if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) {
        domain = parts.shift();
        if (!DOMAIN.test(domain!)) return { ok: false, reason: "its registry is not a valid host[:port]" };
    }
    if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
        return {
            ok: false,
            reason: "its repository path must be lowercase letters, digits and separators (. _ __ -)",
        };
    }
    return { ok: true, reference: { domain, path: parts.join("/"), tag, digest } };
}

/**
 * Release names that say Windows by themselves: only Windows uses them (`ltsc2022`, and
 * `sac2016`, Nano Server 1607's Semi-Annual Channel tag).
 */
const WINDOWS_RELEASES: Readonly<Record<string, number>> = {
    ltsc2016: 14393,
    sac2016: 14393,
    ltsc2019: 17763,
    ltsc2022: 20348,
    ltsc2025: 26100,
};

/**
 * Version names that pin a build only in a Windows context: `2004` is also Ubuntu 20.04
 * (`ubuntu-2004`), a year, or an application version. `2009` is Microsoft's first name for 20H2
 * (dotnet-docker's `nanoserver-2009`); 24H2 is build 26100 for Windows 11 and Server 2025 alike.
 */
const CONTEXT_RELEASES: Readonly<Record<string, number>> = {
    "1607": 14393,
    "1709": 16299,
    "1803": 17134,
    "1809": 17763,
    "1903": 18362,
    "1909": 18363,
    "2004": 19041,
    "2009": 19042,
    "20h2": 19042,
    "24h2": 26100,
};

/** Names two builds go by: 21H2 is Windows 10 (19044) and Windows Server 2022 (20348); 22H2 is Windows 10 (19045) and 11 (22621); 23H2 is Windows 11 (22631) and Server 23H2 (25398). */
const AMBIGUOUS_RELEASES = new Set(["21h2", "22h2", "23h2"]);

/** Words in a tag that mean a Windows image (`4.8-windowsservercore-ltsc2022`, `lts-nanoserver-1809`, `2.7.1-windows-1809`). */
const WINDOWS_WORDS = ["windowsservercore", "windowsserver", "servercore", "nanoserver", "windows"];

/** A release glued to its Windows word: `nanoserver1809`, `servercore20H2`, `windows1809`, `windowsltsc2022`. */
const GLUED = new RegExp(`^(${WINDOWS_WORDS.join("|")})(.+)$`);

/** Repository names that are Windows images: mcr.microsoft.com/windows/*, microsoft/nanoserver, .../dotnet/framework/*. */
function windowsImageName(repositoryPath: string): boolean {
    const parts = repositoryPath.split("/");
    return parts.some((p) => WINDOWS_WORDS.includes(p)) || repositoryPath.includes("dotnet/framework");
}

const FULL_VERSION = /^10\.0\.(\d{5})(?:\.(\d+))?$/;

export type ImageOsBuild =
    | { readonly status: "pinned"; readonly build: number; readonly revision?: number; readonly token: string }
    | { readonly status: "unknown"; readonly reason: string }
    | { readonly status: "invalid"; readonly reason: string };

type TokenReading =
    | { readonly kind: "build"; readonly build: number; readonly revision?: number; readonly needsContext: boolean }
    | { readonly kind: "word" }
    | { readonly kind: "ambiguous" }
    | { readonly kind: "unknownBuild"; readonly build: number }
    | { readonly kind: "none" };

function readToken(lower: string): TokenReading {
    if (WINDOWS_WORDS.includes(lower)) return { kind: "word" };
    if (lower in WINDOWS_RELEASES) return { kind: "build", build: WINDOWS_RELEASES[lower], needsContext: false };
    if (lower in CONTEXT_RELEASES) return { kind: "build", build: CONTEXT_RELEASES[lower], needsContext: true };
    if (AMBIGUOUS_RELEASES.has(lower)) return { kind: "ambiguous" };
    const full = FULL_VERSION.exec(lower);
    if (full) {
        const build = Number(full[1]);
        if (!knownBuild(build)) return { kind: "unknownBuild", build };
        return { kind: "build", build, revision: full[2] === undefined ? undefined : Number(full[2]), needsContext: true };
    }
    const glued = GLUED.exec(lower);
    if (glued) {
        const rest = readToken(glued[2]);
        // The word itself is the Windows context of the release glued to it.
        if (rest.kind === "build") return { ...rest, needsContext: false };
        return rest.kind === "ambiguous" ? rest : { kind: "word" };
    }
    return { kind: "none" };
}

/**
 * The OS build an image reference pins through its tag. `unknown` when the tag does not say
 * (no tag, `latest`, a digest alone, an application version), when a version name could be
 * something other than Windows (`ubuntu-2004`) or names two builds (`21H2`): callers must then
 * be told the build explicitly. A wrong build would let process isolation through, so a name
 * is read as a Windows release only in a Windows context: a self-identifying release
 * (`ltsc2022`), a Windows image name, or a Windows word in the tag. `invalid` when the
 * reference itself cannot be parsed.
 */
export function imageOsBuild(image: string): ImageOsBuild {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return { status: "invalid", reason: parsed.reason };
    const { path, tag, digest } = parsed.reference;
    if (tag === undefined) {
        return {
            status: "unknown",
            reason: digest ? "a digest alone does not declare which Windows build the image is" : "the image has no tag (Docker reads it as 'latest')",
        };
    }
    const readings = tag.split(/[-_]/).map((token) => ({ token, reading: readToken(token.toLowerCase()) }));
    const unknownBuild = readings.find((r) => r.reading.kind === "unknownBuild");
    if (unknownBuild && unknownBuild.reading.kind === "unknownBuild") {
        return { status: "unknown", reason: "its tag names a Windows build this project does not know" };
    }
    const ambiguous = readings.find((r) => r.reading.kind === "ambiguous");
    if (ambiguous) {
        return { status: "unknown", reason: "its tag names a release that is more than one Windows build (21H2 is Windows 10 19044 and Windows Server 2022 20348, for one); declare imageOsBuild" };
    }
    const found = readings.flatMap((r) => (r.reading.kind === "build" ? [{ ...r.reading, token: r.token }] : []));
    const windows = windowsImageName(path) || readings.some((r) => r.reading.kind === "word") || found.some((f) => !f.needsContext);
    if (found.length === 0) {
        return { status: "unknown", reason: "its tag does not name a Windows build (e.g. ltsc2022, 1809, 10.0.20348.2527)" };
    }
    if (!windows) {
        return {
            status: "unknown",
            reason: "its tag reads as a Windows release only on a Windows image (a name such as mcr.microsoft.com/windows/servercore, or nanoserver/servercore/windows in the tag), and the image is neither, so declare imageOsBuild",
        };
    }
    const builds = new Set(found.map((f) => f.build));
    if (builds.size > 1) {
        return { status: "unknown", reason: "its tag names more than one Windows build" };
    }
    const withRevision = found.find((f) => f.revision !== undefined);
    return {
        status: "pinned",
        build: found[0].build,
        revision: withRevision?.revision,
        token: (withRevision ?? found[0]).token,
    };
}

/** Whether the reference pins the content (a digest) or at least a tag other than `latest`. */
export function imagePinning(image: string): "digest" | "tag" | "latest" | "untagged" | "invalid" {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return "invalid";
    if (parsed.reference.digest) return "digest";
    if (parsed.reference.tag === undefined) return "untagged";
    return parsed.reference.tag === "latest" ? "latest" : "tag";
}
