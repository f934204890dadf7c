/**
 * workload-matches-component (mandatory): every docker.Service or docker.Container parented,
 * at any depth, to a WindowsContainer is judged against the component's own decision. The
 * engine applies resource transforms (and the SDK legacy transformations) to the component's
 * children after the component decided, and any class can register the component's type: the
 * child is what deploys, so a child that differs from the row the reviewer reads is a violation,
 * also one that deploys through another host's Docker provider than the component judged.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ChildProviderFacts, ComponentChildFacts, CONTAINER_INPUTS, componentChildProblems, DockerLabel, factAt, hostOfWorkload, SERVICE_INPUTS, trustFromLabels, UNKNOWN_UNTIL_DEPLOY, WindowsContainerSummary } from "../rules";
import { factsOf, summaryOf } from "./known";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE, HOST_COMPONENT_TYPES, WINDOWS_CONTAINER_TYPE } from "./types";

type Labels = readonly DockerLabel[] | typeof UNKNOWN_UNTIL_DEPLOY | undefined;

/** The nearest WindowsContainer above a resource, if any. */
export function owningComponent(r: PolicyResource): PolicyResource | undefined {
    const seen = new Set<string>();
    for (let p = r.parent; p && !seen.has(p.urn); p = p.parent) {
        seen.add(p.urn);
        if (p.type === WINDOWS_CONTAINER_TYPE) return p;
    }
    return undefined;
}

interface StackIndex {
    readonly byUrn: ReadonlyMap<string, PolicyResource>;
    readonly hostsNamed: ReadonlyMap<string, number>;
}

/** Built once per stack (a stack of 2,000 workloads built it once per child before). */
const indexes = new WeakMap<readonly PolicyResource[], StackIndex>();
function indexOf(resources: readonly PolicyResource[]): StackIndex {
    let index = indexes.get(resources);
    if (!index) {
        const hostsNamed = new Map<string, number>();
        for (const x of resources) if (HOST_COMPONENT_TYPES.includes(x.type)) hostsNamed.set(x.name, (hostsNamed.get(x.name) ?? 0) + 1);
        index = { byUrn: new Map(resources.map((x) => [x.urn, x])), hostsNamed };
        indexes.set(resources, index);
    }
    return index;
}

/** Whose Docker provider the child uses, and how many host components carry the component's host name. */
function runsOn(r: PolicyResource, component: PolicyResource, resources: readonly PolicyResource[]): ChildProviderFacts {
    const { byUrn, hostsNamed } = indexOf(resources);
    const { host } = hostOfWorkload(r, { typeOf: (x) => x.type, providerOf: (x) => (x.provider?.urn ? byUrn.get(x.provider.urn) : undefined), parentOf: (x) => x.parent });
    const hostName = summaryOf<WindowsContainerSummary>(component.props).host;
    return { hostComponent: host?.name, hostsNamedLikeComponentHost: hostsNamed.get(hostName as string) ?? 0 };
}

export function childFacts(r: PolicyResource, component: PolicyResource, resources: readonly PolicyResource[]): ComponentChildFacts {
    const props = factsOf(r.props);
    const direct = r.parent?.urn === component.urn;
    if (r.type === DOCKER_CONTAINER_TYPE) return { kind: "docker.Container", name: r.name, direct, trust: trustFromLabels(factAt(props, ...CONTAINER_INPUTS.labels) as Labels) };
    const trust = trustFromLabels(factAt(props, ...SERVICE_INPUTS.containerLabels) as Labels, factAt(props, ...SERVICE_INPUTS.labels) as Labels);
    return { kind: "docker.Service", name: r.name, direct, isolation: factAt(props, ...SERVICE_INPUTS.isolation), trust, runsOn: runsOn(r, component, resources) };
}

export const workloadMatchesComponent: StackValidationPolicy = {
    name: "workload-matches-component",
    description: "A WindowsContainer deploys exactly its own docker.Service, with the isolation and trust the component decided.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const children = args.resources.filter((r) => (r.type === DOCKER_SERVICE_TYPE || r.type === DOCKER_CONTAINER_TYPE) && owningComponent(r));
        if (children.length === 0) return args.notApplicable(`no docker.Service or docker.Container under a ${WINDOWS_CONTAINER_TYPE}`);
        for (const r of children) {
            const component = owningComponent(r)!;
            const decided = summaryOf<WindowsContainerSummary>(component.props);
            for (const p of componentChildProblems({ name: component.name, trust: decided.trust, isolation: decided.isolation, host: decided.host }, childFacts(r, component, args.resources))) report(p, r.urn);
        }
    },
};
