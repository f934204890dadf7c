/**
 * Does what a pool's workloads declare fit on the pool's nodes?
 *
 * Demand per workload: declared `memoryMb` and `cpus` times replicas, plus, for every Hyper-V
 * isolated replica, an allowance for its utility VM. The allowance defaults to 1024 MiB:
 * hcsshim's default utility VM memory (`MemorySizeInMB: 1024` in `newDefaultOptions`,
 * microsoft/hcsshim internal/uvm/create.go, commit d6536073). Microsoft's resource-controls page
 * (virtualization/windowscontainers/manage-containers/resource-controls) says a Hyper-V
 * container's memory limit becomes the VM's memory, so counting 1024 MiB on top of a declared
 * limit is a deliberate upper bound for the VM's own footprint; pass `hypervOverheadMb` to use
 * a figure measured on your hosts. No CPU allowance is counted (none is documented).
 *
 * The check is a necessary condition, not bin packing: totals against the pool's totals, and
 * each replica against the largest node that may run it. Swarm itself places the tasks.
 */
import { lookupVmSize } from "../azure/vmSizes";

/** hcsshim's default utility VM memory in MiB (see the file comment for the source). */
export const HYPERV_UVM_OVERHEAD_MB = 1024;

export interface NodeCapacity {
    readonly name: string;
    readonly vcpus: number;
    readonly memoryMb: number;
}

/**
 * vCPUs and memory of an Azure size: vCPUs from the name; memory as the series' smallest size's
 * GiB per vCPU times the vCPUs. That equals the size table for series whose memory scales with
 * vCPUs and is lower (conservative) for constrained-core sizes, which keep the full size's memory.
 * Undefined when the size or its series is unknown.
 */
export function vmSizeCapacity(size: string): { vcpus: number; memoryMb: number } | undefined {
    const facts = lookupVmSize(size);
    if (!facts.series || facts.vcpus === undefined) return undefined;
    const gibPerVcpu = facts.series.minMemoryGiB / facts.series.minVcpus;
    return { vcpus: facts.vcpus, memoryMb: Math.floor(gibPerVcpu * facts.vcpus * 1024) };
}

export interface WorkloadDemand {
    readonly name: string;
    readonly isolation: "process" | "hyperv";
    readonly replicas: number;
    /** Memory limit per replica in MiB, when declared. */
    readonly memoryMb?: number;
    /** CPU limit per replica, when declared. */
    readonly cpus?: number;
    /** Names of the nodes that may run it (its placement); all nodes when absent. */
    readonly nodes?: readonly string[];
}

export interface CapacityOptions {
    /** Utility VM allowance per Hyper-V replica in MiB; defaults to HYPERV_UVM_OVERHEAD_MB. */
    readonly hypervOverheadMb?: number;
    /** Report over-commit without failing (swarm will leave tasks pending if nodes run out). */
    readonly allowOvercommit?: boolean;
}

export interface CapacityReport {
    readonly ok: boolean;
    readonly problems: readonly string[];
    readonly demand: { readonly memoryMb: number; readonly cpus: number };
    readonly capacity: { readonly memoryMb: number; readonly vcpus: number };
}

/** Memory one replica needs, with the utility VM allowance for Hyper-V. */
export function replicaMemoryMb(w: Pick<WorkloadDemand, "isolation" | "memoryMb">, hypervOverheadMb = HYPERV_UVM_OVERHEAD_MB): number {
    return (w.memoryMb ?? 0) + (w.isolation === "hyperv" ? hypervOverheadMb : 0);
}

/** Declared memory (utility VM allowance included) and CPUs of workloads, in total. */
export interface DemandTotals {
    readonly memoryMb: number;
    readonly cpus: number;
}

export function demandTotals(workloads: readonly WorkloadDemand[], hypervOverheadMb = HYPERV_UVM_OVERHEAD_MB): DemandTotals {
    let memoryMb = 0;
    let cpus = 0;
    for (const w of workloads) {
        memoryMb += replicaMemoryMb(w, hypervOverheadMb) * w.replicas;
        cpus += (w.cpus ?? 0) * w.replicas;
    }
    return { memoryMb, cpus };
}

/** Problems of one workload's replica against the largest node that may run it. */
function replicaProblems(nodes: readonly NodeCapacity[], w: WorkloadDemand, overhead: number): string[] {
    const problems: string[] = [];
    const perReplica = replicaMemoryMb(w, overhead);
    const allowed = w.nodes === undefined ? undefined : new Set(w.nodes);
    let biggestMemory = 0;
    let biggestCpus = 0;
    for (const n of nodes) {
        if (allowed !== undefined && !allowed.has(n.name)) continue;
        biggestMemory = Math.max(biggestMemory, n.memoryMb);
        biggestCpus = Math.max(biggestCpus, n.vcpus);
    }
    if (perReplica > biggestMemory) {
        problems.push(`workload '${w.name}' needs ${perReplica} MiB per replica${w.isolation === "hyperv" ? ` (incl. ${overhead} MiB utility VM allowance)` : ""}, more than any node that may run it has (${biggestMemory} MiB); lower memoryMb or add a larger node`);
    }
    if (w.cpus !== undefined && w.cpus > biggestCpus) {
        problems.push(`workload '${w.name}' needs ${w.cpus} CPUs per replica, more than any node that may run it has (${biggestCpus}); lower cpus or add a larger node`);
    }
    return problems;
}

function poolCapacity(nodes: readonly NodeCapacity[]): { memoryMb: number; vcpus: number } {
    return { memoryMb: nodes.reduce((s, n) => s + n.memoryMb, 0), vcpus: nodes.reduce((s, n) => s + n.vcpus, 0) };
}

/** A utility VM allowance: left out (the default) or a finite number of MiB >= 0. */
export function validHypervOverheadMb(value: unknown): boolean {
    return value === undefined || (typeof value === "number" && Number.isFinite(value) && value >= 0);
}

/** The allowance as a component argument; undefined when it is fine. */
export function hypervOverheadProblem(value: unknown): string | undefined {
    if (validHypervOverheadMb(value)) return undefined;
    return `hypervOverheadMb ${JSON.stringify(value)} must be a number of MiB >= 0, or left out (${HYPERV_UVM_OVERHEAD_MB}, hcsshim's default utility VM memory)`;
}

function overheadOf(options: CapacityOptions, problems: string[]): number {
    if (!validHypervOverheadMb(options.hypervOverheadMb)) problems.push(`hypervOverheadMb ${JSON.stringify(options.hypervOverheadMb)} must be a number of MiB >= 0`);
    return options.hypervOverheadMb ?? HYPERV_UVM_OVERHEAD_MB;
}

function report(problems: string[], capacity: { memoryMb: number; vcpus: number }, totals: DemandTotals, overhead: number, options: CapacityOptions): CapacityReport {
    // CPU sums of fractions (0.1 + 0.2) must not fail on floating-point noise.
    const over = totals.memoryMb > capacity.memoryMb || totals.cpus > capacity.vcpus + 1e-9;
    if (over && !options.allowOvercommit) {
        problems.push(`workloads declare ${totals.memoryMb} MiB and ${round(totals.cpus)} CPUs in total (Hyper-V replicas with ${overhead} MiB utility VM allowance each), the pool has ${capacity.memoryMb} MiB and ${capacity.vcpus} vCPUs; add nodes, lower the declared resources, or set allowOvercommit: true`);
    }
    return { ok: problems.length === 0, problems, demand: { memoryMb: totals.memoryMb, cpus: round(totals.cpus) }, capacity };
}

export function checkPoolCapacity(nodes: readonly NodeCapacity[], workloads: readonly WorkloadDemand[], options: CapacityOptions = {}): CapacityReport {
    const problems: string[] = [];
    const overhead = overheadOf(options, problems);
    for (const w of workloads) problems.push(...replicaProblems(nodes, w, overhead));
    return report(problems, poolCapacity(nodes), demandTotals(workloads, overhead), overhead, options);
}

/**
 * checkPoolCapacity for one more workload on top of workloads that already passed it: only the
 * new workload's replicas are checked against the nodes (the earlier ones did not change), and
 * the totals with it. Same verdict, without re-checking every earlier workload (a pool of 1,000
 * workloads would otherwise do that a million times).
 */
export function checkAdditionalDemand(nodes: readonly NodeCapacity[], before: readonly WorkloadDemand[], w: WorkloadDemand, options: CapacityOptions = {}): CapacityReport {
    const problems: string[] = [];
    const overhead = overheadOf(options, problems);
    problems.push(...replicaProblems(nodes, w, overhead));
    const earlier = demandTotals(before, overhead);
    const added = demandTotals([w], overhead);
    return report(problems, poolCapacity(nodes), { memoryMb: earlier.memoryMb + added.memoryMb, cpus: earlier.cpus + added.cpus }, overhead, options);
}

function round(n: number): number {
    return Math.round(n * 100) / 100;
}
