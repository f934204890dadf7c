import * as pulumi from "@pulumi/pulumi";
import { EXISTING_DOCKER_HOST_TYPE, ExistingDockerHostSummary, FieldProblem, hostBuildProblem, messagesOf, onField, hypervOverheadProblem, parseDockerEndpoint, PoolNode, RS5, V21H2Server, V25H1Server } from "../../rules";
import { WindowsDockerHost } from "./host";
import { attachEngine, attachSwarm, HostAccessors, shareHostAccessors } from "./hostParts";

export interface ExistingDockerHostArgs {
    /**
     * The engine's endpoint: `tcp://host:2376` (mutual TLS required) or
     * `npipe:////./pipe/docker_engine` (a local Windows engine). Plain: validated up front.
     */
    readonly endpoint: string;
    /** Windows build of the host (`[System.Environment]::OSVersion.Version.Build`), e.g. 20348. */
    readonly osBuild: number;
    /** Whether the host has Hyper-V and can run Hyper-V isolated containers. */
    readonly hypervCapable: boolean;
    /** CA certificate (PEM) that signed the engine's server certificate; required for tcp. Kept secret. */
    readonly caPem?: pulumi.Input<string>;
    /** Client certificate (PEM) the engine trusts; required for tcp. Kept secret. */
    readonly certPem?: pulumi.Input<string>;
    /** Client private key (PEM); required for tcp. Kept secret. */
    readonly keyPem?: pulumi.Input<string>;
    /** Logical CPUs of the host, when known: workloads asking for more `cpus` are refused. */
    readonly cpuCount?: number;
    /**
     * For a swarm of several Windows nodes behind this endpoint (a manager): every node, whose
     * swarm labels you set with `docker node update --label-add windows-isolation.os-build=<build>
     * --label-add windows-isolation.hyperv=<true|false> <node>`. Workloads then decide isolation
     * over these nodes and get placement constraints from them; `osBuild`/`hypervCapable` above
     * still describe the manager the endpoint reaches.
     */
    readonly swarmNodes?: PoolNode[];
    /**
     * With `cpuCount` and `memoryMb` on every swarm node: let the workloads' declared totals
     * exceed the nodes' (swarm then leaves tasks pending when nodes run out). Default false.
     */
    readonly allowOvercommit?: boolean;
    /**
     * Utility VM allowance per Hyper-V replica in MiB for the capacity check; defaults to 1024,
     * hcsshim's default utility VM memory. Set it from a measurement on your hosts.
     */
    readonly hypervOverheadMb?: number;
}

/** Every problem with the arguments, each naming the field, the value, the rule and the fix. */
export function checkExistingDockerHostArgs(args: ExistingDockerHostArgs): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const add = (field: string, message: string) => problems.push({ field, message });
    const endpoint = args.endpoint;
    const parsed = parseDockerEndpoint(endpoint);
    if (!parsed.ok && parsed.kind === "tcp" && parsed.reason !== undefined) {
        add("endpoint", `endpoint '${endpoint}' ${parsed.reason}; use the engine's TLS port (2376)`);
    } else if (!parsed.ok || (parsed.endpoint.kind !== "tcp" && parsed.endpoint.kind !== "npipe")) {
        add("endpoint", `endpoint '${String(endpoint)}' is not a Docker endpoint this host accepts; use tcp://<host>:2376 with caPem/certPem/keyPem, or npipe:////./pipe/docker_engine`);
    } else if (parsed.endpoint.kind === "tcp") {
        const missing = (["caPem", "certPem", "keyPem"] as const).filter((k) => args[k] === undefined || args[k] === "");
        if (missing.length > 0) {
            add("endpoint", `endpoint '${endpoint}' is tcp without TLS material (${missing.join(", ")} missing): an engine on tcp without mutual TLS gives root on the host to anyone who reaches it; set caPem, certPem and keyPem (dockerd with tlsverify on 2376)`);
        }
    } else if (args.caPem !== undefined || args.certPem !== undefined || args.keyPem !== undefined) {
        add("endpoint", `endpoint '${endpoint}' is a named pipe, where caPem/certPem/keyPem do nothing; remove them or use a tcp:// endpoint`);
    }
    const build = hostBuildProblem(args.osBuild);
    if (build) add("osBuild", `osBuild ${build.message}`);
    if (typeof args.hypervCapable !== "boolean") {
        add("hypervCapable", `hypervCapable ${JSON.stringify(args.hypervCapable)} must be true or false; set true only if Hyper-V is installed (Get-WindowsFeature Hyper-V)`);
    }
    if (args.cpuCount !== undefined && !(Number.isInteger(args.cpuCount) && args.cpuCount >= 1)) {
        add("cpuCount", `cpuCount ${JSON.stringify(args.cpuCount)} must be a whole number >= 1, or left out`);
    }
    if (args.swarmNodes !== undefined) problems.push(...onField("swarmNodes", validateSwarmNodes(args.swarmNodes)));
    const overhead = hypervOverheadProblem(args.hypervOverheadMb);
    if (overhead) add("hypervOverheadMb", overhead);
    if ((args.allowOvercommit !== undefined || args.hypervOverheadMb !== undefined) && args.swarmNodes === undefined) {
        add(args.allowOvercommit !== undefined ? "allowOvercommit" : "hypervOverheadMb", "allowOvercommit and hypervOverheadMb apply to the capacity check of swarmNodes; set swarmNodes (with cpuCount and memoryMb) or remove them");
    }
    return problems;
}

/** The problems as the text users see (ExistingDockerHost joins them with "; "). */
export function validateExistingDockerHostArgs(args: ExistingDockerHostArgs): string[] {
    return messagesOf(checkExistingDockerHostArgs(args));
}

/** Problems with a declared list of swarm nodes. */
export function validateSwarmNodes(nodes: readonly PoolNode[]): string[] {
    if (!Array.isArray(nodes) || nodes.length === 0) return ["swarmNodes must list at least one node, or be left out for a single host"];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const n of nodes) {
        if (typeof n.name !== "string" || n.name.trim() === "") problems.push(`swarmNodes entry ${JSON.stringify(n)} needs a name (the swarm node's hostname)`);
        else if (seen.has(n.name)) problems.push(`swarmNodes lists '${n.name}' twice; list each node once`);
        else seen.add(n.name);
        if (hostBuildProblem(n.osBuild)) {
            problems.push(`swarmNodes '${n.name}' has osBuild ${JSON.stringify(n.osBuild)}, not a known Windows build current Docker engines run on; use e.g. ${RS5}, ${V21H2Server} or ${V25H1Server}`);
        }
        if (typeof n.hypervCapable !== "boolean") problems.push(`swarmNodes '${n.name}' has hypervCapable ${JSON.stringify(n.hypervCapable)}; use true or false`);
        for (const field of ["cpuCount", "memoryMb"] as const) {
            const v = n[field];
            if (v !== undefined && !(Number.isInteger(v) && v >= 1)) problems.push(`swarmNodes '${n.name}' has ${field} ${JSON.stringify(v)}; use a whole number >= 1 or leave it out`);
        }
    }
    const sized = nodes.filter((n) => n.cpuCount !== undefined && n.memoryMb !== undefined).length;
    const partly = nodes.filter((n) => n.cpuCount !== undefined || n.memoryMb !== undefined).length;
    if (partly > 0 && (sized !== nodes.length || partly !== nodes.length)) {
        problems.push("swarmNodes declare cpuCount/memoryMb on some nodes only; the capacity check needs both on every node (or on none, to skip it)");
    }
    return problems;
}

/** A Docker engine on a Windows host you already run (on-prem server, dev box). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the accessors are mixed in by shareHostAccessors (hostParts.ts)
export class ExistingDockerHost extends pulumi.ComponentResource implements WindowsDockerHost {
    /** Name used in messages and reports (the resource name). */
    public readonly hostName: string;
    /** Windows build of the host. */
    public readonly osBuild: number;
    /** Whether the host can run Hyper-V isolated containers. */
    public readonly hypervCapable: boolean;
    /** Logical CPUs of the host, when known. */
    public readonly cpuCount?: number;

    constructor(name: string, args: ExistingDockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXISTING_DOCKER_HOST_TYPE, name, { ...summary(args) }, opts);
        const problems = validateExistingDockerHostArgs(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`ExistingDockerHost '${name}': ${problems.join("; ")}`, this);
        }
        this.hostName = name;
        this.osBuild = args.osBuild;
        this.hypervCapable = args.hypervCapable;
        this.cpuCount = args.cpuCount;
        const secret = (v: pulumi.Input<string> | undefined) => (v === undefined ? undefined : pulumi.secret(v));
        attachEngine(this, name, { host: args.endpoint, caMaterial: secret(args.caPem), certMaterial: secret(args.certPem), keyMaterial: secret(args.keyPem) }, []);
        if (args.swarmNodes !== undefined) {
            attachSwarm(this, args.swarmNodes.map((n) => ({ ...n })), { allowOvercommit: args.allowOvercommit, hypervOverheadMb: args.hypervOverheadMb });
        }
        this.registerOutputs({ osBuild: this.osBuild, hypervCapable: this.hypervCapable });
    }
}

/** What policies and the plan see: the plain facts; swarmNodes only for a swarm of several nodes. */
function summary(args: ExistingDockerHostArgs): ExistingDockerHostSummary {
    return {
        endpoint: args.endpoint,
        osBuild: args.osBuild,
        hypervCapable: args.hypervCapable,
        cpuCount: args.cpuCount,
        ...(args.swarmNodes === undefined ? {} : { swarmNodes: args.swarmNodes }),
    };
}

// The live parts' accessors, shared by every host class (see hostParts.ts for why a mixin).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ExistingDockerHost extends HostAccessors {}
shareHostAccessors(ExistingDockerHost);
