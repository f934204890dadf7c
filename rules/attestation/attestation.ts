/**
 * Runtime attestation: which isolation did each running container really get, and does it match
 * what its labels declare? Pure judgement over facts a Docker engine reported; `review/verify`
 * gathers the facts and prints, the rules live here.
 *
 * Field meanings follow moby's api/swagger.yaml (Engine API v1.42, moby/moby@e753cce):
 * `SystemInfo.Isolation` is the daemon default ("on Windows server, the default is `process`"),
 * `HostConfig.Isolation` is "Isolation technology of the container. (Windows only)" with
 * `default|process|hyperv`. On Windows, dockerd replaces `default` by its own default when it
 * creates the container (daemon/create_windows.go), so an inspected container normally shows
 * the mode it runs under; `default` or empty still resolves through the engine default here.
 */
import { GUARD_PLUGIN_NAME } from "../guard/plugin";
import { engineImageProblem, engineOsVersion, ImageFacts } from "./imageBuild";
import { describeBuild } from "../os/builds";
import { IsolationMode } from "../os/compatibility";
import { parseTrust, Trust } from "../os/isolation";
import { FindingLevel, VERIFY_RULES, VerifyRuleId } from "./attestationRules";
import { ISOLATION_LABEL, isReservedLabel, TRUST_LABEL, WORKLOAD_LABEL } from "../os/labels";
import { ContainerProcess, HostProcessList, Witness, witnessContainers } from "./witness";
import { witnessFindings } from "./witnessFindings";
import { judgeTasks, ReachedEngine, TaskVerdict } from "./tasks";

/** What `GET /info` says about the engine. */
export interface EngineFacts {
    /** `OSType`: "windows" or "linux". */
    readonly osType: string;
    /** `OperatingSystem`, e.g. "Windows Server 2022 Datacenter". */
    readonly operatingSystem?: string;
    /** `KernelVersion`; on Windows "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)". */
    readonly kernelVersion?: string;
    /** `Isolation`: the daemon's default isolation (Windows only). */
    readonly defaultIsolation?: string;
    /** `ServerVersion`. */
    readonly serverVersion?: string;
    /**
     * `Plugins.Authorization`: the engine's authorization plugins. Undefined when not gathered
     * (facts assembled by hand); gatherFacts always sets it, an engine without any giving [].
     */
    readonly authorizationPlugins?: readonly string[];
    /** `Swarm.LocalNodeState`: inactive, pending, active, error, locked. */
    readonly swarmState?: string;
    /** `Swarm.NodeID` of this engine, when in a swarm. */
    readonly swarmNodeId?: string;
    /** `Swarm.ControlAvailable`: a manager, which can list services and tasks. */
    readonly swarmManager?: boolean;
    /** `Name`: the host name of the engine's machine (the witness checks its host list against it). */
    readonly name?: string;
}

/** What `GET /containers/{id}/json` says about one running container. */
export interface ContainerFacts {
    readonly id: string;
    readonly name: string;
    readonly image?: string;
    /** `Image`: the ID (sha256:...) of the image the container runs, its config's digest. */
    readonly imageId?: string;
    /** `State.Status`. */
    readonly state: string;
    /** `Config.Labels`. */
    readonly labels: Readonly<Record<string, string>>;
    /** `HostConfig.Isolation` as the engine reports it. */
    readonly isolation?: string;
    /** `State.StartedAt` in milliseconds since the epoch. */
    readonly startedAtMs?: number;
    /** `GET /containers/{id}/top`, read only when a host process list is given; undefined when the engine gave none. */
    readonly processes?: readonly ContainerProcess[];
    /** `GET /images/{id}/json` of its image, read from Windows engines; undefined when not read. */
    readonly imageFacts?: ImageFacts;
}

/** A current swarm task (`GET /tasks`), with its service's declared labels. */
export interface TaskFacts {
    readonly id: string;
    readonly serviceName: string;
    /** Service labels merged with `TaskTemplate.ContainerSpec.Labels` (container labels win). */
    readonly labels: Readonly<Record<string, string>>;
    /** `TaskTemplate.ContainerSpec.Isolation` of the service, as the spec says it. */
    readonly serviceIsolation?: string;
    /** `Slot` (replicated services). */
    readonly slot?: number;
    readonly nodeId?: string;
    readonly desiredState: string;
    /** `Status.State`. */
    readonly state: string;
    /** `Status.Err`, when the engine refused or lost the task. */
    readonly error?: string;
    /** `Status.ContainerStatus.ContainerID`. */
    readonly containerId?: string;
}

export interface HostFacts {
    readonly engine: EngineFacts;
    /** Running containers of this engine. */
    readonly containers: readonly ContainerFacts[];
    /** Current tasks (desired state not shutdown/remove); empty unless the engine is a swarm manager. */
    readonly tasks: readonly TaskFacts[];
    /** The host's own process list (the kernel's witness), when a source was given. */
    readonly hostProcesses?: HostProcessList;
    /** Other engines of the same swarm verify reached (--node-endpoint): their tasks are judged on them. */
    readonly nodes?: readonly NodeFacts[];
}

/** Another node's engine: what `GET /info` says and its running containers. */
export interface NodeFacts {
    /** How verify reached it. */
    readonly endpoint: string;
    readonly engine: EngineFacts;
    readonly containers: readonly ContainerFacts[];
}

/** An isolation mode, or why none can be claimed: `none` (not a Windows engine), `unknown`. */
export type EffectiveIsolation = IsolationMode | "none" | "unknown";

export interface Subject {
    readonly kind: "engine" | "container" | "task";
    readonly id: string;
    readonly name: string;
}

export interface Finding {
    readonly ruleId: VerifyRuleId;
    readonly level: FindingLevel;
    readonly subject: Subject;
    readonly message: string;
}

export interface EngineVerdict {
    readonly osType: string;
    readonly operatingSystem?: string;
    readonly kernelVersion?: string;
    /** Windows build parsed from KernelVersion, when it is a Windows engine. */
    readonly osBuild?: number;
    readonly osBuildName?: string;
    readonly serverVersion?: string;
    /** The raw `Isolation` from info. */
    readonly reportedDefaultIsolation?: string;
    readonly defaultIsolation: EffectiveIsolation;
    readonly swarmState: string;
}

export interface Declaration {
    readonly labelled: boolean;
    readonly trust: Trust;
    readonly isolation: IsolationMode;
    readonly workload?: string;
    /** Label values that could not be read (each already replaced by its fail-closed value). */
    readonly problems: readonly string[];
}

export interface ContainerVerdict {
    readonly id: string;
    readonly name: string;
    readonly image?: string;
    readonly imageId?: string;
    /** The swarm node whose engine reported the container, when the engine is in a swarm. */
    readonly node?: string;
    readonly workload?: string;
    readonly labelled: boolean;
    readonly trust: Trust;
    readonly declared: IsolationMode;
    /** `HostConfig.Isolation` as reported ("" when absent). */
    readonly reported: string;
    readonly effective: EffectiveIsolation;
    /** Where the effective mode came from. */
    readonly via: "container" | "engine-default" | "not-windows" | "unreadable";
    /** The host process list's verdict, when one was given. */
    readonly witness?: Witness;
    /** The image's exact Windows version and digests as the engine reports them, when read. */
    readonly imageOsVersion?: string;
    readonly imageDigests?: readonly string[];
    readonly proven: boolean;
}

export interface Attestation {
    readonly engine: EngineVerdict;
    /** The swarm node id of `engine`, when it is a swarm node. */
    readonly node?: string;
    /** The other nodes' engines verify reached, each judged on its own. */
    readonly nodes?: readonly { readonly endpoint: string; readonly nodeId?: string; readonly engine: EngineVerdict }[];
    /** Running containers of every engine reached (this engine's first). */
    readonly containers: readonly ContainerVerdict[];
    /** Every current task of every service (empty unless verify asked a swarm manager). */
    readonly tasks: readonly TaskVerdict[];
    readonly findings: readonly Finding[];
    /** Where the host's process list came from and how many processes it held, when one was given. */
    readonly witness?: { readonly source: string; readonly hostProcessCount: number };
    /** True when no finding is an error: every running container proven to run as declared. */
    readonly proven: boolean;
}

const MODES: readonly string[] = ["process", "hyperv"];

/** Windows KernelVersion "10.0 20348 (20348.1.amd64fre...)": the build is the second number. */
export function parseWindowsKernelBuild(kernelVersion: string | undefined): number | undefined {
    const m = /^\s*10\.0\s+(\d{5})\b/.exec(kernelVersion ?? "");
    return m ? Number(m[1]) : undefined;
}

/** The engine's default isolation; only a Windows engine reporting process or hyperv has one. */
export function engineDefaultIsolation(engine: EngineFacts): EffectiveIsolation {
    if (engine.osType !== "windows") return "none";
    const reported = engine.defaultIsolation ?? "";
    return MODES.includes(reported) ? (reported as IsolationMode) : "unknown";
}

/**
 * The isolation a container really runs under. `default` or empty resolves through the engine
 * default; a non-Windows engine has no Windows isolation at all; anything else is unknown.
 */
export function effectiveIsolation(reported: string | undefined, engine: EngineFacts): Pick<ContainerVerdict, "effective" | "via"> {
    if (engine.osType !== "windows") return { effective: "none", via: "not-windows" };
    const value = reported ?? "";
    if (MODES.includes(value)) return { effective: value as IsolationMode, via: "container" };
    if (value === "" || value === "default") return { effective: engineDefaultIsolation(engine), via: "engine-default" };
    return { effective: "unknown", via: "unreadable" };
}

/** What the labels declare; no label at all means untrusted and hyperv (fail closed). */
export function declaredIsolation(labels: Readonly<Record<string, string>>): Declaration {
    const labelled = Object.keys(labels).some(isReservedLabel);
    const problems: string[] = [];
    const trust = parseTrust(labels[TRUST_LABEL]);
    if (!trust.ok) problems.push(`${TRUST_LABEL}='${labels[TRUST_LABEL]}' is not 'trusted' or 'untrusted' (read as untrusted)`);
    const rawIsolation = labels[ISOLATION_LABEL];
    let isolation: IsolationMode = "hyperv";
    if (rawIsolation !== undefined) {
        if (MODES.includes(rawIsolation)) isolation = rawIsolation as IsolationMode;
        else problems.push(`${ISOLATION_LABEL}='${rawIsolation}' is not 'process' or 'hyperv' (read as hyperv)`);
    }
    return {
        labelled,
        trust: trust.ok ? trust.value : "untrusted",
        isolation,
        workload: labels[WORKLOAD_LABEL],
        problems,
    };
}

function show(mode: EffectiveIsolation): string {
    return mode === "none" ? "no Windows isolation" : mode === "unknown" ? "an unknown isolation" : `'${mode}'`;
}

function judgeEngine(engine: EngineFacts, allowUnguarded: boolean): { verdict: EngineVerdict; findings: Finding[] } {
    const defaultIsolation = engineDefaultIsolation(engine);
    const osBuild = engine.osType === "windows" ? parseWindowsKernelBuild(engine.kernelVersion) : undefined;
    const verdict: EngineVerdict = {
        osType: engine.osType,
        operatingSystem: engine.operatingSystem,
        kernelVersion: engine.kernelVersion,
        osBuild,
        osBuildName: osBuild === undefined ? undefined : describeBuild(osBuild),
        serverVersion: engine.serverVersion,
        reportedDefaultIsolation: engine.defaultIsolation,
        defaultIsolation,
        swarmState: engine.swarmState || "inactive",
    };
    const findings: Finding[] = [];
    if (defaultIsolation !== "hyperv") {
        const why =
            engine.osType !== "windows"
                ? `is a '${engine.osType}' engine: it has no Windows isolation, so nothing it runs can be proven Hyper-V isolated`
                : `reports default isolation '${engine.defaultIsolation ?? ""}', so anything started without an explicit mode runs ${defaultIsolation === "process" ? "process-isolated" : "under an unknown isolation"}`;
        findings.push({
            ruleId: "engine-default-isolation",
            level: VERIFY_RULES["engine-default-isolation"].level,
            subject: { kind: "engine", id: engine.swarmNodeId ?? "engine", name: engine.operatingSystem ?? engine.osType },
            message: `engine ${why}; set "exec-opts": ["isolation=hyperv"] on a Windows engine`,
        });
    }
    if (engine.authorizationPlugins !== undefined && !engine.authorizationPlugins.includes(GUARD_PLUGIN_NAME)) {
        const has = engine.authorizationPlugins.length === 0 ? "no authorization plugin" : `authorization plugins ${engine.authorizationPlugins.map((p) => `'${p}'`).join(", ")} but not '${GUARD_PLUGIN_NAME}'`;
        findings.push({
            ruleId: "engine-unguarded",
            // Fail closed: an error unless the caller said this host cannot have the guard yet.
            level: allowUnguarded ? "warning" : VERIFY_RULES["engine-unguarded"].level,
            subject: { kind: "engine", id: engine.swarmNodeId ?? "engine", name: engine.operatingSystem ?? engine.osType },
            message: `engine lists ${has} (docker info: Plugins.Authorization), so nothing at the engine refuses untrusted work without Hyper-V; install the guard (windows-isolation guard install, docs/guard.md), which adds "authorization-plugins": ["${GUARD_PLUGIN_NAME}"] to daemon.json${allowUnguarded ? " (a warning: --allow-unguarded)" : ""}`,
        });
    }
    return { verdict, findings };
}

function judgeContainer(c: ContainerFacts, engine: EngineFacts, witness: Witness | undefined, requireWitness: boolean): { verdict: ContainerVerdict; findings: Finding[] } {
    const declared = declaredIsolation(c.labels);
    const { effective, via } = effectiveIsolation(c.isolation, engine);
    const subject: Subject = { kind: "container", id: c.id, name: c.name };
    const findings: Finding[] = [];
    const add = (ruleId: VerifyRuleId, message: string) => findings.push({ ruleId, level: VERIFY_RULES[ruleId].level, subject, message });
    const reported = c.isolation ?? "";
    const runs = `runs with ${show(effective)} (HostConfig.Isolation '${reported}'${via === "engine-default" ? `, resolved through the engine default '${engine.defaultIsolation ?? ""}'` : ""})`;

    if (!declared.labelled) add("unlabelled-container", `container ${c.name} has no windows-isolation.* label; treated as untrusted, it ${runs}`);
    for (const p of declared.problems) add("invalid-label", `container ${c.name}: ${p}`);
    if (declared.labelled && effective !== declared.isolation) {
        add("isolation-mismatch", `container ${c.name} declares ${ISOLATION_LABEL}='${declared.isolation}' but ${runs}`);
    }
    if (declared.trust === "untrusted" && effective !== "hyperv") {
        add("untrusted-requires-hyperv", `${declared.labelled ? "untrusted" : "unlabelled (so untrusted)"} container ${c.name} is not Hyper-V isolated: it ${runs}`);
    }
    if (engine.osType === "windows" && c.imageFacts) {
        const problem = engineImageProblem(engineOsVersion(parseWindowsKernelBuild(engine.kernelVersion), engine.operatingSystem), c.imageFacts, effective, c.name);
        if (problem) add("image-host-compatibility", problem);
    }
    if (witness) {
        for (const f of witnessFindings({ name: c.name, labelled: declared.labelled, trust: declared.trust, reported, effective }, witness, requireWitness)) add(f.ruleId, f.message);
    }
    const verdict: ContainerVerdict = {
        id: c.id,
        name: c.name,
        image: c.image,
        ...(c.imageId !== undefined ? { imageId: c.imageId } : {}),
        ...(engine.swarmNodeId !== undefined ? { node: engine.swarmNodeId } : {}),
        workload: declared.workload,
        labelled: declared.labelled,
        trust: declared.trust,
        declared: declared.isolation,
        reported,
        effective,
        via,
        ...(witness ? { witness } : {}),
        ...(c.imageFacts?.osVersion !== undefined ? { imageOsVersion: c.imageFacts.osVersion } : {}),
        ...(c.imageFacts?.repoDigests !== undefined ? { imageDigests: c.imageFacts.repoDigests } : {}),
        proven: findings.every((f) => f.level !== "error"),
    };
    return { verdict, findings };
}

/** How strictly to judge: `requireWitness` (--require-witness) makes an untrusted container's inconclusive witness an error. */
export interface AttestOptions {
    readonly requireWitness?: boolean;
    /** --allow-unguarded: an engine without the guard is a warning, not an error (hosts that cannot have it yet). */
    readonly allowUnguarded?: boolean;
}

/**
 * The witness of a container on another node: verify's host list comes from the first engine's
 * machine only, so it proves nothing there. Only asked for with a witness, so that
 * --require-witness fails closed on every node it does not cover.
 */
function notWitnessed(source: string): Witness {
    return { verdict: "inconclusive", source, reason: "the host process list comes from the first engine's machine, not from this container's node", matchedPids: [], vmWorkerPids: [] };
}

/**
 * The whole judgement: the engine, every running container, every current task of every service
 * (tasks.ts), and each other node verify reached (its engine and containers, judged on their own).
 */
export function attest(facts: HostFacts, options: AttestOptions = {}): Attestation {
    const requireWitness = options.requireWitness === true;
    const allowUnguarded = options.allowUnguarded === true;
    const engine = judgeEngine(facts.engine, allowUnguarded);
    // The witness judges all containers at once: one index of the host list, one count of VM workers.
    const witnesses = facts.hostProcesses ? witnessContainers(facts.containers, facts.hostProcesses, { osType: facts.engine.osType, machineName: facts.engine.name }) : [];
    const containers = facts.containers.map((c, i) => judgeContainer(c, facts.engine, witnesses[i], requireWitness));
    const elsewhere = facts.hostProcesses ? notWitnessed(facts.hostProcesses.source) : undefined;
    const nodes = (facts.nodes ?? []).map((n) => ({
        node: n,
        engine: judgeEngine(n.engine, allowUnguarded),
        containers: n.containers.map((c) => judgeContainer(c, n.engine, elsewhere, requireWitness)),
    }));
    const reached: ReachedEngine[] = [{ engine: facts.engine, containers: facts.containers }, ...(facts.nodes ?? [])];
    const tasks = judgeTasks(facts.tasks, reached);
    const findings = [
        ...engine.findings,
        ...nodes.flatMap((n) => n.engine.findings),
        ...containers.flatMap((c) => c.findings),
        ...nodes.flatMap((n) => n.containers.flatMap((c) => c.findings)),
        ...tasks.findings,
    ];
    return {
        engine: engine.verdict,
        ...(facts.engine.swarmNodeId !== undefined ? { node: facts.engine.swarmNodeId } : {}),
        ...(nodes.length > 0 ? { nodes: nodes.map((n) => ({ endpoint: n.node.endpoint, nodeId: n.node.engine.swarmNodeId, engine: n.engine.verdict })) } : {}),
        containers: [...containers, ...nodes.flatMap((n) => n.containers)].map((c) => c.verdict),
        tasks: tasks.verdicts,
        findings,
        ...(facts.hostProcesses ? { witness: { source: facts.hostProcesses.source, hostProcessCount: facts.hostProcesses.processes.length } } : {}),
        proven: findings.every((f) => f.level !== "error"),
    };
}
