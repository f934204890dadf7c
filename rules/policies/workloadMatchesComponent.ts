/**
 * workload-matches-component: what deploys under a WindowsContainer is what the component
 * decided (policy/workloadMatchesComponent.ts and the plan call this).
 */
import { dockerIsolation } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { TrustFromLabels } from "./labelTrust";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** What a WindowsContainer decided, as its inputs record it. */
export interface ComponentDecisionFacts {
    readonly name: string;
    readonly trust: unknown;
    readonly isolation: unknown;
}

/** A docker resource parented (at any depth) to a WindowsContainer. */
export interface ComponentChildFacts {
    readonly kind: "docker.Service" | "docker.Container";
    readonly name: string;
    /** Whether the component itself is the direct parent. */
    readonly direct: boolean;
    /** taskSpec.containerSpec.isolation, for a service. */
    readonly isolation?: unknown;
    readonly trust: TrustFromLabels;
}

/**
 * workload-matches-component: a WindowsContainer runs exactly one docker.Service, its direct
 * child `<name>-service`, with the component's isolation and trust. Anything else under it (a
 * transform that rewrote the service, a second service, a container, a class that registers the
 * component's type with other children) is not what the component's row promises.
 */
export function componentChildProblems(component: ComponentDecisionFacts, child: ComponentChildFacts): string[] {
    const owner = `WindowsContainer '${component.name}'`;
    if (child.kind === "docker.Container") {
        return [`a docker.Container under ${owner}: the component runs its workload only as its own docker.Service, so this container is outside its decision; declare it as its own WindowsContainer`];
    }
    const problems: string[] = [];
    if (!child.direct || child.name !== `${component.name}-service`) {
        problems.push(`an extra docker.Service under ${owner}: the component runs exactly one service, '${component.name}-service'; declare this workload as its own WindowsContainer`);
    }
    const mode = child.isolation === UNKNOWN_UNTIL_DEPLOY ? "not known until deploy" : dockerIsolation(child.isolation);
    if (mode !== component.isolation) {
        problems.push(`isolation ${child.isolation === undefined ? "(not set)" : `'${String(child.isolation === UNKNOWN_UNTIL_DEPLOY ? "unknown" : child.isolation)}'`} (Docker: ${mode}) differs from the isolation ${owner} decided, '${String(component.isolation)}' (a transform or another class rewrote it); remove what rewrites the service`);
    }
    const trust = child.trust.ok ? (child.trust.unknown ? "not known until deploy" : child.trust.trust) : "invalid";
    if (trust !== component.trust) {
        problems.push(`trust label ${TRUST_LABEL} '${trust}' differs from the trust ${owner} decided, '${String(component.trust)}'; remove what relabels the service`);
    }
    return problems;
}
