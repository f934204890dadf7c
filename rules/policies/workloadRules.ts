/**
 * The review rules for one declared workload, host or engine endpoint, as pure functions over
 * plain facts. The policy pack and the plan tool call these; they never re-implement them.
 */
import { describeBuild, knownBuild } from "../os/builds";
import { IsolationMode, isolationSupport } from "../os/compatibility";
import { imageOsBuild, imagePinning, parseImageReference } from "../os/imageReference";
import { dockerIsolation, parseTrust, Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { AZURE_NATIVE_COMPUTE_API_VERSION, checkHypervHostSize } from "../azure/vmSizes";
import { endpointNeedsTls, parseDockerEndpoint } from "../docker/endpoint";

/** Stands for a value a preview cannot know yet (computed at deploy, e.g. a generated certificate). */
export const UNKNOWN_UNTIL_DEPLOY: unique symbol = Symbol("unknown until deploy");

/**
 * The sentinels Pulumi puts where a value is unknown during preview: the engine's wire value
 * (sdk/go/common/resource/plugin UnknownStringValue) and @pulumi/policy's typed ones (proxy.ts).
 */
export const PULUMI_UNKNOWN_SENTINELS: readonly string[] = [
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/** The value with every unknown sentinel, at any depth, replaced by UNKNOWN_UNTIL_DEPLOY. */
export function markUnknowns(value: unknown): unknown {
    if (typeof value === "string") return PULUMI_UNKNOWN_SENTINELS.includes(value) ? UNKNOWN_UNTIL_DEPLOY : value;
    if (Array.isArray(value)) return value.map(markUnknowns);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markUnknowns(v)]));
    return value;
}

/**
 * The fact at a path of marked inputs: UNKNOWN_UNTIL_DEPLOY when any step on the way is unknown
 * (an unknown containerSpec makes its isolation unknown, not missing), undefined when missing.
 */
export function factAt(value: unknown, ...path: readonly string[]): unknown {
    let v = value;
    for (const key of path) {
        if (v === UNKNOWN_UNTIL_DEPLOY) return UNKNOWN_UNTIL_DEPLOY;
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[key];
    }
    return v;
}

/** Docker's label list shape (`[{label, value}]`), as docker.Service and docker.Container take it. */
export interface DockerLabel {
    readonly label?: unknown;
    readonly value?: unknown;
}

export type TrustFromLabels =
    | { readonly ok: true; readonly trust: Trust; readonly declared: boolean; /** A label not known until deploy (counted untrusted). */ readonly unknown?: true }
    | { readonly ok: false; readonly message: string };

/** A trust verdict as the reports show it. */
export function describeTrust(t: TrustFromLabels): string {
    if (!t.ok) return "invalid label";
    if (t.unknown) return "untrusted (label unknown until deploy)";
    return `${t.trust}${t.declared ? "" : " (no label)"}`;
}

/**
 * The trust a workload declares through its labels. Missing means untrusted (fail closed);
 * several label lists that disagree also mean untrusted; a value that is not a trust level is
 * an error.
 */
export function trustFromLabels(...labelLists: readonly (readonly DockerLabel[] | typeof UNKNOWN_UNTIL_DEPLOY | undefined)[]): TrustFromLabels {
    const values: unknown[] = [];
    for (const list of labelLists) {
        // A label list, label or value not known until deploy cannot vouch for anything: untrusted.
        if (list === UNKNOWN_UNTIL_DEPLOY) return { ok: true, trust: "untrusted", declared: true, unknown: true };
        for (const l of Array.isArray(list) ? list : []) {
            if (l === UNKNOWN_UNTIL_DEPLOY || l?.label === UNKNOWN_UNTIL_DEPLOY) return { ok: true, trust: "untrusted", declared: true, unknown: true };
            if (l?.label === TRUST_LABEL) values.push(l.value);
        }
    }
    if (values.includes(UNKNOWN_UNTIL_DEPLOY)) return { ok: true, trust: "untrusted", declared: true, unknown: true };
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
 * WindowsContainer, an image build): undefined when fine, else why not. The value is read as
 * Docker reads it (`dockerIsolation`), and only Hyper-V satisfies the rule for untrusted code:
 * missing, `default`, an unrecognised string (all the daemon default, which on a host we did not
 * build is process isolation on Windows Server) and a value not known until deploy all fail.
 */
export function untrustedIsolationProblem(trust: Trust, isolation: unknown, field = "isolation"): string | undefined {
    if (trust !== "untrusted") return undefined;
    if (isolation === UNKNOWN_UNTIL_DEPLOY) {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not known until deploy, so the plan cannot show it will be Hyper-V; set ${field} to the literal 'hyperv'`;
    }
    const mode = dockerIsolation(isolation);
    if (mode === "hyperv") return undefined;
    if (isolation === undefined || isolation === null || isolation === "") {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not set, which leaves the choice to the Docker daemon; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
    }
    if (mode === "default") {
        const why = String(isolation).toLowerCase() === "default" ? "hands the choice to the Docker daemon" : "is not an isolation mode Docker knows, so Docker applies the daemon default";
        return `trust 'untrusted' requires ${field} 'hyperv': ${field} '${String(isolation)}' ${why}; set ${field} 'hyperv'`;
    }
    const read = isolation === mode ? "" : ` (Docker reads it as '${mode}')`;
    return `trust 'untrusted' requires ${field} 'hyperv', got '${String(isolation)}'${read}; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
}

/**
 * The trust an image build declares: `build.labels` and `build.label` are maps (the image's own
 * labels), read like a workload's label lists. Missing means untrusted: a build context runs its
 * Dockerfile's RUN steps, which is code like any other.
 */
export function trustFromBuildLabels(...maps: readonly unknown[]): TrustFromLabels {
    return trustFromLabels(
        ...maps.map((m) => {
            if (m === UNKNOWN_UNTIL_DEPLOY) return UNKNOWN_UNTIL_DEPLOY;
            if (m === null || typeof m !== "object" || Array.isArray(m)) return undefined;
            return Object.entries(m as Record<string, unknown>).map(([label, value]) => ({ label, value }));
        }),
    );
}

/**
 * untrusted-requires-hyperv for docker.Image: its build has no isolation field, so its RUN steps
 * run in the daemon default, and it carries no trust label either.
 */
export function unstatedBuildIsolationProblem(): string {
    return "a docker.Image build cannot state an isolation mode (its build has no isolation field), so the Dockerfile's RUN steps run in whatever the daemon defaults to; build with docker.RemoteImage and build.isolation 'hyperv' (labelled windows-isolation.trust=trusted only if the build context really is), or build elsewhere and reference the image by digest";
}

/** What a WindowsContainer decided, as its inputs record it. */
export interface ComponentDecisionFacts {
    readonly name: string;
    readonly trust: unknown;
    readonly isolation: unknown;
    /** The host the component judged its isolation against (its summary's `host`). */
    readonly host?: unknown;
}

/** A docker resource parented (at any depth) to a WindowsContainer. */
export interface ComponentChildFacts {
    readonly kind: "docker.Service" | "docker.Container";
    readonly name: string;
    /** Whether the component itself is the direct parent. */
    readonly direct: boolean;
    /** taskSpec.containerSpec.isolation, for a service. */
    readonly isolation?: unknown;
    readonly trust: TrustFromLabels;
    /** Where the child's Docker provider comes from; undefined when the reader does not say. */
    readonly runsOn?: ChildProviderFacts;
}

/** The host component whose Docker provider a component's child uses, and the stack's host names. */
export interface ChildProviderFacts {
    /** Name of the host component that is the parent of the child's provider; undefined when none is. */
    readonly hostComponent?: string;
    /** How many host components in the stack are named like the component's host. */
    readonly hostsNamedLikeComponentHost: number;
}

/**
 * The provider half of workload-matches-component: the child must deploy through the Docker
 * provider of the host the component judged (host components name themselves by hostName and
 * own their provider). Swapping it for another host's provider (a transform) deploys the child
 * to an engine whose build and Hyper-V capability nobody checked. When the component's host is
 * no host component of this stack (plain facts from another language), only a provider that
 * belongs to some other host component is known to be wrong.
 */
function childProviderProblem(owner: string, host: unknown, childName: string, runsOn: ChildProviderFacts): string | undefined {
    const count = runsOn.hostsNamedLikeComponentHost;
    if (count > 1) return `${count} host components are named '${String(host)}', so the plan cannot tell which one ${owner} was judged against; give each host a unique name`;
    if (runsOn.hostComponent === host || (count === 0 && runsOn.hostComponent === undefined)) return undefined;
    const actual = runsOn.hostComponent === undefined ? "a Docker provider that belongs to no host component" : `the Docker provider of host '${runsOn.hostComponent}'`;
    return `'${childName}' deploys through ${actual}, but ${owner} judged its isolation against host '${String(host)}' (a transform or another class swapped the provider); remove what changes the service's provider`;
}

/**
 * workload-matches-component: a WindowsContainer runs exactly one docker.Service, its direct
 * child `<name>-service`, with the component's isolation and trust, through its host's Docker
 * provider. Anything else under it (a
 * transform that rewrote the service, a second service, a container, a class that registers the
 * component's type with other children) is not what the component's row promises.
 */
export function componentChildProblems(component: ComponentDecisionFacts, child: ComponentChildFacts): string[] {
    const owner = `WindowsContainer '${component.name}'`;
    if (child.kind === "docker.Container") {
        return [`a docker.Container under ${owner}: the component runs its workload only as its own docker.Service, so this container is outside its decision; declare it as its own WindowsContainer`];
    }
    const problems: string[] = [];
    if (!child.direct || child.name !== `${component.name}-service`) {
        problems.push(`an extra docker.Service under ${owner}: the component runs exactly one service, '${component.name}-service'; declare this workload as its own WindowsContainer`);
    }
    const mode = child.isolation === UNKNOWN_UNTIL_DEPLOY ? "not known until deploy" : dockerIsolation(child.isolation);
    if (mode !== component.isolation) {
        problems.push(`isolation ${child.isolation === undefined ? "(not set)" : `'${String(child.isolation === UNKNOWN_UNTIL_DEPLOY ? "unknown" : child.isolation)}'`} (Docker: ${mode}) differs from the isolation ${owner} decided, '${String(component.isolation)}' (a transform or another class rewrote it); remove what rewrites the service`);
    }
    const trust = child.trust.ok ? (child.trust.unknown ? "not known until deploy" : child.trust.trust) : "invalid";
    if (trust !== component.trust) {
        problems.push(`trust label ${TRUST_LABEL} '${trust}' differs from the trust ${owner} decided, '${String(component.trust)}'; remove what relabels the service`);
    }
    const provider = child.runsOn === undefined ? undefined : childProviderProblem(owner, component.host, child.name, child.runsOn);
    if (provider) problems.push(provider);
    return problems;
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
    readonly image: unknown;
    readonly imageBuild?: number;
    readonly hostBuild?: unknown;
    readonly isolation: unknown;
    readonly hostHypervCapable?: boolean;
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
 * virtualization and security type Standard. Under the Compute API azure-native sends
 * (AZURE_NATIVE_COMPUTE_API_VERSION), Standard is what an absent securityType means; sending
 * 'Standard' explicitly is refused there with InvalidParameter unless the subscription is
 * registered for Microsoft.Compute/UseStandardSecurityType, so it is a problem too.
 */
export function containerHostVmProblems(facts: { readonly vmSize?: unknown; readonly securityType?: unknown; readonly allowUnlistedVmSize?: boolean }): string[] {
    // Not known until deploy: the plan cannot show the VM will run Hyper-V, so it fails closed.
    const unknown = [
        ...(facts.vmSize === UNKNOWN_UNTIL_DEPLOY ? ["hardwareProfile.vmSize is not known until deploy, so the plan cannot show it has nested virtualization; set a literal size (e.g. Standard_D4s_v5)"] : []),
        ...(facts.securityType === UNKNOWN_UNTIL_DEPLOY ? ["securityProfile.securityType is not known until deploy, so the plan cannot show it is Standard (Trusted Launch and confidential VMs break Hyper-V); leave securityType out"] : []),
    ];
    if (unknown.length > 0) return unknown;
    if (typeof facts.vmSize !== "string" || facts.vmSize === "") {
        return ["hardwareProfile.vmSize is not set; set a size with nested virtualization (e.g. Standard_D4s_v5)"];
    }
    const securityType = typeof facts.securityType === "string" ? facts.securityType : undefined;
    const check = checkHypervHostSize(facts.vmSize, { allowUnlistedVmSize: facts.allowUnlistedVmSize, securityType });
    const problems = [...check.problems];
    if (securityType === "Standard") {
        problems.push(`securityProfile.securityType 'Standard' is sent explicitly, which Compute API ${AZURE_NATIVE_COMPUTE_API_VERSION} (what azure-native sends) refuses with InvalidParameter unless the subscription is registered for the feature Microsoft.Compute/UseStandardSecurityType; leave securityType out (the VM is then Standard, without Trusted Launch), or exempt this VM after registering the feature`);
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
