/**
 * Which isolation modes can run an image of one Windows build on a host of another.
 *
 * The rule is hcsshim's `osversion.CheckHostAndContainerCompat` (what containerd and dockerd
 * enforce) plus Microsoft's version-compatibility page:
 * - an image newer than the host never runs;
 * - Hyper-V isolation runs any image whose build is <= the host build;
 * - process isolation on a host below 20348 needs the exact build, and below 17763 also the same
 *   revision (Microsoft: revisions must match for Windows Server 2016-based containers; "for hosts
 *   or images using Windows Server version 1809 and later, this rule doesn't apply"); from 20348 on the host accepts images from the latest stable-ABI LTSC strictly
 *   below the host build (20348 when there is none) up to its own build;
 * - current Docker engines refuse to start on hosts below 17763, so nothing runs there.
 */
import { describeBuild, hostBuildProblem, knownBuild, MIN_DOCKERD_HOST_BUILD, RS5, STABLE_ABI_LTSC_BUILDS, V21H2Server } from "./builds";

export interface OsVersion {
    readonly build: number;
    /** The update revision (the last part of 10.0.build.revision), when known. */
    readonly revision?: number;
}

/**
 * Isolation modes a workload can ask for. A const object plus a type of its values, not a bare
 * union: Pulumi's component schema analyzer reads this shape as an enum (process, hyperv).
 */
export const IsolationMode = { Process: "process", Hyperv: "hyperv" } as const;
export type IsolationMode = (typeof IsolationMode)[keyof typeof IsolationMode];
export const ISOLATION_MODES: readonly IsolationMode[] = ["process", "hyperv"];

export interface ModeSupport {
    readonly supported: boolean;
    /** Why, in one sentence that can be shown to a user. */
    readonly reason: string;
}

export type IsolationSupport = Readonly<Record<IsolationMode, ModeSupport>>;

function asVersion(v: number | OsVersion): OsVersion {
    return typeof v === "number" ? { build: v } : v;
}

/** The oldest image build a host runs in process isolation (hosts >= 20348). */
export function oldestProcessImageBuild(hostBuild: number): number {
    if (hostBuild < V21H2Server) return hostBuild;
    let oldest = V21H2Server;
    for (const ltsc of STABLE_ABI_LTSC_BUILDS) {
        if (hostBuild > ltsc) oldest = ltsc;
    }
    return oldest;
}

function processSupport(host: OsVersion, image: OsVersion): ModeSupport {
    const h = describeBuild(host.build);
    const i = describeBuild(image.build);
    if (host.build < V21H2Server) {
        if (host.build !== image.build) {
            return { supported: false, reason: `process isolation on host ${h} needs an image of the same build; image is ${i}` };
        }
        // Before 1809 the revision must match too: judged exactly when both are known (a resolved image), never guessed.
        if (host.build < RS5) {
            if (host.revision === undefined || image.revision === undefined) {
                return {
                    supported: false,
                    reason: `process isolation on ${host.build} needs the image revision to equal the host revision, and ${host.revision === undefined ? "the host's" : "the image's"} is not known`,
                };
            }
            if (host.revision !== image.revision) {
                return {
                    supported: false,
                    reason: `process isolation on ${host.build} needs the same revision: host ${host.build}.${host.revision}, image ${image.build}.${image.revision}`,
                };
            }
            return { supported: true, reason: `image build and revision equal the host's (${host.build}.${host.revision})` };
        }
        return { supported: true, reason: `image build equals host build ${h}` };
    }
    const oldest = oldestProcessImageBuild(host.build);
    if (image.build < oldest || image.build > host.build) {
        return {
            supported: false,
            reason: `process isolation on host ${h} runs images from ${describeBuild(oldest)} to ${h}; image is ${i}`,
        };
    }
    return { supported: true, reason: `host ${h} runs images from ${describeBuild(oldest)} up to its own build in process isolation` };
}

function bothModes(reason: string): IsolationSupport {
    return { process: { supported: false, reason }, hyperv: { supported: false, reason } };
}

/**
 * What Windows itself supports (Microsoft's version-compatibility table, hcsshim's rule),
 * before asking whether a Docker engine runs on the host at all. Unknown builds are never
 * supported.
 */
export function osIsolationSupport(host: number | OsVersion, image: number | OsVersion): IsolationSupport {
    const hv = asVersion(host);
    const iv = asVersion(image);
    if (!knownBuild(hv.build)) return bothModes(`host build ${hv.build} is not a Windows build this project knows`);
    if (!knownBuild(iv.build)?.hasContainerImages) {
        return bothModes(`image build ${iv.build} is not a Windows build Microsoft publishes container images for`);
    }
    if (iv.build > hv.build) {
        return bothModes(`image build ${describeBuild(iv.build)} is newer than host build ${describeBuild(hv.build)}; Windows never runs a newer image`);
    }
    return {
        process: processSupport(hv, iv),
        hyperv: { supported: true, reason: `Hyper-V isolation runs any image up to the host build ${describeBuild(hv.build)}` },
    };
}

/**
 * For each isolation mode: can a Docker engine on a host of `host` build run an image of
 * `image` build? This is the rule every component, policy and tool calls.
 */
export function isolationSupport(host: number | OsVersion, image: number | OsVersion): IsolationSupport {
    const hostBuild = asVersion(host).build;
    if (hostBuildProblem(hostBuild)?.kind === "too-old") {
        return bothModes(`current Docker engines do not run on host build ${describeBuild(hostBuild)}; the oldest they accept is ${describeBuild(MIN_DOCKERD_HOST_BUILD)}`);
    }
    return osIsolationSupport(host, image);
}
