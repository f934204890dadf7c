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
import { lookupVmSize } from "./vmSizes";

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

export function checkPoolCapacity(nodes: readonly NodeCapacity[], workloads: readonly WorkloadDemand[], options: CapacityOptions = {}): CapacityReport {
    const overhead = options.hypervOverheadMb ?? HYPERV_UVM_OVERHEAD_MB;
    const problems: string[] = [];
    if (!Number.isFinite(overhead) || overhead < 0) {
        problems.push(`hypervOverheadMb ${JSON.stringify(options.hypervOverheadMb)} must be a number of MiB >= 0`);
    }
    const capacity = {
        memoryMb: nodes.reduce((s, n) => s + n.memoryMb, 0),
        vcpus: nodes.reduce((s, n) => s + n.vcpus, 0),
    };
    let memoryMb = 0;
    let cpus = 0;
    for (const w of workloads) {
        const perReplica = replicaMemoryMb(w, overhead);
        memoryMb += perReplica * w.replicas;
        cpus += (w.cpus ?? 0) * w.replicas;
        const eligible = w.nodes === undefined ? nodes : nodes.filter((n) => w.nodes!.includes(n.name));
        const biggestMemory = Math.max(0, ...eligible.map((n) => n.memoryMb));
        const biggestCpus = Math.max(0, ...eligible.map((n) => n.vcpus));
        if (perReplica > biggestMemory) {
            problems.push(`workload '${w.name}' needs ${perReplica} MiB per replica${w.isolation === "hyperv" ? ` (incl. ${overhead} MiB utility VM allowance)` : ""}, more than any node that may run it has (${biggestMemory} MiB); lower memoryMb or add a larger node`);
        }
        if (w.cpus !== undefined && w.cpus > biggestCpus) {
            problems.push(`workload '${w.name}' needs ${w.cpus} CPUs per replica, more than any node that may run it has (${biggestCpus}); lower cpus or add a larger node`);
        }
    }
    // CPU sums of fractions (0.1 + 0.2) must not fail on floating-point noise.
    const over = memoryMb > capacity.memoryMb || cpus > capacity.vcpus + 1e-9;
    if (over && !options.allowOvercommit) {
        problems.push(`workloads declare ${memoryMb} MiB and ${round(cpus)} CPUs in total (Hyper-V replicas with ${overhead} MiB utility VM allowance each), the pool has ${capacity.memoryMb} MiB and ${capacity.vcpus} vCPUs; add nodes, lower the declared resources, or set allowOvercommit: true`);
    }
    return { ok: problems.length === 0, problems, demand: { memoryMb, cpus: round(cpus) }, capacity };
}

function round(n: number): number {
    return Math.round(n * 100) / 100;
}
