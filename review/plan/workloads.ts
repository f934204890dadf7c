/* eslint-disable @typescript-eslint/no-explicit-any -- recorded inputs are engine JSON of any shape; every read is checked */
/**
 * One row per workload for the plan table: our components, and raw docker.Service /
 * docker.Container resources that bypass them. Facts come from the recorded inputs through the
 * same rules in rules/ the policies use; verdicts come from the analyzer.
 */
import {
    buildMayUseBuildx,
    componentChildProblems,
    describeTrust,
    dockerIsolation,
    admittedNodes,
    factAt,
    HOST_COMPONENT_TYPES,
    HostSummary,
    hostOfWorkload,
    markUnknowns,
    recordedImageBuild,
    ResourceLinks,
    SummaryFacts,
    trustFromBuildLabels,
    trustFromLabels,
    UNKNOWN_UNTIL_DEPLOY,
    WindowsContainerSummary,
} from "../../rules";
import {
    DOCKER_CONTAINER_TYPE,
    DOCKER_IMAGE_TYPE,
    DOCKER_REGISTRY_IMAGE_TYPE,
    DOCKER_REMOTE_IMAGE_TYPE,
    DOCKER_SERVICE_TYPE,
    WINDOWS_CONTAINER_TYPE,
} from "../../policy/types";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../analyzer/resource";

export interface WorkloadRow {
    readonly workload: string;
    readonly kind: "WindowsContainer" | "docker.Service" | "docker.Container" | "docker.RemoteImage build" | "docker.RegistryImage build" | "docker.Image build";
    readonly urn: string;
    /** The workload's resource and its children: findings on any of them belong to the row. */
    readonly urns: string[];
    readonly host: string;
    readonly image: string;
    readonly imageBuild: string;
    readonly hostBuild: string;
    readonly trust: string;
    readonly requestedIsolation: string;
    readonly effectiveIsolation: string;
    /** For a host with declared swarm nodes: the nodes whose labels satisfy the service's constraints. */
    readonly placement: string;
}

/**
 * The policies that judge each kind of row, as the policies select their resources: a verdict is
 * shown only for these (image-host-compatibility does not judge a build, so it cannot pass one).
 */
export const POLICIES_JUDGING: Readonly<Record<WorkloadRow["kind"], readonly string[]>> = {
    WindowsContainer: ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "image-host-compatibility", "pinned-image"],
    "docker.Service": ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "image-host-compatibility", "pinned-image"],
    "docker.Container": ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "pinned-image"],
    "docker.RemoteImage build": ["untrusted-requires-hyperv", "pinned-image"],
    "docker.RegistryImage build": ["untrusted-requires-hyperv"],
    "docker.Image build": ["untrusted-requires-hyperv"],
};

/**
 * The plain value of a wire-format input: secrets unwrapped (callers never print secret fields),
 * values unknown until deploy marked UNKNOWN_UNTIL_DEPLOY.
 */
export function plain(value: unknown): any {
    const unwrap = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(unwrap);
        if (v !== null && typeof v === "object") {
            const o = v as Record<string, unknown>;
            if (o[SIG_KEY] === SECRET_SIG) return unwrap(o.value);
            return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrap(x)]));
        }
        return v;
    };
    return markUnknowns(unwrap(value));
}

/** A fact for a report cell. */
function shown(v: unknown, missing = ""): string {
    if (v === UNKNOWN_UNTIL_DEPLOY) return "(unknown until deploy)";
    return v === undefined || v === null ? missing : String(v);
}

/** The isolation Docker will apply, as the plan's `effective` column shows it. */
function effectiveOf(isolation: unknown): string {
    if (isolation === UNKNOWN_UNTIL_DEPLOY) return "unknown until deploy";
    const mode = dockerIsolation(isolation);
    return mode === "default" ? "daemon default (unknown)" : mode;
}

/** The nearest WindowsContainer above a resource, if any. */
function owningComponent(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): RecordedResource | undefined {
    const seen = new Set<string>();
    for (let p = r.parent ? byUrn.get(r.parent) : undefined; p && !seen.has(p.urn); p = p.parent ? byUrn.get(p.parent) : undefined) {
        seen.add(p.urn);
        if (p.type === WINDOWS_CONTAINER_TYPE) return p;
    }
    return undefined;
}

/** Whether a docker resource under a component is exactly the component's own service, on the component's host. */
function matchesComponent(r: RecordedResource, component: RecordedResource, hostsNamed: (name: unknown) => number, byUrn: ReadonlyMap<string, RecordedResource>): boolean {
    const p = plain(r.inputs);
    const c = plain(component.inputs);
    const spec = factAt(p, "taskSpec", "containerSpec");
    const runsOn = {
        hostComponent: hostOfWorkload(r, recordedLinks(byUrn)).host?.name,
        hostsNamedLikeComponentHost: hostsNamed(c.host),
    };
    const child =
        r.type === DOCKER_CONTAINER_TYPE
            ? { kind: "docker.Container" as const, name: r.name, direct: r.parent === component.urn, trust: trustFromLabels(p.labels) }
            : { kind: "docker.Service" as const, name: r.name, direct: r.parent === component.urn, isolation: factAt(spec, "isolation"), trust: trustFromLabels(factAt(spec, "labels") as any, p.labels), runsOn };
    return componentChildProblems({ name: component.name, trust: c.trust, isolation: c.isolation, host: c.host }, child).length === 0;
}

const BUILD_KINDS: Record<string, WorkloadRow["kind"]> = {
    [DOCKER_REMOTE_IMAGE_TYPE]: "docker.RemoteImage build",
    [DOCKER_REGISTRY_IMAGE_TYPE]: "docker.RegistryImage build",
    [DOCKER_IMAGE_TYPE]: "docker.Image build",
};

function imageBuildOf(image: unknown, explicit?: unknown): string {
    if (typeof image !== "string") return "unknown";
    const r = recordedImageBuild(image, typeof explicit === "number" ? explicit : undefined);
    return "build" in r ? String(r.build) : "unknown";
}

/** How the plan walks recorded resources to a workload's host (the one lookup in rules/). */
function recordedLinks(byUrn: ReadonlyMap<string, RecordedResource>): ResourceLinks<RecordedResource> {
    return {
        typeOf: (r) => r.type,
        providerOf: (r) => (r.provider ? byUrn.get(r.provider) : undefined),
        parentOf: (r) => (r.parent ? byUrn.get(r.parent) : undefined),
    };
}

function hostOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): { name: string; build: string } {
    const { provider, host } = hostOfWorkload(r, recordedLinks(byUrn));
    if (!provider) return { name: "(no provider)", build: "unknown" };
    if (host) {
        const build = plain(host.inputs.osBuild);
        return { name: host.name, build: typeof build === "number" ? String(build) : "unknown" };
    }
    // The engine's default provider from stack config (docker:host): no host facts, so unchecked.
    if (provider.defaultProvider) return { name: `default provider (stack config ${provider.type.slice("pulumi:providers:".length)}:*)`, build: "unknown" };
    return { name: `provider ${provider.name}`, build: "unknown" };
}

/**
 * Which declared swarm nodes the service's constraints admit, matched the way swarm matches them
 * against the labels the nodes carry (`nodeLabels`). A host without declared nodes is one host.
 */
function placementOf(service: RecordedResource | undefined, byUrn: ReadonlyMap<string, RecordedResource>): string {
    if (!service) return "unknown";
    const { host } = hostOfWorkload(service, recordedLinks(byUrn));
    const nodes = host ? (plain(host.inputs) as SummaryFacts<HostSummary>).swarmNodes : undefined;
    if (!Array.isArray(nodes)) return "(single host)";
    const constraints = plain(service.inputs).taskSpec?.placement?.constraints ?? [];
    if (!Array.isArray(constraints) || constraints.some((c) => typeof c !== "string")) return "unknown (constraints not known until deploy)";
    try {
        const admitted = admittedNodes(nodes, constraints);
        return admitted.length === 0 ? "no node" : admitted.map((n: any) => String(n.name)).join(", ");
    } catch (e) {
        return `not evaluated (${e instanceof Error ? e.message : String(e)})`;
    }
}

export function workloadRows(resources: readonly RecordedResource[]): WorkloadRow[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Indexed once: a large program has thousands of workloads.
    const children = new Map<string, RecordedResource[]>();
    const hostCount = new Map<string, number>();
    for (const r of resources) {
        if (r.parent) {
            const siblings = children.get(r.parent);
            if (siblings) siblings.push(r);
            else children.set(r.parent, [r]);
        }
        if (HOST_COMPONENT_TYPES.includes(r.type)) hostCount.set(r.name, (hostCount.get(r.name) ?? 0) + 1);
    }
    const childrenOf = (urn: string) => (children.get(urn) ?? []).map((c) => c.urn);
    const hostsNamed = (name: unknown) => hostCount.get(name as string) ?? 0;
    const rows: WorkloadRow[] = [];
    for (const r of resources) {
        const p = plain(r.inputs);
        if (r.type === WINDOWS_CONTAINER_TYPE) {
            const w = p as SummaryFacts<WindowsContainerSummary>;
            rows.push({
                workload: r.name,
                kind: "WindowsContainer",
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: shown(w.host, "unknown"),
                image: shown(w.image),
                imageBuild: typeof w.imageOsBuild === "number" ? String(w.imageOsBuild) : imageBuildOf(w.image),
                hostBuild: typeof w.hostOsBuild === "number" ? String(w.hostOsBuild) : "unknown",
                trust: w.trust === UNKNOWN_UNTIL_DEPLOY ? "untrusted (unknown until deploy)" : shown(w.trust, "untrusted"),
                requestedIsolation: shown(w.requestedIsolation, "(not set)") || "(not set)",
                effectiveIsolation: w.isolation === undefined || w.isolation === null ? "none" : effectiveOf(w.isolation),
                placement: placementOf(children.get(r.urn)?.find((c) => c.type === DOCKER_SERVICE_TYPE), byUrn),
            });
            continue;
        }
        // The component's own service is shown on its row; anything else under it gets a row of its own.
        const component = owningComponent(r, byUrn);
        if (component && (r.type === DOCKER_SERVICE_TYPE || r.type === DOCKER_CONTAINER_TYPE) && matchesComponent(r, component, hostsNamed, byUrn)) continue;
        if (r.type === DOCKER_SERVICE_TYPE) {
            const spec = factAt(p, "taskSpec", "containerSpec");
            const trust = trustFromLabels(factAt(spec, "labels") as any, p.labels);
            const host = hostOf(r, byUrn);
            const isolation = factAt(spec, "isolation");
            const image = factAt(spec, "image");
            rows.push({
                workload: r.name,
                kind: "docker.Service",
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: host.name,
                image: shown(image),
                imageBuild: imageBuildOf(image),
                hostBuild: host.build,
                trust: describeTrust(trust),
                requestedIsolation: shown(isolation, "(not set)") || "(not set)",
                effectiveIsolation: effectiveOf(isolation),
                placement: placementOf(r, byUrn),
            });
        } else if (BUILD_KINDS[r.type] && p.build !== undefined && p.build !== null) {
            const host = hostOf(r, byUrn);
            const build = p.build;
            const stated = r.type !== DOCKER_IMAGE_TYPE;
            const isolation = stated ? factAt(build, "isolation") : undefined;
            rows.push({
                workload: r.name,
                kind: BUILD_KINDS[r.type],
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: host.name,
                image: shown(p.name ?? p.imageName),
                imageBuild: "unknown",
                hostBuild: host.build,
                trust: stated ? describeTrust(trustFromBuildLabels(factAt(build, "labels"), factAt(build, "label"))) : "untrusted (cannot be labelled)",
                requestedIsolation: stated ? shown(isolation, "(not set)") || "(not set)" : "(cannot be set)",
                effectiveIsolation: stated && buildMayUseBuildx({ builder: factAt(build, "builder"), useLegacyBuilder: factAt(build, "useLegacyBuilder") }) ? "none if buildx builds it" : effectiveOf(isolation),
                placement: "(built on the engine's own node)",
            });
        } else if (r.type === DOCKER_CONTAINER_TYPE) {
            const trust = trustFromLabels(p.labels);
            const host = hostOf(r, byUrn);
            rows.push({
                workload: r.name,
                kind: "docker.Container",
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: host.name,
                image: shown(p.image),
                imageBuild: imageBuildOf(p.image),
                hostBuild: host.build,
                trust: describeTrust(trust),
                requestedIsolation: "(cannot be set)",
                effectiveIsolation: "daemon default (unknown)",
                placement: "(a container runs on the engine's own node)",
            });
        }
    }
    return rows;
}
