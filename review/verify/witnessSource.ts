/**
 * Where the host's own process list comes from (--host-processes <file> | /proc, --azure-vm <id> |
 * stack), resolved before the engine is asked so that bad arguments fail first, then read within
 * the run's deadline and size limits (readBounded.ts).
 */
import { HostProcessList } from "../../rules";
import { VerifyArgs } from "./args";
import { AzureOptions, AzureVmId, azureVmProcesses, parseVmId } from "./azureVm";
import { decodePowerShellText, MAX_HOST_LIST_BYTES, parseHostProcesses } from "./hostProcesses";
import { readProcProcesses } from "./procProcesses";
import { readBounded } from "./readBounded";

export type WitnessSource =
    | { readonly kind: "file"; readonly file: string }
    | { readonly kind: "proc" }
    | { readonly kind: "azure"; readonly vm: AzureVmId };

/** Stack outputs naming the VM behind the engine: a ContainerHost's, or each pool node's. */
export const VM_OUTPUT_KEYS = { host: "hostVmId", nodes: "nodeVmIds" } as const;

function vmFromStack(file: string, text: string | undefined, node: string | undefined): AzureVmId | { error: string } {
    let o: Record<string, unknown>;
    try {
        o = JSON.parse(text ?? "") as Record<string, unknown>;
    } catch (e) {
        return { error: `--azure-vm stack: cannot read --stack-outputs '${file}' (${(e as Error).message})` };
    }
    const key = node === undefined ? VM_OUTPUT_KEYS.host : `${VM_OUTPUT_KEYS.nodes}.${node}`;
    const nodes = o?.[VM_OUTPUT_KEYS.nodes];
    const v = node === undefined ? o?.[VM_OUTPUT_KEYS.host] : typeof nodes === "object" && nodes !== null ? (nodes as Record<string, unknown>)[node] : undefined;
    if (typeof v !== "string") {
        return { error: `--azure-vm stack: --stack-outputs '${file}' has no string output ${key}; export it from the stack (stacks/index.ts exports ${VM_OUTPUT_KEYS.host} and ${VM_OUTPUT_KEYS.nodes}) or give the VM's resource id` };
    }
    return parseVmId(v, `--stack-outputs '${file}' output ${key}`);
}

/** The source the arguments name, undefined without one, or why it cannot be used; `stackOutputsText` is the --stack-outputs file, already read. */
export function resolveWitnessSource(args: VerifyArgs, stackOutputsText?: string): WitnessSource | undefined | { error: string } {
    if (args.hostProcesses !== undefined) return args.hostProcesses === "/proc" ? { kind: "proc" } : { kind: "file", file: args.hostProcesses };
    if (args.azureVm === undefined) return undefined;
    const vm = args.azureVm === "stack" ? vmFromStack(args.stackOutputs!, stackOutputsText, args.node) : parseVmId(args.azureVm, "--azure-vm");
    return "error" in vm ? vm : { kind: "azure", vm };
}

/** How a read is bounded: the run's deadline (an abort signal and how to name it) and the containers' PIDs (for Run Command). */
export interface WitnessRead {
    readonly signal: AbortSignal;
    readonly deadline: string;
    readonly pids: Iterable<number>;
    readonly azure?: AzureOptions;
}

/** Reads the list; every failure is one sentence naming the source. */
export async function readWitness(source: WitnessSource, read: WitnessRead): Promise<HostProcessList | { error: string }> {
    if (source.kind === "proc") {
        try {
            return readProcProcesses();
        } catch (e) {
            return { error: `--host-processes /proc: cannot read this machine's /proc (${(e as Error).message}); it exists only on Linux` };
        }
    }
    if (source.kind === "file") {
        const what = `--host-processes '${source.file}'`;
        const bytes = await readBounded(source.file, what, MAX_HOST_LIST_BYTES, read.signal, read.deadline);
        if (!bytes.ok) return { error: bytes.error };
        const parsed = parseHostProcesses(decodePowerShellText(bytes.bytes), what);
        return parsed.ok ? parsed.list : { error: parsed.error };
    }
    return azureVmProcesses(source.vm, read.pids, { ...read.azure, abortSignal: read.signal });
}
