/**
 * untrusted-no-host-access, the host privileges a Docker API create can ask for beyond mounts and
 * devices: privileged mode, added capabilities, the host's network / PID / IPC / UTS namespace and
 * another container's volumes (which may include the engine's pipe or a host path). Windows refuses
 * most of them itself today; the rule does not rely on that, and holds on any engine.
 */
import { Trust } from "../os/isolation";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** One input with the field path the user wrote. */
export interface HostPrivilegeFact {
    readonly field: string;
    readonly value: unknown;
}

/** The host-privilege inputs of one workload, each with the field path the user wrote. */
export interface HostPrivilegeFacts {
    readonly privileged?: HostPrivilegeFact;
    readonly capAdd?: HostPrivilegeFact;
    /** Namespace modes (`NetworkMode`, `PidMode`, `IpcMode`, `UTSMode`): `host` shares the host's. */
    readonly namespaceModes?: readonly HostPrivilegeFact[];
    /**
     * Other containers whose mounts the workload takes: the API's `VolumesFrom` list, or one fact per
     * entry (a docker.Container's `volumes[i].fromContainer`, which the provider sends as `VolumesFrom`).
     */
    readonly volumesFrom?: HostPrivilegeFact | readonly HostPrivilegeFact[];
}

const RULE = "untrusted-no-host-access: an untrusted workload gets no host privileges";
const FIX = "remove it (or declare the workload trusted if it really is)";

/** A value not known until deploy (a plan's preview) may be any of them: fail closed. */
const unknown = (f: HostPrivilegeFact): string => `${f.field} is not known until deploy, so the plan cannot show it asks for no host privilege; ${RULE}; set it to a literal value`;

const set = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0);

/** untrusted-no-host-access for host privileges: every finding, none for a trusted workload. */
export function hostPrivilegeProblems(trust: Trust, facts: HostPrivilegeFacts): string[] {
    if (trust === "trusted") return [];
    const problems: string[] = [];
    const volumesFrom = facts.volumesFrom === undefined ? [] : Array.isArray(facts.volumesFrom) ? (facts.volumesFrom as readonly HostPrivilegeFact[]) : [facts.volumesFrom as HostPrivilegeFact];
    const all = [facts.privileged, facts.capAdd, ...(facts.namespaceModes ?? []), ...volumesFrom];
    const unknowns = new Set(all.filter((f): f is HostPrivilegeFact => f !== undefined && f.value === UNKNOWN_UNTIL_DEPLOY));
    problems.push(...[...unknowns].map(unknown));
    const known = (f: HostPrivilegeFact | undefined): f is HostPrivilegeFact => f !== undefined && !unknowns.has(f);
    if (known(facts.privileged) && set(facts.privileged.value)) {
        problems.push(`${facts.privileged.field} ${JSON.stringify(facts.privileged.value)} gives the workload the host's devices and every capability; ${RULE}; ${FIX}`);
    }
    if (known(facts.capAdd) && set(facts.capAdd.value)) {
        problems.push(`${facts.capAdd.field} ${JSON.stringify(facts.capAdd.value)} adds host capabilities; ${RULE}; ${FIX}`);
    }
    for (const m of (facts.namespaceModes ?? []).filter(known)) {
        // `host` and `container:<id>` (another container's namespace, possibly the host's) both leave the workload's own.
        if (typeof m.value === "string" && /^(host$|container:)/i.test(m.value)) {
            problems.push(`${m.field} ${JSON.stringify(m.value)} shares a namespace the workload does not own; ${RULE}; ${FIX}`);
        } else if (m.value !== undefined && m.value !== null && typeof m.value !== "string") {
            problems.push(`${m.field} ${JSON.stringify(m.value)} is not a namespace mode; ${RULE}; leave it out`);
        }
    }
    for (const v of volumesFrom.filter(known).filter((f) => set(f.value))) {
        problems.push(`${v.field} ${JSON.stringify(v.value)} takes another container's mounts, which may be host paths or pipes; ${RULE}; ${FIX}`);
    }
    return problems;
}
