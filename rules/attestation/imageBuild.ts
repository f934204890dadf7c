/**
 * verify's image judgement: the engine knows what it pulled (`GET /images/{id}/json`: `Os`,
 * `OsVersion`, `RepoDigests`), so each running container is judged on its image's exact build
 * against the host's build and revision (from `KernelVersion` and `OperatingSystem`'s
 * "OS Build 20348.2700"), with the same version-compatibility rule the plan and the policies use.
 */
import { describeBuild } from "../os/builds";
import { isolationSupport, IsolationMode, OsVersion } from "../os/compatibility";
import { parseOsVersion } from "../os/resolvedImage";

/** What the engine says about a container's image (absent when it could not be read). */
export interface ImageFacts {
    readonly os?: string;
    readonly osVersion?: string;
    readonly repoDigests?: readonly string[];
}

/** The host's build and, when `OperatingSystem` names it ("... (OS Build 20348.2700)"), its revision. */
export function engineOsVersion(kernelBuild: number | undefined, operatingSystem: string | undefined): OsVersion | undefined {
    if (kernelBuild === undefined) return undefined;
    const m = /\(OS Build (\d{5})\.(\d+)\)/.exec(operatingSystem ?? "");
    return m && Number(m[1]) === kernelBuild ? { build: kernelBuild, revision: Number(m[2]) } : { build: kernelBuild };
}

/** Why the image cannot run as the container runs on this host; undefined when it can. */
export function engineImageProblem(host: OsVersion | undefined, image: ImageFacts, effective: IsolationMode | "none" | "unknown", name: string): string | undefined {
    if (image.os !== undefined && image.os !== "windows") return `container ${name} runs a '${image.os}' image on a Windows engine`;
    const parsed = parseOsVersion(image.osVersion);
    if ("problem" in parsed) return `container ${name}'s image cannot be judged: ${parsed.problem}`;
    if (host === undefined) return `container ${name}'s image is ${image.osVersion}, but the engine's build is not readable from its KernelVersion`;
    if (effective !== "process" && effective !== "hyperv") return undefined;
    const support = isolationSupport(host, parsed.version)[effective];
    if (support.supported) return undefined;
    return `container ${name} runs image ${image.osVersion} in '${effective}' isolation on host ${describeBuild(host.build)}${host.revision !== undefined ? ` (${host.build}.${host.revision})` : ""}: ${support.reason}`;
}
