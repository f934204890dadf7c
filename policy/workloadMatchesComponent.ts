/**
 * workload-matches-component (mandatory): every docker.Service or docker.Container parented,
 * at any depth, to a WindowsContainer is judged against the component's own decision. The
 * engine applies resource transforms (and the SDK legacy transformations) to the component's
 * children after the component decided, and any class can register the component's type: the
 * child is what deploys, so a child that differs from the row the reviewer reads is a violation.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ComponentChildFacts, componentChildProblems, DockerLabel, factAt, trustFromLabels, UNKNOWN_UNTIL_DEPLOY } from "../rules";
import { factsOf } from "./known";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "./types";

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

export function childFacts(r: PolicyResource, component: PolicyResource): ComponentChildFacts {
    const props = factsOf(r.props);
    const direct = r.parent?.urn === component.urn;
    if (r.type === DOCKER_CONTAINER_TYPE) return { kind: "docker.Container", name: r.name, direct, trust: trustFromLabels(props.labels as Labels) };
    const spec = factAt(props, "taskSpec", "containerSpec");
    return { kind: "docker.Service", name: r.name, direct, isolation: factAt(spec, "isolation"), trust: trustFromLabels(factAt(spec, "labels") as Labels, props.labels as Labels) };
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
            const decided = factsOf(component.props);
            for (const p of componentChildProblems({ name: component.name, trust: decided.trust, isolation: decided.isolation }, childFacts(r, component))) report(p, r.urn);
        }
    },
};
