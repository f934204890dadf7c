/**
 * Docker image references and the Windows OS build an image tag pins.
 *
 * Grammar: distribution/reference (`[domain[:port]/]path[:tag][@digest]`). Build tokens follow
 * the tags Microsoft publishes on MCR (`ltsc2022`, `1809`, `10.0.20348.2527`, `ltsc2019-KB5039217`)
 * and the images built on them (`4.8-windowsservercore-ltsc2022`, `8.0-nanoserver-1809`).
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
        if (!DIGEST.test(digest)) return { ok: false, reason: `digest '${digest}' is not of the form algorithm:hex` };
    }
    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) return { ok: false, reason: `tag '${tag}' is not a valid Docker tag` };
    }
    const parts = rest.split("/");
    let domain: string | undefined;
    // distribution/reference: the first part is a registry when it has a dot, a port or is localhost.
    if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) {
        domain = parts.shift();
        if (!DOMAIN.test(domain!)) return { ok: false, reason: `registry '${domain}' is not a valid host[:port]` };
    }
    if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
        return {
            ok: false,
            reason: `repository '${parts.join("/")}' must be lowercase letters, digits and separators (. _ __ -)`,
        };
    }
    return { ok: true, reference: { domain, path: parts.join("/"), tag, digest } };
}

/** Tag tokens that pin a Windows build, as Microsoft tags its base images. */
const BUILD_TOKENS: Readonly<Record<string, number>> = {
    ltsc2016: 14393,
    "1607": 14393,
    "1709": 16299,
    "1803": 17134,
    ltsc2019: 17763,
    "1809": 17763,
    "1903": 18362,
    "1909": 18363,
    "2004": 19041,
    "20h2": 19042,
    ltsc2022: 20348,
    ltsc2025: 26100,
};

const FULL_VERSION = /^10\.0\.(\d{5})(?:\.(\d+))?$/;

export type ImageOsBuild =
    | { readonly status: "pinned"; readonly build: number; readonly revision?: number; readonly token: string }
    | { readonly status: "unknown"; readonly reason: string }
    | { readonly status: "invalid"; readonly reason: string };

/**
 * The OS build an image reference pins through its tag. `unknown` when the tag does not say
 * (no tag, `latest`, a digest alone, an application version): callers must then be told the
 * build explicitly. `invalid` when the reference itself cannot be parsed.
 */
export function imageOsBuild(image: string): ImageOsBuild {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return { status: "invalid", reason: parsed.reason };
    const { tag, digest } = parsed.reference;
    if (tag === undefined) {
        return {
            status: "unknown",
            reason: digest ? "a digest alone does not declare which Windows build the image is" : "the image has no tag (Docker reads it as 'latest')",
        };
    }
    const found: { build: number; revision?: number; token: string }[] = [];
    for (const token of tag.split(/[-_]/)) {
        const lower = token.toLowerCase();
        const full = FULL_VERSION.exec(lower);
        if (full) {
            const build = Number(full[1]);
            if (!knownBuild(build)) {
                return { status: "unknown", reason: `tag token '${token}' names build ${build}, which this project does not know` };
            }
            found.push({ build, revision: full[2] === undefined ? undefined : Number(full[2]), token });
        } else if (lower in BUILD_TOKENS) {
            found.push({ build: BUILD_TOKENS[lower], token });
        }
    }
    if (found.length === 0) {
        return { status: "unknown", reason: `tag '${tag}' does not name a Windows build (e.g. ltsc2022, 1809, 10.0.20348.2527)` };
    }
    const builds = new Set(found.map((f) => f.build));
    if (builds.size > 1) {
        return { status: "unknown", reason: `tag '${tag}' names more than one Windows build (${found.map((f) => f.token).join(", ")})` };
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
