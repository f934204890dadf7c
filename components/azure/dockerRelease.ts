/**
 * The Docker engine a ContainerHost installs: static Windows binaries from download.docker.com,
 * pinned by version AND SHA-256 (phase 2 refuses any other bytes).
 *
 * Docker publishes no checksum file for its Windows static zips (docker-library/docker's Windows
 * Dockerfiles still say "TODO ENV DOCKER_SHA256"). The default digest below is the one recorded
 * for this exact URL in Scoop's docker manifest (bucket/docker.json; read in the duzyn/scoop-cn
 * mirror of ScoopInstaller/Main at commit 17a069ca), which Scoop computes from the download.
 * It was NOT recomputed here (no network to download.docker.com). Verify it before production:
 *   curl -fsSLO <url> && sha256sum docker-<version>.zip
 * or pass your own `dockerVersion`.
 */
export interface DockerRelease {
    /** Engine version, e.g. "29.4.3". */
    readonly version: string;
    /** SHA-256 of the zip, 64 hex digits. */
    readonly sha256: string;
    /** Where to download it; defaults to Docker's static Windows x86_64 channel. */
    readonly url?: string;
}

export const DEFAULT_DOCKER_RELEASE: DockerRelease = {
    version: "29.4.3",
    sha256: "993b582d09f511a5a260f69a97163472459ecf8ac11a209e87ef6ea0cdb4203b",
};

/** Docker's static Windows x86_64 download for a version. */
export function dockerStaticUrl(version: string): string {
    return `https://download.docker.com/win/static/stable/x86_64/docker-${version}.zip`;
}

/** Problems with a release pin; empty when fine. */
export function checkDockerRelease(release: DockerRelease, field = "dockerVersion"): string[] {
    const problems: string[] = [];
    if (typeof release !== "object" || release === null) return [`${field} must be { version, sha256, url? }`];
    if (typeof release.version !== "string" || !/^\d+\.\d+\.\d+$/.test(release.version)) {
        problems.push(`${field}.version '${String(release.version)}' must be an exact engine version like 29.4.3 (no 'latest', no ranges)`);
    }
    if (typeof release.sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(release.sha256)) {
        problems.push(`${field}.sha256 '${String(release.sha256)}' must be the zip's SHA-256, 64 hex digits (sha256sum docker-<version>.zip)`);
    }
    if (release.url !== undefined && (typeof release.url !== "string" || !/^https:\/\/[^\s'"]+\.zip$/.test(release.url))) {
        problems.push(`${field}.url '${String(release.url)}' must be an https:// URL of a .zip`);
    }
    return problems;
}
