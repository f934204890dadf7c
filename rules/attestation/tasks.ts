/**
 * Swarm tasks across a pool: every current task of every service, labelled or not, is judged on
 * the node it runs on. A task is verified only when its container runs on an engine verify
 * reached (the manager it asked, or a node given with --node-endpoint); there the container is
 * judged like any other, and the service spec's `TaskTemplate.ContainerSpec.Isolation` is
 * compared with what the container got. Pure: facts in, verdicts and findings out.
 */
import { IsolationMode } from "../os/compatibility";
import { Trust } from "../os/isolation";
import { ISOLATION_LABEL } from "../os/labels";
import type { ContainerFacts, EffectiveIsolation, EngineFacts, Finding, TaskFacts } from "./attestation";
import { declaredIsolation, effectiveIsolation } from "./attestation";
import { VERIFY_RULES, VerifyRuleId } from "./attestationRules";

/**
 * swarmkit's TaskState values (api/types.proto) from which a container exists or is being made:
 * a task in one of these may run code. `new`, `pending` (no node yet), and the terminal states
 * (`complete`, `shutdown`, `failed`, `rejected`, `remove`, `orphaned`) run nothing.
 */
export const ACTIVE_TASK_STATES: readonly string[] = ["assigned", "accepted", "preparing", "ready", "starting", "running"];

/** One engine verify reached, with the running containers it reported. */
export interface ReachedEngine {
    readonly engine: EngineFacts;
    readonly containers: readonly ContainerFacts[];
    /** How verify reached it (an endpoint), for messages. */
    readonly endpoint?: string;
}

export interface TaskVerdict {
    readonly id: string;
    readonly serviceName: string;
    readonly slot?: number;
    readonly nodeId?: string;
    readonly state: string;
    readonly desiredState: string;
    readonly labelled: boolean;
    readonly trust: Trust;
    readonly declared: IsolationMode;
    /** `TaskTemplate.ContainerSpec.Isolation` of the service ("" when absent). */
    readonly serviceIsolation: string;
    readonly containerId?: string;
    /** The effective isolation of its container, when verify inspected it. */
    readonly effective?: EffectiveIsolation;
    /** True when its container runs on an engine verify reached and was judged there. */
    readonly verified: boolean;
}

const byTaskOrder = (a: TaskVerdict, b: TaskVerdict): number =>
    a.serviceName.localeCompare(b.serviceName) || (a.slot ?? 0) - (b.slot ?? 0) || (a.nodeId ?? "").localeCompare(b.nodeId ?? "") || a.id.localeCompare(b.id);

/**
 * The engine a task runs on. A task without a node, or an engine outside a swarm (tests, a lone
 * manager whose NodeID is unknown), falls back to `home`, the engine verify asked first.
 */
function engineOf(t: TaskFacts, engines: readonly ReachedEngine[], home: ReachedEngine): ReachedEngine | undefined {
    if (!t.nodeId || home.engine.swarmNodeId === undefined) return home;
    return engines.find((e) => e.engine.swarmNodeId === t.nodeId);
}

/** Judges every current task against the engines verify reached (`engines[0]` is the one it asked first). */
export function judgeTasks(tasks: readonly TaskFacts[], engines: readonly ReachedEngine[]): { verdicts: TaskVerdict[]; findings: Finding[] } {
    const findings: Finding[] = [];
    const verdicts: TaskVerdict[] = [];
    const home = engines[0];
    for (const t of tasks) {
        const declared = declaredIsolation(t.labels);
        const on = home ? engineOf(t, engines, home) : undefined;
        const container = on && t.state === "running" && t.containerId ? on.containers.find((c) => c.id === t.containerId) : undefined;
        const serviceIsolation = t.serviceIsolation ?? "";
        const subject = { kind: "task" as const, id: t.id, name: t.serviceName };
        const add = (ruleId: VerifyRuleId, message: string) => findings.push({ ruleId, level: VERIFY_RULES[ruleId].level, subject, message });
        const what = `task ${t.id} of service ${t.serviceName} (${declared.labelled ? `declared ${ISOLATION_LABEL}='${t.labels[ISOLATION_LABEL] ?? ""}'` : "no windows-isolation.* label, so untrusted"})`;
        let effective: EffectiveIsolation | undefined;
        if (container && on) {
            effective = effectiveIsolation(container.isolation, on.engine).effective;
            const asked = effectiveIsolation(serviceIsolation, on.engine).effective;
            if (asked !== effective) {
                add(
                    "service-isolation-mismatch",
                    `${what}: the service spec asks TaskTemplate.ContainerSpec.Isolation '${serviceIsolation}' (${asked}) but its container ${container.name} on node ${t.nodeId ?? "(this engine)"} got HostConfig.Isolation '${container.isolation ?? ""}' (${effective})`,
                );
            }
        } else if (declared.labelled || ACTIVE_TASK_STATES.includes(t.state)) {
            // A labelled task must be proven wherever it is; an unlabelled one only while it may run code.
            let why: string;
            if (!on) {
                why = `is '${t.state}' and runs on node ${t.nodeId}, not on this engine, and verify did not reach that node's engine; give --node-endpoint <that node's endpoint> (or --stack-outputs with --all-nodes) so that its container is judged on its own node`;
            } else if (on !== home) {
                why = `is '${t.state}' (desired '${t.desiredState}')${t.error ? `: ${t.error}` : ""} on node ${t.nodeId}${on.endpoint ? ` (${on.endpoint})` : ""}, and no running container of that engine is its container, so no container proves its isolation`;
            } else {
                why = `is '${t.state}' (desired '${t.desiredState}')${t.error ? `: ${t.error}` : ""}, so no container proves its isolation`;
            }
            add("task-not-verified", `${what} ${why}`);
        }
        verdicts.push({
            id: t.id,
            serviceName: t.serviceName,
            ...(t.slot !== undefined ? { slot: t.slot } : {}),
            ...(t.nodeId !== undefined ? { nodeId: t.nodeId } : {}),
            state: t.state,
            desiredState: t.desiredState,
            labelled: declared.labelled,
            trust: declared.trust,
            declared: declared.isolation,
            serviceIsolation,
            ...(t.containerId !== undefined ? { containerId: t.containerId } : {}),
            ...(effective !== undefined ? { effective } : {}),
            verified: container !== undefined,
        });
    }
    return { verdicts: verdicts.sort(byTaskOrder), findings };
}
