/**
 * untrusted-no-host-access, the host privileges a Docker API create can ask for beyond mounts and
 * devices: privileged mode, added capabilities, the host's network / PID / IPC / UTS namespace and
 * another container's volumes (which may include the engine's pipe or a host path). Windows refuses
 * most of them itself today; the rule does not rely on that, and holds on any engine.
 */
import { Trust } from "../os/isolation";

/** The host-privilege inputs of one workload, each with the field path the user wrote. */
export interface HostPrivilegeFacts {
    readonly privileged?: { readonly field: string; readonly value: unknown };
    readonly capAdd?: { readonly field: string; readonly value: unknown };
    /** Namespace modes (`NetworkMode`, `PidMode`, `IpcMode`, `UTSMode`): `host` shares the host's. */
    readonly namespaceModes?: readonly { readonly field: string; readonly value: unknown }[];
    readonly volumesFrom?: { readonly field: string; readonly value: unknown };
}

const RULE = "untrusted-no-host-access: an untrusted workload gets no host privileges";
const FIX = "remove it (or declare the workload trusted if it really is)";

const set = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0);

/** untrusted-no-host-access for host privileges: every finding, none for a trusted workload. */
export function hostPrivilegeProblems(trust: Trust, facts: HostPrivilegeFacts): string[] {
    if (trust === "trusted") return [];
    const problems: string[] = [];
    if (facts.privileged && set(facts.privileged.value)) {
        problems.push(`${facts.privileged.field} ${JSON.stringify(facts.privileged.value)} gives the workload the host's devices and every capability; ${RULE}; ${FIX}`);
    }
    if (facts.capAdd && set(facts.capAdd.value)) {
        problems.push(`${facts.capAdd.field} ${JSON.stringify(facts.capAdd.value)} adds host capabilities; ${RULE}; ${FIX}`);
    }
    for (const m of facts.namespaceModes ?? []) {
        // `host` and `container:<id>` (another container's namespace, possibly the host's) both leave the workload's own.
        if (typeof m.value === "string" && /^(host$|container:)/i.test(m.value)) {
            problems.push(`${m.field} ${JSON.stringify(m.value)} shares a namespace the workload does not own; ${RULE}; ${FIX}`);
        } else if (m.value !== undefined && m.value !== null && typeof m.value !== "string") {
            problems.push(`${m.field} ${JSON.stringify(m.value)} is not a namespace mode; ${RULE}; leave it out`);
        }
    }
    if (facts.volumesFrom && set(facts.volumesFrom.value)) {
        problems.push(`${facts.volumesFrom.field} ${JSON.stringify(facts.volumesFrom.value)} takes another container's mounts, which may be host paths or pipes; ${RULE}; ${FIX}`);
    }
    return problems;
}
