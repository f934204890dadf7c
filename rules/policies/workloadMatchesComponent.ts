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
    /** The host the component judged its isolation against (its summary's `host`). */
    readonly host?: unknown;
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
    /** Where the child's Docker provider comes from; undefined when the reader does not say. */
    readonly runsOn?: ChildProviderFacts;
}

/** The host component whose Docker provider a component's child uses, and the stack's host names. */
export interface ChildProviderFacts {
    /** Name of the host component that is the parent of the child's provider; undefined when none is. */
    readonly hostComponent?: string;
    /** How many host components in the stack are named like the component's host. */
    readonly hostsNamedLikeComponentHost: number;
}

/**
 * The provider half of workload-matches-component: the child must deploy through the Docker
 * provider of the host the component judged (host components name themselves by hostName and
 * own their provider). Swapping it for another host's provider (a transform) deploys the child
 * to an engine whose build and Hyper-V capability nobody checked. When the component's host is
 * no host component of this stack (plain facts from another language), only a provider that
 * belongs to some other host component is known to be wrong.
 */
function childProviderProblem(owner: string, host: unknown, childName: string, runsOn: ChildProviderFacts): string | undefined {
    const count = runsOn.hostsNamedLikeComponentHost;
    if (count > 1) return `${count} host components are named '${String(host)}', so the plan cannot tell which one ${owner} was judged against; give each host a unique name`;
    if (runsOn.hostComponent === host || (count === 0 && runsOn.hostComponent === undefined)) return undefined;
    const actual = runsOn.hostComponent === undefined ? "a Docker provider that belongs to no host component" : `the Docker provider of host '${runsOn.hostComponent}'`;
    return `'${childName}' deploys through ${actual}, but ${owner} judged its isolation against host '${String(host)}' (a transform or another class swapped the provider); remove what changes the service's provider`;
}

/**
 * workload-matches-component: a WindowsContainer runs exactly one docker.Service, its direct
 * child `<name>-service`, with the component's isolation and trust, through its host's Docker
 * provider. Anything else under it (a
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
    const provider = child.runsOn === undefined ? undefined : childProviderProblem(owner, component.host, child.name, child.runsOn);
    if (provider) problems.push(provider);
    return problems;
}
