/**
 * The Node.js runtime a host needs to run the guard (build/guard/windows-isolation-guard.js),
 * pinned by version AND SHA-256 like the engine (dockerRelease.ts).
 *
 * The digest is the one Node.js publishes in https://nodejs.org/dist/v22.21.1/SHASUMS256.txt for
 * node-v22.21.1-win-x64.zip, as two independent public pins record it (a Rust runtime manager's
 * tests and a TypeScript checksum table, found by content search). It was NOT recomputed here
 * (nodejs.org is not reachable from this project's CI). Verify it before production:
 *   curl -fsSLO <url> && sha256sum node-v22.21.1-win-x64.zip
 */
export interface NodeRelease {
    /** Node.js version, e.g. "22.21.1". */
    readonly version: string;
    /** SHA-256 of the win-x64 zip, 64 hex digits. */
    readonly sha256: string;
    /** Where to download it; defaults to nodejs.org's dist folder. */
    readonly url?: string;
}

export const DEFAULT_NODE_RELEASE: NodeRelease = {
    version: "22.21.1",
    sha256: "3c624e9fbe07e3217552ec52a0f84e2bdc2e6ffa7348f3fdfb9fbf8f42e23fcf",
};

/** nodejs.org's Windows x64 zip for a version. */
export function nodeWindowsUrl(version: string): string {
    return `https://nodejs.org/dist/v${version}/node-v${version}-win-x64.zip`;
}

/** Problems with a Node.js pin; empty when fine. */
export function checkNodeRelease(release: NodeRelease, field = "nodeVersion"): string[] {
    const problems: string[] = [];
    if (typeof release !== "object" || release === null) return [`${field} must be { version, sha256, url? }`];
    if (typeof release.version !== "string" || !/^\d+\.\d+\.\d+$/.test(release.version)) {
        problems.push(`${field}.version '${String(release.version)}' must be an exact Node.js version like 22.21.1 (no 'lts', no ranges)`);
    }
    if (typeof release.sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(release.sha256)) {
        problems.push(`${field}.sha256 '${String(release.sha256)}' must be the zip's SHA-256, 64 hex digits (SHASUMS256.txt of the release)`);
    }
    if (release.url !== undefined && (typeof release.url !== "string" || !/^https:\/\/[^\s'"]+\.zip$/.test(release.url))) {
        problems.push(`${field}.url '${String(release.url)}' must be an https:// URL of a .zip`);
    }
    return problems;
}
