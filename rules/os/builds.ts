/**
 * Windows OS builds the project knows, with the names users and image tags use for them.
 *
 * Sources: Microsoft's Windows container version-compatibility page
 * (virtualization/windowscontainers/deploy-containers/version-compatibility) and hcsshim
 * `osversion` (the build constants behind CheckHostAndContainerCompat).
 * A build that is not listed here is an error wherever it is used: we never guess what an
 * unknown build can run.
 */

/**
 * The LTSC builds by the names hcsshim's `osversion` (and containerd's `platforms`) give them:
 * RS1 is Windows Server 2016, RS5 2019, V21H2Server 2022, V25H1Server 2025.
 */
export const RS1 = 14393;
export const RS5 = 17763;
export const V21H2Server = 20348;
export const V25H1Server = 26100;

/** The Long-Term Servicing Channel releases, oldest first. */
export const LTSC_RELEASES = [
    { name: "ltsc2016", build: RS1, product: "Windows Server 2016" },
    { name: "ltsc2019", build: RS5, product: "Windows Server 2019" },
    { name: "ltsc2022", build: V21H2Server, product: "Windows Server 2022" },
    { name: "ltsc2025", build: V25H1Server, product: "Windows Server 2025" },
] as const;

export type LtscName = (typeof LTSC_RELEASES)[number]["name"];

/** Builds from which hcsshim's stable-ABI rule counts (hcsshim osversion compatLTSCReleases). */
export const STABLE_ABI_LTSC_BUILDS: readonly number[] = [V21H2Server, V25H1Server];

/** Oldest host build current Docker engines start on (moby refuses older Windows builds). */
export const MIN_DOCKERD_HOST_BUILD = RS5;

export interface KnownBuild {
    readonly build: number;
    /** What the build is called in Microsoft's documentation. */
    readonly product: string;
    /** Whether Microsoft publishes Windows base images for this build. */
    readonly hasContainerImages: boolean;
    /** Whether the build ships as a Windows Server host (else: a Windows client host only). */
    readonly server: boolean;
}

const KNOWN_BUILDS: readonly KnownBuild[] = [
    { build: 14393, product: "Windows Server 2016 / Windows 10 1607", hasContainerImages: true, server: true },
    { build: 16299, product: "Windows Server 1709", hasContainerImages: true, server: true },
    { build: 17134, product: "Windows Server 1803", hasContainerImages: true, server: true },
    { build: 17763, product: "Windows Server 2019 / Windows 10 1809", hasContainerImages: true, server: true },
    { build: 18362, product: "Windows Server 1903", hasContainerImages: true, server: true },
    { build: 18363, product: "Windows Server 1909", hasContainerImages: true, server: true },
    { build: 19041, product: "Windows Server 2004 / Windows 10 2004", hasContainerImages: true, server: true },
    { build: 19042, product: "Windows Server 20H2 / Windows 10 20H2", hasContainerImages: true, server: true },
    { build: 19043, product: "Windows 10 21H1", hasContainerImages: false, server: false },
    { build: 19044, product: "Windows 10 21H2", hasContainerImages: false, server: false },
    { build: 19045, product: "Windows 10 22H2", hasContainerImages: false, server: false },
    { build: 20348, product: "Windows Server 2022", hasContainerImages: true, server: true },
    { build: 22000, product: "Windows 11 21H2", hasContainerImages: false, server: false },
    { build: 22621, product: "Windows 11 22H2", hasContainerImages: false, server: false },
    { build: 22631, product: "Windows 11 23H2", hasContainerImages: false, server: false },
    { build: 25398, product: "Windows Server 23H2 (annual channel)", hasContainerImages: false, server: true },
    { build: 26100, product: "Windows Server 2025 / Windows 11 24H2", hasContainerImages: true, server: true },
    { build: 26200, product: "Windows 11 25H2", hasContainerImages: false, server: false },
];

const BY_BUILD = new Map(KNOWN_BUILDS.map((b) => [b.build, b]));

export function knownBuild(build: number): KnownBuild | undefined {
    return BY_BUILD.get(build);
}

export function knownBuilds(): readonly KnownBuild[] {
    return KNOWN_BUILDS;
}

/** Builds that have Microsoft base images, i.e. builds an image can pin. */
export function imageBuilds(): readonly number[] {
    return KNOWN_BUILDS.filter((b) => b.hasContainerImages).map((b) => b.build);
}

/** Human label for messages: "20348 (ltsc2022)" or "22621 (Windows 11 22H2)". */
export function describeBuild(build: number): string {
    const ltsc = LTSC_RELEASES.find((r) => r.build === build);
    if (ltsc) return `${build} (${ltsc.name})`;
    const known = BY_BUILD.get(build);
    return known ? `${build} (${known.product})` : `${build} (unknown build)`;
}

/** The LTSC name for a build, when it is one. */
export function ltscName(build: number): LtscName | undefined {
    return LTSC_RELEASES.find((r) => r.build === build)?.name;
}

export function ltscBuild(name: string): number | undefined {
    return LTSC_RELEASES.find((r) => r.name === name.toLowerCase())?.build;
}

/**
 * Parses a user-supplied build: a number (20348), a numeric string ("20348") or an LTSC name
 * ("ltsc2022"). Returns undefined for anything else; callers turn that into a field error.
 */
export function parseBuild(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
    if (typeof value !== "string") return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    return ltscBuild(trimmed);
}

/** Why a build cannot be a Docker host; `message` is "<value> <rule>; <fix>" without the field. */
export interface HostBuildProblem {
    readonly kind: "unknown" | "too-old";
    readonly message: string;
}

/**
 * The one rule for a Docker host's build: a build this project knows, no older than the oldest
 * host current Docker engines run on. Undefined when the build can host an engine.
 */
export function hostBuildProblem(build: unknown): HostBuildProblem | undefined {
    if (typeof build !== "number" || !Number.isInteger(build) || !knownBuild(build)) {
        return { kind: "unknown", message: `${JSON.stringify(build)} is not a Windows build this project knows; use the host's real build, e.g. ${RS5} (ltsc2019), ${V21H2Server} (ltsc2022), ${V25H1Server} (ltsc2025)` };
    }
    if (build < MIN_DOCKERD_HOST_BUILD) {
        return { kind: "too-old", message: `${describeBuild(build)} is older than ${describeBuild(MIN_DOCKERD_HOST_BUILD)}, the oldest host current Docker engines run on; upgrade the host` };
    }
    return undefined;
}
