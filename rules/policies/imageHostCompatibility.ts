/**
 * image-host-compatibility: the declared isolation mode can run the image's Windows build on
 * the host's build (policy/imageHostCompatibility.ts and the plan call this).
 */
import { describeBuild, knownBuild } from "../os/builds";
import { IsolationMode, isolationSupport } from "../os/compatibility";
import { imageOsBuild } from "../os/imageReference";
import { dockerIsolation } from "../os/isolation";
import { ImageResolution, isResolved, platformForHost, tagContradiction, windowsPlatforms } from "../os/resolvedImage";
import { admittedNodes, PoolNode } from "../swarm/placement";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

export type RuleVerdict =
    | { readonly status: "ok"; readonly reason: string }
    | { readonly status: "violation"; readonly message: string }
    | { readonly status: "unknown"; readonly reason: string };

/**
 * The image's Windows build as a reader of recorded inputs sees it (policies, plan): the explicit
 * one when given, else the build its tag pins. The component itself decides with more facts
 * (a tag that contradicts imageOsBuild) in workloadImageBuild (components/workload/windowsContainerValidation.ts).
 */
export function recordedImageBuild(image: string, explicitBuild?: number): { build: number } | { problem: string } {
    if (explicitBuild !== undefined && explicitBuild !== null) {
        if (!Number.isInteger(explicitBuild) || !knownBuild(explicitBuild)) return { problem: `imageOsBuild ${JSON.stringify(explicitBuild)} is not a Windows build this project knows` };
        return { build: explicitBuild };
    }
    const pinned = imageOsBuild(image);
    if (pinned.status === "pinned") return { build: pinned.build };
    return { problem: `image '${image}': ${pinned.reason}` };
}

/**
 * image-host-compatibility: can the declared isolation mode run the image on the host?
 * `unknown` when the host build is not known to the caller (say so, never guess); a violation
 * when the image build cannot be determined or the mode cannot run it.
 */
export function imageHostVerdict(facts: {
    readonly image: unknown;
    readonly imageBuild?: number;
    readonly hostBuild?: unknown;
    readonly isolation: unknown;
    readonly hostHypervCapable?: boolean;
    /** What the registry says the image is (plan --resolve-images); undefined when resolution is off. */
    readonly resolution?: ImageResolution;
    /** Only a trusted workload may fall back to the offline reading when its image cannot be resolved. */
    readonly trusted?: boolean;
}): RuleVerdict {
    if (facts.isolation === UNKNOWN_UNTIL_DEPLOY) {
        return { status: "violation", message: "isolation is not known until deploy, so compatibility cannot be checked; set isolation to a literal 'process' or 'hyperv'" };
    }
    if (typeof facts.image !== "string") {
        const why = facts.image === UNKNOWN_UNTIL_DEPLOY ? "is not known until deploy" : "is not set";
        return { status: "violation", message: `the image ${why}, so its Windows build cannot be checked against the host; use a literal image reference pinned to a build (e.g. :ltsc2022)` };
    }
    if (facts.hostBuild === undefined || facts.hostBuild === null || facts.hostBuild === UNKNOWN_UNTIL_DEPLOY) {
        return { status: "unknown", reason: "the host's Windows build is not known (the engine's provider is not a windows-isolation host)" };
    }
    const mode = dockerIsolation(facts.isolation);
    if (mode === "default") {
        const shown = facts.isolation === undefined || facts.isolation === null || facts.isolation === "" ? "is not set" : `'${String(facts.isolation)}' is the daemon default to Docker`;
        return {
            status: "violation",
            message: `isolation ${shown}, so the Docker daemon picks the mode and compatibility cannot be checked; set isolation 'process' or 'hyperv'`,
        };
    }
    if (facts.resolution !== undefined && (isResolved(facts.resolution) || !facts.trusted)) {
        return resolvedVerdict(facts.resolution, facts.hostBuild as number, mode as IsolationMode, facts.imageBuild, facts.hostHypervCapable);
    }
    const image = recordedImageBuild(facts.image, facts.imageBuild);
    if ("problem" in image) return { status: "violation", message: `${image.problem}; pin the build in the tag (e.g. :ltsc2022) or declare imageOsBuild` };
    const support = isolationSupport(facts.hostBuild as number, image.build)[mode as IsolationMode];
    if (!support.supported) {
        return { status: "violation", message: `isolation '${mode}' cannot run image build ${describeBuild(image.build)} on host build ${describeBuild(facts.hostBuild as number)}: ${support.reason}` };
    }
    if (mode === "hyperv" && facts.hostHypervCapable === false) {
        return { status: "violation", message: `isolation 'hyperv' on a host with hypervCapable false never starts; use a Hyper-V capable host` };
    }
    return { status: "ok", reason: support.reason };
}

/**
 * The verdict on the image as its registry resolved it: the Windows platform the host's engine
 * pulls, with its exact build and revision. A reference that did not resolve, has no usable
 * Windows platform, or whose tag (or declared imageOsBuild) says another build is a violation.
 */
function resolvedVerdict(resolution: ImageResolution, hostBuild: number, mode: IsolationMode, declared: number | undefined, hostHypervCapable: boolean | undefined): RuleVerdict {
    if (!isResolved(resolution)) return { status: "violation", message: `${resolution.error}; an untrusted workload is judged only on what its registry says, never on a guess` };
    const windows = windowsPlatforms(resolution);
    if ("problem" in windows) return { status: "violation", message: windows.problem };
    const contradiction = tagContradiction(resolution, windows.platforms);
    if (contradiction) return { status: "violation", message: `${contradiction}; fix the tag or pin the digest` };
    const builds = [...new Set(windows.platforms.map((p) => p.version.build))];
    if (declared !== undefined && declared !== null && !builds.includes(declared)) {
        return { status: "violation", message: `imageOsBuild ${describeBuild(declared)} contradicts ${resolution.registry}, which says ${resolution.digest} is ${builds.map(describeBuild).join(", ")}; remove imageOsBuild or fix it` };
    }
    const platform = platformForHost(windows.platforms, hostBuild);
    if (!platform) {
        return { status: "violation", message: `image '${resolution.reference}' (${resolution.digest}) has no amd64 Windows platform a host of build ${describeBuild(hostBuild)} pulls (it has ${windows.platforms.map((p) => `${p.architecture} ${p.osVersion}`).join(", ")})` };
    }
    const at = `${platform.osVersion} (${platform.digest})`;
    const support = isolationSupport(hostBuild, platform.version)[mode];
    if (!support.supported) return { status: "violation", message: `isolation '${mode}' cannot run image '${resolution.reference}' at ${at} on host build ${describeBuild(hostBuild)}: ${support.reason}` };
    if (mode === "hyperv" && hostHypervCapable === false) return { status: "violation", message: `isolation 'hyperv' on a host with hypervCapable false never starts; use a Hyper-V capable host` };
    return { status: "ok", reason: `${at}: ${support.reason}` };
}

/**
 * The verdict for a service: on each swarm node its constraints admit when the host declares
 * nodes and the constraints are known, the first node that cannot run it decides; otherwise the
 * host's own facts (a constraint the matcher does not know, or none admitted, keeps that).
 */
export function serviceHostVerdict(
    facts: { readonly image: unknown; readonly isolation: unknown; readonly constraints: unknown; readonly resolution?: ImageResolution; readonly trusted?: boolean },
    host: { readonly osBuild?: number | typeof UNKNOWN_UNTIL_DEPLOY; readonly hypervCapable?: boolean; readonly swarmNodes?: readonly PoolNode[] } | undefined,
): RuleVerdict {
    const resolved = { resolution: facts.resolution, trusted: facts.trusted };
    const onHost = () => imageHostVerdict({ image: facts.image, hostBuild: host?.osBuild, isolation: facts.isolation, hostHypervCapable: host?.hypervCapable, ...resolved });
    const constraints = facts.constraints ?? [];
    if (!host?.swarmNodes || !Array.isArray(constraints) || !constraints.every((c) => typeof c === "string")) return onHost();
    let nodes: PoolNode[];
    try {
        nodes = admittedNodes(host.swarmNodes, constraints as string[]);
    } catch {
        return onHost();
    }
    if (nodes.length === 0) return onHost();
    for (const node of nodes) {
        const v = imageHostVerdict({ image: facts.image, hostBuild: node.osBuild, isolation: facts.isolation, hostHypervCapable: node.hypervCapable, ...resolved });
        if (v.status === "violation") return { ...v, message: `on swarm node '${node.name}', which its placement constraints admit: ${v.message}` };
        if (v.status !== "ok") return v;
    }
    return { status: "ok", reason: `every swarm node its placement constraints admit (${nodes.map((n) => n.name).join(", ")}) can run it` };
}
