/**
 * The review rules for one declared workload, host or engine endpoint, as pure functions over
 * plain facts. The policy pack and the plan tool call these; they never re-implement them.
 */
import { describeBuild, knownBuild } from "../os/builds";
import { IsolationMode, isolationSupport } from "../os/compatibility";
import { imageOsBuild, imagePinning, parseImageReference } from "../os/imageReference";
import { parseIsolation, parseTrust, Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { checkHypervHostSize } from "../azure/vmSizes";
import { endpointNeedsTls, parseDockerEndpoint } from "../docker/endpoint";

/** Docker's label list shape (`[{label, value}]`), as docker.Service and docker.Container take it. */
export interface DockerLabel {
    readonly label?: unknown;
    readonly value?: unknown;
}

export type TrustFromLabels = { readonly ok: true; readonly trust: Trust; readonly declared: boolean } | { readonly ok: false; readonly message: string };

/**
 * The trust a workload declares through its labels. Missing means untrusted (fail closed);
 * several label lists that disagree also mean untrusted; a value that is not a trust level is
 * an error.
 */
export function trustFromLabels(...labelLists: readonly (readonly DockerLabel[] | undefined)[]): TrustFromLabels {
    const values: unknown[] = [];
    for (const list of labelLists) {
        for (const l of Array.isArray(list) ? list : []) if (l?.label === TRUST_LABEL) values.push(l.value);
    }
    if (values.length === 0) return { ok: true, trust: "untrusted", declared: false };
    for (const v of values) {
        const parsed = parseTrust(v);
        if (!parsed.ok) return { ok: false, message: `label ${TRUST_LABEL}=${JSON.stringify(v)}: ${parsed.error.message}` };
    }
    const trust: Trust = values.every((v) => v === "trusted") ? "trusted" : "untrusted";
    return { ok: true, trust, declared: true };
}

/**
 * untrusted-requires-hyperv for a workload that can state its isolation (docker.Service,
 * WindowsContainer): undefined when fine, else why not. Missing or `default` isolation never
 * satisfies the rule for untrusted code: only an explicit `hyperv` does.
 */
export function untrustedIsolationProblem(trust: Trust, isolation: unknown): string | undefined {
    if (trust !== "untrusted") return undefined;
    if (isolation === "hyperv") return undefined;
    if (isolation === undefined || isolation === null || isolation === "") {
        return "trust 'untrusted' (declared or by default) requires isolation 'hyperv', and the isolation is not set, which leaves the choice to the Docker daemon; set isolation 'hyperv' (or declare the workload trusted if it really is)";
    }
    const parsed = parseIsolation(isolation);
    if (!parsed.ok) return `trust 'untrusted' requires isolation 'hyperv': ${parsed.error.message}`;
    return `trust 'untrusted' requires isolation 'hyperv', got '${String(isolation)}'; set isolation 'hyperv' (or declare the workload trusted if it really is)`;
}

/**
 * untrusted-requires-hyperv for docker.Container, which cannot express an isolation mode at
 * all (neither @pulumi/docker nor upstream docker_container has the field): only a workload
 * labelled trusted may use it.
 */
export function containerResourceProblem(trust: Trust): string | undefined {
    if (trust === "trusted") return undefined;
    return `a docker.Container cannot state an isolation mode, so it runs in whatever the daemon defaults to, and this one is not labelled ${TRUST_LABEL}=trusted; use WindowsContainer (or docker.Service with taskSpec.containerSpec.isolation 'hyperv')`;
}

export type RuleVerdict =
    | { readonly status: "ok"; readonly reason: string }
    | { readonly status: "violation"; readonly message: string }
    | { readonly status: "unknown"; readonly reason: string };

/**
 * The image's Windows build as a reader of recorded inputs sees it (policies, plan): the explicit
 * one when given, else the build its tag pins. The component itself decides with more facts
 * (a tag that contradicts imageOsBuild) in workloadImageBuild.
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
    readonly image: string;
    readonly imageBuild?: number;
    readonly hostBuild?: number;
    readonly isolation: unknown;
    readonly hostHypervCapable?: boolean;
}): RuleVerdict {
    if (facts.hostBuild === undefined || facts.hostBuild === null) {
        return { status: "unknown", reason: "the host's Windows build is not known (the engine's provider is not a windows-isolation host)" };
    }
    const mode = facts.isolation;
    if (mode !== "process" && mode !== "hyperv") {
        return {
            status: "violation",
            message: `isolation ${mode === undefined || mode === null ? "is not set" : `'${String(mode)}'`}, so the Docker daemon picks the mode and compatibility cannot be checked; set isolation 'process' or 'hyperv'`,
        };
    }
    const image = recordedImageBuild(facts.image, facts.imageBuild);
    if ("problem" in image) return { status: "violation", message: `${image.problem}; pin the build in the tag (e.g. :ltsc2022) or declare imageOsBuild` };
    const support = isolationSupport(facts.hostBuild, image.build)[mode as IsolationMode];
    if (!support.supported) {
        return { status: "violation", message: `isolation '${mode}' cannot run image build ${describeBuild(image.build)} on host build ${describeBuild(facts.hostBuild)}: ${support.reason}` };
    }
    if (mode === "hyperv" && facts.hostHypervCapable === false) {
        return { status: "violation", message: `isolation 'hyperv' on a host with hypervCapable false never starts; use a Hyper-V capable host` };
    }
    return { status: "ok", reason: support.reason };
}

/** Stands for a value a preview cannot know yet (computed at deploy, e.g. a generated certificate). */
export const UNKNOWN_UNTIL_DEPLOY: unique symbol = Symbol("unknown until deploy");

/**
 * docker-api-tls-only for a Docker provider: a tcp endpoint needs CA, client certificate and
 * key (material or a certPath). Other schemes (npipe, unix, ssh) are not network TLS questions.
 * A material that is unknown until deploy will be set, so it counts as present; an endpoint
 * unknown until deploy may be tcp, so it needs all three (fail closed).
 */
export function dockerEndpointProblem(facts: {
    readonly host?: unknown;
    readonly caMaterial?: unknown;
    readonly certMaterial?: unknown;
    readonly keyMaterial?: unknown;
    readonly certPath?: unknown;
}): string | undefined {
    const hostUnknown = facts.host === UNKNOWN_UNTIL_DEPLOY;
    if (!hostUnknown && (typeof facts.host !== "string" || !endpointNeedsTls(facts.host))) return undefined;
    const set = (v: unknown) => v === UNKNOWN_UNTIL_DEPLOY || (typeof v === "string" && v !== "");
    if (set(facts.certPath)) return undefined;
    const missing = (["caMaterial", "certMaterial", "keyMaterial"] as const).filter((k) => !set(facts[k]));
    if (missing.length === 0) return undefined;
    const endpoint = hostUnknown
        ? "Docker endpoint (not known until deploy, so possibly tcp)"
        : `Docker endpoint '${String(facts.host)}' ${parseDockerEndpoint(facts.host).ok ? "is tcp" : "(not a unix, npipe or ssh endpoint, so possibly tcp)"}`;
    return `${endpoint} without mutual TLS (${missing.join(", ")} missing): whoever reaches it is root on the host; set caMaterial, certMaterial and keyMaterial (dockerd with tlsverify on 2376)`;
}

/**
 * hyperv-host-nested-virtualization for a VM tagged as a container host: a size with nested
 * virtualization and security type Standard set explicitly (Azure may default new VMs to
 * Trusted Launch, which breaks Hyper-V).
 */
export function containerHostVmProblems(facts: { readonly vmSize?: unknown; readonly securityType?: unknown; readonly allowUnlistedVmSize?: boolean }): string[] {
    if (typeof facts.vmSize !== "string" || facts.vmSize === "") {
        return ["hardwareProfile.vmSize is not set; set a size with nested virtualization (e.g. Standard_D4s_v5)"];
    }
    const securityType = typeof facts.securityType === "string" ? facts.securityType : undefined;
    const check = checkHypervHostSize(facts.vmSize, { allowUnlistedVmSize: facts.allowUnlistedVmSize, securityType });
    const problems = [...check.problems];
    if (securityType === undefined) {
        problems.push("securityProfile.securityType is not set, and Azure may default a new VM to Trusted Launch, which breaks Hyper-V inside it; set securityType 'Standard'");
    }
    return problems;
}

/** Whether the image comes from one of the registries (`mcr.microsoft.com`, `myacr.azurecr.io/team`). */
export function imageFromRegistry(image: string, registries: readonly string[]): string | undefined {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return undefined;
    const full = `${parsed.reference.domain ?? "docker.io"}/${parsed.reference.path}`;
    return registries.find((r) => {
        const prefix = r.replace(/\/+$/, "");
        return full === prefix || full.startsWith(`${prefix}/`);
    });
}

/** pinned-image: undefined for a tag or digest, else why the image is not pinned. */
export function unpinnedImageProblem(image: string): string | undefined {
    const pinning = imagePinning(image);
    switch (pinning) {
        case "digest":
        case "tag":
            return undefined;
        case "latest":
            return `image '${image}' uses the 'latest' tag, which moves: the next pull can bring a different Windows build; pin a build tag (e.g. :ltsc2022) or a digest`;
        case "untagged":
            return `image '${image}' has no tag (Docker reads it as 'latest'); pin a build tag (e.g. :ltsc2022) or a digest`;
        default:
            return `image '${image}' is not a valid image reference: ${(parseImageReference(image) as { reason?: string }).reason ?? "unparseable"}`;
    }
}
