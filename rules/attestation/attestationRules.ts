/**
 * The rules `verify` judges a running host by, with what each finding means and how to fix it.
 * SARIF rule metadata is generated from this table; the table in docs/verify.md is checked against it.
 */
export type VerifyRuleId =
    | "untrusted-requires-hyperv"
    | "isolation-mismatch"
    | "engine-default-isolation"
    | "engine-unguarded"
    | "unlabelled-container"
    | "invalid-label"
    | "task-not-verified"
    | "service-isolation-mismatch"
    | "witness-contradicts-engine"
    | "witness-untrusted-shares-kernel"
    | "witness-inconclusive"
    | "witness-required"
    | "image-host-compatibility";

export type FindingLevel = "error" | "warning";

export interface VerifyRule {
    readonly id: VerifyRuleId;
    readonly level: FindingLevel;
    /** CVSS-like 0-10 score, as code-scanning tools read `security-severity`. */
    readonly securitySeverity: number;
    readonly summary: string;
    /** What the finding means and what to do about it. */
    readonly help: string;
}

/** Every rule `verify` applies, keyed by its stable id. */
export const VERIFY_RULES: Readonly<Record<VerifyRuleId, VerifyRule>> = {
    "untrusted-requires-hyperv": {
        id: "untrusted-requires-hyperv",
        level: "error",
        securitySeverity: 9.5,
        summary: "An untrusted (or unlabelled) container is running without Hyper-V isolation.",
        help: "Critical: only Hyper-V isolation is a security boundary for Windows containers, so this code shares the host kernel or its isolation cannot be proven. Stop it and redeploy it with isolation 'hyperv' (WindowsContainer does that for trust 'untrusted').",
    },
    "isolation-mismatch": {
        id: "isolation-mismatch",
        level: "error",
        securitySeverity: 7.0,
        summary: "A container's effective isolation does not resolve to the mode its label declares.",
        help: "The engine runs the container under another mode than declared, or cannot prove any Windows mode (a Linux engine, an unknown engine default). Redeploy with an explicit isolation, or fix the engine.",
    },
    "engine-default-isolation": {
        id: "engine-default-isolation",
        level: "error",
        securitySeverity: 6.0,
        summary: "The engine's default isolation is not hyperv.",
        help: "Anything started without an explicit mode (docker run by hand) gets the default. Set \"exec-opts\": [\"isolation=hyperv\"] in daemon.json and restart the engine so that the default fails closed.",
    },
    "engine-unguarded": {
        id: "engine-unguarded",
        level: "error",
        securitySeverity: 7.0,
        summary: "The engine has no windows-isolation-guard authorization plugin.",
        help: "Nothing at the engine refuses untrusted work without Hyper-V: anyone holding the engine's pipe or a client certificate can start process-isolated containers that no review saw. Install the guard (windows-isolation guard install; docs/guard.md), which lists it in daemon.json \"authorization-plugins\". On a host where the guard cannot be installed yet, verify --allow-unguarded reports this as a warning.",
    },
    "unlabelled-container": {
        id: "unlabelled-container",
        level: "warning",
        securitySeverity: 4.0,
        summary: "A running container carries no windows-isolation.* label.",
        help: "Someone started it outside the project (e.g. docker run). It is treated as untrusted: unless it is Hyper-V isolated, untrusted-requires-hyperv reports it too. Deploy it as a WindowsContainer or remove it.",
    },
    "invalid-label": {
        id: "invalid-label",
        level: "error",
        securitySeverity: 5.0,
        summary: "A windows-isolation.* label has a value the project does not define.",
        help: "The declaration cannot be read, so verify fails closed: an unreadable trust counts as untrusted, an unreadable isolation as hyperv. Redeploy through WindowsContainer, which writes valid labels.",
    },
    "task-not-verified": {
        id: "task-not-verified",
        level: "error",
        securitySeverity: 5.0,
        summary: "A swarm task has no running container on an engine verify reached.",
        help: "A labelled task was refused or is not running, or a task of any service (labelled or not) runs or is starting on a node whose engine verify did not reach: its isolation is unproven. Read the task error; give --node-endpoint for every node (or --stack-outputs with --all-nodes) so that each task is judged on its own node.",
    },
    "service-isolation-mismatch": {
        id: "service-isolation-mismatch",
        level: "error",
        securitySeverity: 7.0,
        summary: "A task's container did not get the isolation its service spec asks for.",
        help: "The service's TaskTemplate.ContainerSpec.Isolation resolves to another mode than the task's container got (HostConfig.Isolation, on the node it runs on). The engine ignored the spec or the container was changed: treat it as running with what the container got, and redeploy the service.",
    },
    "witness-contradicts-engine": {
        id: "witness-contradicts-engine",
        level: "error",
        securitySeverity: 8.0,
        summary: "The host's process list contradicts the isolation the engine records for a container.",
        help: "The engine says hyperv but the container's processes are host processes (or the engine says process, yet none of them is on the host). Either the engine's record or the host list is wrong: treat the container as sharing the host kernel until a fresh host list agrees with the engine.",
    },
    "witness-untrusted-shares-kernel": {
        id: "witness-untrusted-shares-kernel",
        level: "error",
        securitySeverity: 9.5,
        summary: "An untrusted or unlabelled container's processes are host processes: it shares the host kernel.",
        help: "Critical, whatever the engine records: the host's own process list shows the workload's processes, so no Hyper-V boundary stands between it and the host. Stop it and redeploy it with isolation 'hyperv'.",
    },
    "witness-inconclusive": {
        id: "witness-inconclusive",
        level: "warning",
        securitySeverity: 3.0,
        summary: "The host's process list neither proves nor refutes the container's isolation.",
        help: "The host list is not proven complete and from the engine's machine (no System PID 4, no dockerd, another machine's name), no processes to compare, PIDs reused (a host process with the container's PID and name started before the container), only some processes found, or no VM worker process left for a container that should run in a utility VM. Take a fresh, whole host process list right after verify reads the engine, on the container's own host.",
    },
    "witness-required": {
        id: "witness-required",
        level: "error",
        securitySeverity: 7.0,
        summary: "With --require-witness, the host's process list does not prove an untrusted (or unlabelled) container's isolation.",
        help: "The run asked for proof from the kernel's side and the witness was inconclusive for code that must not share the host kernel. Take a fresh, whole host process list from the container's own host (see witness-inconclusive for what falls short), or stop the container.",
    },
    "image-host-compatibility": {
        id: "image-host-compatibility",
        level: "error",
        securitySeverity: 6.0,
        summary: "A container's image (its exact Windows build, as the engine pulled it) cannot run in its isolation on this host.",
        help: "The engine reports the image's OsVersion; Windows' version-compatibility rule says this mode cannot run it here (or its version is unreadable). Rebuild the image on the host's base image, or run it under Hyper-V isolation.",
    },
};
