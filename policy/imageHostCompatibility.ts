/**
 * image-host-compatibility (mandatory): the declared isolation mode can run the image's Windows
 * build on the host's build. A stack policy, because a raw docker.Service only says which
 * provider runs it: the host build comes from that provider's parent host component. When no
 * host build can be found the service is skipped (the plan report shows it as unknown). On a
 * host that declares swarm nodes, a service is judged on every node its placement constraints
 * admit (swarm may schedule it on any of them), not on the endpoint's own node. Each resource is
 * read with factsOf, so a value unknown during preview fails that resource only. With
 * `resolvedImages` in its config (plan --resolve-images) each image is judged on the exact build
 * its registry says the host pulls; an untrusted workload whose image did not resolve fails.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    DockerLabel,
    factAt,
    HostSummary,
    hostOfWorkload,
    imageHostVerdict,
    PoolNode,
    resolutionFor,
    ResolvedImagesConfig,
    resolvedImagesSchema,
    SERVICE_INPUTS,
    serviceHostVerdict,
    trustFromLabels,
    UNKNOWN_UNTIL_DEPLOY,
    WindowsContainerSummary,
} from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { factsOf, summaryOf } from "./known";
import { DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "./types";

export interface HostFacts {
    readonly osBuild?: number | typeof UNKNOWN_UNTIL_DEPLOY;
    readonly hypervCapable?: boolean;
    /** The swarm nodes the host declares (a pool, or an ExistingDockerHost with swarmNodes). */
    readonly swarmNodes?: readonly PoolNode[];
}

/** The host a docker.Service runs on: its provider's parent, when that is one of our host components. */
export function hostOfService(svc: PolicyResource, byUrn: ReadonlyMap<string, PolicyResource>): HostFacts | undefined {
    const { host } = hostOfWorkload(svc, {
        typeOf: (r) => r.type,
        providerOf: (r) => (r.provider?.urn ? byUrn.get(r.provider.urn) : undefined),
        parentOf: (r) => r.parent,
    });
    if (!host) return undefined;
    const props = summaryOf<HostSummary>(host.props);
    const osBuild = props.osBuild;
    const swarmNodes = Array.isArray(props.swarmNodes) && props.swarmNodes.every(isPoolNode) ? (props.swarmNodes as PoolNode[]) : undefined;
    return {
        osBuild: typeof osBuild === "number" || osBuild === UNKNOWN_UNTIL_DEPLOY ? osBuild : undefined,
        hypervCapable: props.hypervCapable === false ? false : props.hypervCapable === true ? true : undefined,
        swarmNodes,
    };
}

function isPoolNode(n: unknown): n is PoolNode {
    const node = n as Partial<PoolNode> | null;
    return node !== null && typeof node === "object" && typeof node.name === "string" && typeof node.osBuild === "number" && typeof node.hypervCapable === "boolean";
}

export const imageHostCompatibility: StackValidationPolicy = {
    name: "image-host-compatibility",
    description: "Each workload's isolation mode can run its image's Windows build on its host's build.",
    enforcementLevel: "mandatory",
    configSchema: exemptionSchema({ resolvedImages: resolvedImagesSchema }),
    validateStack: (args, report) => {
        const workloads = args.resources.filter((r) => r.type === WINDOWS_CONTAINER_TYPE || r.type === DOCKER_SERVICE_TYPE);
        if (workloads.length === 0) return args.notApplicable(`no resources of type ${WINDOWS_CONTAINER_TYPE} or docker.Service`);
        const config = args.getConfig<ExemptionConfig & ResolvedImagesConfig>();
        const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
        for (const r of workloads) {
            if (exemptionFor(config, r.name, r.urn)) continue;
            let verdict;
            if (r.type === WINDOWS_CONTAINER_TYPE) {
                const props = summaryOf<WindowsContainerSummary>(r.props);
                const build = (v: unknown) => (typeof v === "number" ? v : v === UNKNOWN_UNTIL_DEPLOY ? UNKNOWN_UNTIL_DEPLOY : undefined);
                verdict = imageHostVerdict({
                    image: props.image,
                    resolution: resolutionFor(config, props.image),
                    trusted: props.trust === "trusted",
                    imageBuild: typeof props.imageOsBuild === "number" ? props.imageOsBuild : undefined,
                    hostBuild: build(props.hostOsBuild),
                    isolation: props.isolation,
                    hostHypervCapable: props.hostHypervCapable === false ? false : undefined,
                });
            } else {
                const props = factsOf(r.props);
                const image = factAt(props, ...SERVICE_INPUTS.image);
                const trust = trustFromLabels(factAt(props, ...SERVICE_INPUTS.containerLabels) as readonly DockerLabel[] | undefined, factAt(props, ...SERVICE_INPUTS.labels) as readonly DockerLabel[] | undefined);
                verdict = serviceHostVerdict(
                    {
                        image,
                        resolution: resolutionFor(config, image),
                        trusted: trust.ok && trust.trust === "trusted",
                        isolation: factAt(props, ...SERVICE_INPUTS.isolation),
                        constraints: factAt(props, ...SERVICE_INPUTS.constraints),
                    },
                    hostOfService(r, byUrn),
                );
            }
            if (verdict.status === "violation") report(verdict.message, r.urn);
        }
    },
};
