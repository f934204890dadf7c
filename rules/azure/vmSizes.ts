/**
 * Can an Azure VM size host Hyper-V isolated containers? (nested virtualization, Standard
 * security type, at least 2 vCPU and 4 GiB: Microsoft's nested virtualization requirements.)
 */
import { VM_SIZE_SERIES, VmSizeSeries } from "./vmSizeSeries";

export const MIN_HOST_VCPUS = 2;
export const MIN_HOST_MEMORY_GIB = 4;

const SIZE_NAME = /^Standard_(DC|EC|DS|[A-Z])(\d+)(?:-(\d+))?([a-z]*)((?:_[a-z0-9]+)*)$/i;

export interface VmSizeFacts {
    readonly size: string;
    readonly series?: VmSizeSeries;
    /** vCPUs the size gives the guest (the active count for constrained-core sizes). */
    readonly vcpus?: number;
}

/** Splits a size name and finds its series. Constrained-core names (`Standard_E8-4s_v3`) count the active vCPUs. */
export function lookupVmSize(size: string): VmSizeFacts {
    const normalized = size.trim();
    const m = SIZE_NAME.exec(normalized);
    const vcpus = m ? Number(m[3] ?? m[2]) : undefined;
    const unconstrained = m && m[3] !== undefined ? normalized.replace(/-\d+/, "") : normalized;
    const series = VM_SIZE_SERIES.find((s) => s.pattern.test(unconstrained));
    return { size: normalized, series, vcpus };
}

export interface HypervHostSizeCheck {
    readonly ok: boolean;
    /** Problems, each phrased with the rule and the fix. Empty when ok. */
    readonly problems: readonly string[];
    readonly facts: VmSizeFacts;
}

/**
 * The Compute REST API version @pulumi/azure-native 3.28.0 sends for compute.VirtualMachine (its
 * virtualMachine.d.ts: "Uses Azure REST API version 2024-11-01"). Before 2025-11-01 the API knows
 * no 'Standard' security type without a feature registration; an absent securityType is Standard.
 */
export const AZURE_NATIVE_COMPUTE_API_VERSION = "2024-11-01";

export interface HypervHostSizeOptions {
    /** Accept a size whose series is not in the table (the user takes responsibility). */
    readonly allowUnlistedVmSize?: boolean;
    /** The VM's security type; Hyper-V needs "Standard". */
    readonly securityType?: string;
    /** The image's VM generation, when known. */
    readonly generation?: 1 | 2;
}

const SUGGESTION = "e.g. Standard_D4s_v5, Standard_D4as_v5 or Standard_E4s_v5";

/** The single size rule used by ContainerHost and the hyperv-host-nested-virtualization policy. */
export function checkHypervHostSize(size: string, options: HypervHostSizeOptions = {}): HypervHostSizeCheck {
    const facts = lookupVmSize(size);
    const problems: string[] = [];
    const { series, vcpus } = facts;
    if (!series) {
        if (!options.allowUnlistedVmSize) {
            problems.push(`vmSize '${size}' is not in the table of Azure size series with documented nested virtualization; choose a listed size (${SUGGESTION}) or set allowUnlistedVmSize: true after checking its Azure size page`);
        }
    } else {
        if (series.nestedVirtualization !== "supported") {
            const said = series.nestedVirtualization === "not-stated" ? "does not state nested virtualization support" : "says nested virtualization is not supported";
            problems.push(`vmSize '${size}' is in series ${series.series}, whose Azure size page ${said}, and Hyper-V isolation inside a VM needs it; choose a size with nested virtualization (${SUGGESTION})`);
        }
        if (series.minMemoryGiB < MIN_HOST_MEMORY_GIB && vcpus !== undefined && vcpus <= series.minVcpus) {
            problems.push(`vmSize '${size}' has ${series.minMemoryGiB} GiB of memory; a Hyper-V container host needs at least ${MIN_HOST_MEMORY_GIB} GiB`);
        }
        if (options.generation !== undefined && !series.generations.includes(options.generation)) {
            problems.push(`vmSize '${size}' (series ${series.series}) does not run generation ${options.generation} VMs, which the chosen image needs; choose a size that supports Gen${options.generation}`);
        }
    }
    if (vcpus !== undefined && vcpus < MIN_HOST_VCPUS) {
        problems.push(`vmSize '${size}' has ${vcpus} vCPU; a Hyper-V container host needs at least ${MIN_HOST_VCPUS}`);
    }
    const security = securityTypeProblem(options.securityType);
    if (security) problems.push(security);
    return { ok: problems.length === 0, problems, facts };
}

/** Hyper-V inside an Azure VM needs security type Standard; undefined when it is (or is not given). */
export function securityTypeProblem(securityType: string | undefined): string | undefined {
    if (securityType === undefined || securityType === "Standard") return undefined;
    return `securityType '${securityType}' breaks Hyper-V inside the VM (Microsoft's nested virtualization page asks for Standard; Trusted Launch broke Hyper-V installs, azure-docs#87947); use securityType 'Standard'`;
}
