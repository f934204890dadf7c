/**
 * plan --resolve-images: reads every workload image at its registry (review/registry) and hands
 * the answers to the policy pack through the policy config (`resolvedImages` of
 * image-host-compatibility and trusted-images), so the verdicts stay in the pack's rules and
 * the plan adds no judgement of its own. The report then shows each image's digest and exact
 * build; --pin prints the digest-pinned reference of each.
 */
import * as os from "os";
import * as path from "path";
import { PolicyPackConfig } from "../analyzer/client";
import { RecordedResource } from "../analyzer/resource";
import { ImageResolution, isResolved, pinnedReference, platformForHost, windowsPlatforms } from "../../rules/os/resolvedImage";
import { RESOLVED_IMAGES_KEY, ResolvedImages } from "../../rules/policies/resolvedImages";
import { factAt } from "../../rules";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "../../policy/types";
import { RegistryReader, ReaderOptions } from "../registry/reader";
import { plain, WorkloadRow } from "./workloads";
import { mdCode, mdText } from "./escape";

/** The policies that read resolved images from their config. */
export const RESOLVING_POLICIES = ["image-host-compatibility", "trusted-images"];

/** The literal image references of the workloads (values unknown until deploy are left to the policies). */
export function workloadImages(resources: readonly RecordedResource[]): string[] {
    const images = new Set<string>();
    for (const r of resources) {
        const p = plain(r.inputs);
        const image = r.type === WINDOWS_CONTAINER_TYPE ? p.image : r.type === DOCKER_SERVICE_TYPE ? factAt(p, "taskSpec", "containerSpec", "image") : r.type === DOCKER_CONTAINER_TYPE ? p.image : undefined;
        if (typeof image === "string" && image !== "") images.add(image);
    }
    return [...images].sort();
}

/** Default on-disk cache: manifests by digest, under the user's cache directory. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "windows-isolation", "registry");
}

/** Resolves every image (at most 8 requests in flight per registry); keys in a stable order. */
export async function resolveImages(images: readonly string[], options: ReaderOptions = {}): Promise<ResolvedImages> {
    const reader = new RegistryReader({ cacheDir: defaultCacheDir(), ...options });
    try {
        const answers = await Promise.all(images.map((i) => reader.resolve(i)));
        return Object.fromEntries([...answers].sort((a, b) => (a.reference < b.reference ? -1 : 1)).map((a) => [a.reference, a]));
    } finally {
        reader.close();
    }
}

/** The user's config with `resolvedImages` added to each resolving policy's own config (its level kept). */
export function withResolvedImages(config: PolicyPackConfig, resolved: ResolvedImages): PolicyPackConfig {
    const out: PolicyPackConfig = { ...config };
    for (const policy of RESOLVING_POLICIES) {
        const own = out[policy];
        const base = own === undefined ? {} : typeof own === "string" ? { enforcementLevel: own } : own;
        out[policy] = { ...base, [RESOLVED_IMAGES_KEY]: resolved } as PolicyPackConfig[string];
    }
    return out;
}

/** One line per image: its builds and digest, or why it did not resolve. */
export interface ImageLine {
    readonly image: string;
    readonly registry: string;
    readonly digest?: string;
    /** Each Windows platform's os.version and digest (the exact builds the registry publishes). */
    readonly platforms?: readonly { readonly osVersion?: string; readonly architecture: string; readonly os: string; readonly digest: string }[];
    readonly pinned?: string;
    readonly error?: string;
}

export function imageLines(resolved: ResolvedImages): ImageLine[] {
    return Object.values(resolved).map((r: ImageResolution) =>
        isResolved(r)
            ? { image: r.reference, registry: r.registry, digest: r.digest, platforms: r.platforms.map((p) => ({ os: p.os, architecture: p.architecture, osVersion: p.osVersion, digest: p.digest })), pinned: pinnedReference(r) }
            : { image: r.reference, registry: r.registry, error: r.error },
    );
}

/** The row's image build as the registry says it: the exact os.version the row's host pulls, and its digest. */
export function resolvedRows<R extends WorkloadRow>(rows: readonly R[], resolved: ResolvedImages): R[] {
    return rows.map((row) => {
        const r = resolved[row.image];
        if (r === undefined) return row;
        if (!isResolved(r)) return { ...row, imageBuild: "unresolved" };
        const windows = windowsPlatforms(r);
        if ("problem" in windows) return { ...row, imageBuild: "no usable Windows platform" };
        const hostBuild = Number(row.hostBuild);
        const platform = Number.isInteger(hostBuild) ? platformForHost(windows.platforms, hostBuild) : undefined;
        const shown = platform ? `${platform.osVersion} @ ${platform.digest.slice(0, 19)}` : windows.platforms.map((p) => p.osVersion).join(", ");
        return { ...row, imageBuild: shown };
    });
}

export function renderImagesText(lines: readonly ImageLine[]): string {
    const out = ["Images (resolved at their registries):"];
    for (const l of lines) {
        if (l.error) out.push(`  ${l.image}: ERROR ${l.error}`);
        else out.push(`  ${l.image}: ${l.digest} [${(l.platforms ?? []).map((p) => `${p.os}/${p.architecture}${p.osVersion ? ` ${p.osVersion}` : ""}`).join(", ")}]`);
    }
    return out.join("\n");
}

export function renderImagesMarkdown(lines: readonly ImageLine[]): string {
    const out = ["", "## Images (resolved at their registries)", "", "| Image | Registry | Digest | Platforms |", "|---|---|---|---|"];
    for (const l of lines) {
        const platforms = l.error ? `**error**: ${mdText(l.error)}` : (l.platforms ?? []).map((p) => `${p.os}/${p.architecture}${p.osVersion ? ` ${p.osVersion}` : ""}`).join(", ");
        out.push(`| ${mdCode(l.image)} | ${mdText(l.registry)} | ${l.digest ? mdCode(l.digest) : "-"} | ${platforms} |`);
    }
    return out.join("\n") + "\n";
}

/** plan --pin: `image -> image@sha256:...` per image, or the error. */
export function renderPins(lines: readonly ImageLine[]): string {
    return lines.map((l) => (l.pinned ? `${l.image} -> ${l.pinned}` : `${l.image}: cannot pin: ${l.error}`)).join("\n");
}
