import {
    decideIsolation,
    describeBuild,
    imageOsBuild,
    IsolationDecision,
    checkAdditionalDemand,
    decidePoolIsolation,
    IsolationMode,
    isReservedLabel,
    parseBuild,
    placementConstraints,
    PoolNode,
    WorkloadDemand,
} from "../../rules";
import { PublishedPortRegistry, SwarmCapacity, WindowsHostFacts } from "../host/host";
import { PublishedPort, WindowsContainerArgs } from "./windowsContainerArgs";


/** The plain arguments that decide isolation and placement; checked before anything is created. */
export type WindowsContainerSpec = Pick<
    WindowsContainerArgs,
    "image" | "trust" | "isolation" | "imageOsBuild" | "ports" | "memoryMb" | "cpus" | "replicas" | "labels" | "networks" | "rollingUpdate"
> & {
    /** The host's facts and its port registry (any `WindowsDockerHost` fits); `nodes` for a swarm of several nodes. */
    readonly host: WindowsHostFacts & {
        readonly publishedPorts: PublishedPortRegistry;
        readonly nodes?: readonly PoolNode[];
        /** Capacity options and demand so far; checked when every node declares cpuCount and memoryMb. */
        readonly capacity?: SwarmCapacity;
    };
    readonly envKeys?: readonly string[];
    readonly secretEnvKeys?: readonly string[];
};

export interface WindowsContainerPlan {
    readonly decision: IsolationDecision;
    readonly imageBuild: number;
    readonly imageRevision?: number;
    readonly replicas: number;
    readonly ports: readonly Required<PublishedPort>[];
    /** Swarm placement constraints: always the platform, plus the pool's node constraints. */
    readonly constraints: readonly string[];
    /** For a pool: the nodes that may run the workload. */
    readonly nodes?: readonly string[];
    /** For a pool with declared capacity: what this workload adds to it. */
    readonly demand?: WorkloadDemand;
}

export type WindowsContainerValidation =
    | { readonly ok: true; readonly plan: WindowsContainerPlan }
    | { readonly ok: false; readonly problems: readonly string[] };

/** Docker's smallest memory limit (docker run --memory: "the minimum allowed value is 6m"). */
export const MIN_MEMORY_MB = 6;
/** Docker's finest --cpus step. */
export const MIN_CPUS = 0.01;

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

function isPort(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Resolves the image build from the tag and/or `imageOsBuild`, refusing to guess. */
function workloadImageBuild(spec: WindowsContainerSpec, problems: string[]): { build: number; revision?: number } | undefined {
    const fromTag = imageOsBuild(spec.image);
    if (fromTag.status === "invalid") {
        problems.push(`image '${spec.image}' is not a valid image reference: ${fromTag.reason}`);
        return undefined;
    }
    if (spec.imageOsBuild !== undefined) {
        const declared = parseBuild(spec.imageOsBuild);
        if (declared === undefined) {
            problems.push(`imageOsBuild ${JSON.stringify(spec.imageOsBuild)} is not a build; use the build number, e.g. 20348 (ltsc2022) or 17763 (ltsc2019)`);
            return undefined;
        }
        if (fromTag.status === "pinned" && fromTag.build !== declared) {
            problems.push(`imageOsBuild ${describeBuild(declared)} contradicts image '${spec.image}', whose tag '${fromTag.token}' pins ${describeBuild(fromTag.build)}; remove imageOsBuild or fix the tag`);
            return undefined;
        }
        return { build: declared, revision: fromTag.status === "pinned" ? fromTag.revision : undefined };
    }
    if (fromTag.status === "unknown") {
        problems.push(`image '${spec.image}' does not pin a Windows build (${fromTag.reason}); tag it with the build (e.g. :ltsc2022) or set imageOsBuild to the build it is based on`);
        return undefined;
    }
    return { build: fromTag.build, revision: fromTag.revision };
}

function validateResources(spec: WindowsContainerSpec, problems: string[]): number {
    const replicas = spec.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
        problems.push(`replicas ${JSON.stringify(spec.replicas)} must be a whole number >= 1; use 1 or more (scale to zero by removing the workload)`);
    }
    if (spec.cpus !== undefined) {
        const cpuCount = spec.host.cpuCount;
        if (typeof spec.cpus !== "number" || !Number.isFinite(spec.cpus) || spec.cpus < MIN_CPUS) {
            problems.push(`cpus ${JSON.stringify(spec.cpus)} is out of range; Docker accepts ${MIN_CPUS} or more`);
        } else if (cpuCount !== undefined && spec.cpus > cpuCount) {
            problems.push(`cpus ${spec.cpus} is more than host '${spec.host.hostName}' has (${cpuCount}); Docker on Windows refuses --cpus above the host's CPU count, so ask for ${cpuCount} or fewer`);
        }
    }
    if (spec.memoryMb !== undefined && !(Number.isInteger(spec.memoryMb) && spec.memoryMb >= MIN_MEMORY_MB)) {
        problems.push(`memoryMb ${JSON.stringify(spec.memoryMb)} must be a whole number of MiB >= ${MIN_MEMORY_MB} (Docker's minimum memory limit)`);
    }
    return replicas;
}

function validatePorts(name: string, spec: WindowsContainerSpec, problems: string[]): Required<PublishedPort>[] {
    const ports: Required<PublishedPort>[] = [];
    const seen = new Set<string>();
    for (const p of spec.ports ?? []) {
        const protocol = p.protocol ?? "tcp";
        const published = p.published ?? p.target;
        if (!isPort(p.target) || !isPort(published)) {
            problems.push(`ports entry ${JSON.stringify(p)} needs target and published ports from 1 to 65535`);
            continue;
        }
        if (protocol !== "tcp" && protocol !== "udp") {
            problems.push(`ports entry ${JSON.stringify(p)} has protocol '${String(protocol)}'; use 'tcp' or 'udp'`);
            continue;
        }
        const key = `${published}/${protocol}`;
        const owner = spec.host.publishedPorts.ownerOf(published, protocol);
        if (seen.has(key)) {
            problems.push(`ports publishes ${key} twice; publish each host port once`);
        } else if (owner !== undefined && owner !== name) {
            problems.push(`ports publishes ${key}, which workload '${owner}' already publishes on host '${spec.host.hostName}'; choose another published port`);
        }
        seen.add(key);
        ports.push({ target: p.target, published, protocol });
    }
    return ports;
}

const DURATION = /^\d+(ns|us|ms|s|m|h)$/;

function validateRollingUpdate(spec: WindowsContainerSpec, problems: string[]): void {
    const r = spec.rollingUpdate;
    if (r === undefined) return;
    if (r.parallelism !== undefined && !(Number.isInteger(r.parallelism) && r.parallelism >= 1)) {
        problems.push(`rollingUpdate.parallelism ${JSON.stringify(r.parallelism)} must be a whole number >= 1 (0 would update every task at once)`);
    }
    for (const field of ["delay", "monitor"] as const) {
        const v = r[field];
        if (v !== undefined && !(typeof v === "string" && DURATION.test(v))) problems.push(`rollingUpdate.${field} ${JSON.stringify(v)} must be a duration like "10s" or "1m"`);
    }
    if (r.failureAction !== undefined && !["rollback", "pause", "continue"].includes(r.failureAction)) {
        problems.push(`rollingUpdate.failureAction ${JSON.stringify(r.failureAction)} must be 'rollback', 'pause' or 'continue'`);
    }
}

function validateNamesAndLabels(name: string, spec: WindowsContainerSpec, isolation: IsolationMode | undefined, problems: string[]) {
    if (!SERVICE_NAME.test(name)) {
        problems.push(`name '${name}' is not a valid swarm service name; use letters, digits, '_', '.', '-' (63 at most, starting with a letter or digit)`);
    }
    for (const key of Object.keys(spec.labels ?? {})) {
        if (isReservedLabel(key)) problems.push(`labels '${key}' uses the reserved prefix windows-isolation.; these labels are set from trust and isolation, remove it`);
    }
    for (const net of spec.networks ?? []) {
        if (net.startsWith("container:")) {
            problems.push(isolation === "hyperv"
                ? `networks '${net}' shares another container's network namespace, which Hyper-V isolated containers cannot do (each runs in its own utility VM); attach a swarm overlay network instead`
                : `networks '${net}' is a container network mode, which swarm services do not support; attach a swarm overlay network instead`);
        }
    }
    const duplicated = (spec.envKeys ?? []).filter((k) => (spec.secretEnvKeys ?? []).includes(k));
    for (const key of duplicated) problems.push(`env and secretEnv both set '${key}'; keep it in secretEnv only`);
}

/** Checks every argument of a WindowsContainer and decides its isolation, without side effects. */
export function validateWindowsContainer(name: string, spec: WindowsContainerSpec): WindowsContainerValidation {
    const problems: string[] = [];
    const image = workloadImageBuild(spec, problems);
    let decision: IsolationDecision | undefined;
    if (image) {
        const request = { trust: spec.trust, requested: spec.isolation, imageBuild: image.build, imageRevision: image.revision };
        const result = spec.host.nodes === undefined
            ? decideIsolation({ ...request, hostBuild: spec.host.osBuild, hostHypervCapable: spec.host.hypervCapable })
            : decidePoolIsolation(spec.host.nodes, request);
        if (result.ok) decision = result;
        else problems.push(result.error.message);
    }
    let constraints: readonly string[] = ["node.platform.os==windows"];
    let nodes: readonly string[] | undefined;
    if (decision && image && spec.host.nodes !== undefined) {
        const placed = placementConstraints(spec.host.nodes, decision.isolation, { build: image.build, revision: image.revision });
        if (placed.ok) {
            constraints = placed.constraints;
            nodes = placed.nodes;
        } else {
            problems.push(`placement on host '${spec.host.hostName}': ${placed.message}`);
        }
    }
    const replicas = validateResources(spec, problems);
    let demand: WorkloadDemand | undefined;
    const sized = spec.host.nodes?.flatMap((n) => (n.cpuCount !== undefined && n.memoryMb !== undefined ? [{ name: n.name, vcpus: n.cpuCount, memoryMb: n.memoryMb }] : []));
    if (decision && nodes && spec.host.capacity && sized && sized.length === spec.host.nodes!.length && problems.length === 0) {
        demand = { name, isolation: decision.isolation, replicas, memoryMb: spec.memoryMb, cpus: spec.cpus, nodes };
        const report = checkAdditionalDemand(sized, spec.host.capacity.demands, demand, spec.host.capacity.options);
        for (const p of report.problems) problems.push(`capacity of host '${spec.host.hostName}': ${p}`);
    }
    const ports = validatePorts(name, spec, problems);
    validateRollingUpdate(spec, problems);
    validateNamesAndLabels(name, spec, decision?.isolation ?? spec.isolation, problems);
    if (problems.length > 0 || !decision || !image) return { ok: false, problems };
    return { ok: true, plan: { decision, imageBuild: image.build, imageRevision: image.revision, replicas, ports, constraints, nodes, demand } };
}
