/* eslint-disable @typescript-eslint/no-explicit-any -- recorded inputs are engine JSON of any shape; every read is checked */
/**
 * One row per workload for the plan table: our components, and raw docker.Service /
 * docker.Container resources that bypass them. Facts come from the recorded inputs through the
 * same rules in rules/ the policies use; verdicts come from the analyzer.
 */
import { HostSummary, hostOfWorkload, nodeLabels, nodeMatchesConstraints, recordedImageBuild, ResourceLinks, trustFromLabels, WindowsContainerSummary } from "../../rules";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "../../policy/types";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "./recorded";

export interface WorkloadRow {
    readonly workload: string;
    readonly kind: "WindowsContainer" | "docker.Service" | "docker.Container";
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

/** The plain value of a wire-format input: secrets unwrapped (callers never print secret fields). */
export function plain(value: unknown): any {
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return plain(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

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
    if (!provider) return { name: "(default provider)", build: "unknown" };
    if (host) {
        const build = (plain(host.inputs) as Partial<HostSummary>).osBuild;
        return { name: host.name, build: typeof build === "number" ? String(build) : "unknown" };
    }
    return { name: `provider ${provider.name}`, build: "unknown" };
}

/**
 * Which declared swarm nodes the service's constraints admit, matched the way swarm matches them
 * against the labels the nodes carry (`nodeLabels`). A host without declared nodes is one host.
 */
function placementOf(service: RecordedResource | undefined, byUrn: ReadonlyMap<string, RecordedResource>): string {
    if (!service) return "unknown";
    const { host } = hostOfWorkload(service, recordedLinks(byUrn));
    const nodes = host ? (plain(host.inputs) as Partial<HostSummary>).swarmNodes : undefined;
    if (!Array.isArray(nodes)) return "(single host)";
    const constraints = plain(service.inputs).taskSpec?.placement?.constraints ?? [];
    if (!Array.isArray(constraints) || constraints.some((c) => typeof c !== "string")) return "unknown (constraints not known until deploy)";
    try {
        const admitted = nodes.filter((n: any) => nodeMatchesConstraints({ platformOs: "windows", labels: nodeLabels(n) }, constraints));
        return admitted.length === 0 ? "no node" : admitted.map((n: any) => String(n.name)).join(", ");
    } catch (e) {
        return `not evaluated (${e instanceof Error ? e.message : String(e)})`;
    }
}

export function workloadRows(resources: readonly RecordedResource[]): WorkloadRow[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const childrenOf = (urn: string) => resources.filter((c) => c.parent === urn).map((c) => c.urn);
    const rows: WorkloadRow[] = [];
    for (const r of resources) {
        const p = plain(r.inputs);
        if (r.type === WINDOWS_CONTAINER_TYPE) {
            const w = p as Partial<WindowsContainerSummary>;
            rows.push({
                workload: r.name,
                kind: "WindowsContainer",
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: String(w.host ?? "unknown"),
                image: String(w.image ?? ""),
                imageBuild: w.imageOsBuild === null || w.imageOsBuild === undefined ? imageBuildOf(w.image) : String(w.imageOsBuild),
                hostBuild: w.hostOsBuild === null || w.hostOsBuild === undefined ? "unknown" : String(w.hostOsBuild),
                trust: String(w.trust ?? "untrusted"),
                requestedIsolation: w.requestedIsolation ? String(w.requestedIsolation) : "(not set)",
                effectiveIsolation: w.isolation ? String(w.isolation) : "none",
                placement: placementOf(resources.find((c) => c.parent === r.urn && c.type === DOCKER_SERVICE_TYPE), byUrn),
            });
            continue;
        }
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent?.type === WINDOWS_CONTAINER_TYPE) continue; // shown on the component's row
        if (r.type === DOCKER_SERVICE_TYPE) {
            const spec = p.taskSpec?.containerSpec ?? {};
            const trust = trustFromLabels(spec.labels, p.labels);
            const host = hostOf(r, byUrn);
            const isolation = spec.isolation;
            rows.push({
                workload: r.name,
                kind: "docker.Service",
                urn: r.urn,
                urns: [r.urn, ...childrenOf(r.urn)],
                host: host.name,
                image: String(spec.image ?? ""),
                imageBuild: imageBuildOf(spec.image),
                hostBuild: host.build,
                trust: trust.ok ? `${trust.trust}${trust.declared ? "" : " (no label)"}` : "invalid label",
                requestedIsolation: isolation ? String(isolation) : "(not set)",
                effectiveIsolation: isolation === "process" || isolation === "hyperv" ? isolation : "daemon default (unknown)",
                placement: placementOf(r, byUrn),
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
                image: String(p.image ?? ""),
                imageBuild: imageBuildOf(p.image),
                hostBuild: host.build,
                trust: trust.ok ? `${trust.trust}${trust.declared ? "" : " (no label)"}` : "invalid label",
                requestedIsolation: "(cannot be set)",
                effectiveIsolation: "daemon default (unknown)",
                placement: "(a container runs on the engine's own node)",
            });
        }
    }
    return rows;
}
