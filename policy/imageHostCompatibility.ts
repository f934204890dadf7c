/**
 * image-host-compatibility (mandatory): the declared isolation mode can run the image's Windows
 * build on the host's build. A stack policy, because a raw docker.Service only says which
 * provider runs it: the host build comes from that provider's parent host component. When no
 * host build can be found the service is skipped (the plan report shows it as unknown).
 */
import * as docker from "@pulumi/docker";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { HostSummary, hostOfWorkload, imageHostVerdict, WindowsContainerSummary } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "./types";

export interface HostFacts {
    readonly osBuild?: number;
    readonly hypervCapable?: boolean;
}

/** The host a docker.Service runs on: its provider's parent, when that is one of our host components. */
export function hostOfService(svc: PolicyResource, byUrn: ReadonlyMap<string, PolicyResource>): HostFacts | undefined {
    const { host } = hostOfWorkload(svc, {
        typeOf: (r) => r.type,
        providerOf: (r) => (r.provider?.urn ? byUrn.get(r.provider.urn) : undefined),
        parentOf: (r) => r.parent,
    });
    if (!host) return undefined;
    const summary = host.props as Partial<HostSummary>;
    return { osBuild: typeof summary.osBuild === "number" ? summary.osBuild : undefined, hypervCapable: summary.hypervCapable };
}

export const imageHostCompatibility: StackValidationPolicy = {
    name: "image-host-compatibility",
    description: "Each workload's isolation mode can run its image's Windows build on its host's build.",
    enforcementLevel: "mandatory",
    configSchema: exemptionSchema(),
    validateStack: (args, report) => {
        const workloads = args.resources.filter((r) => r.type === WINDOWS_CONTAINER_TYPE || r.type === DOCKER_SERVICE_TYPE);
        if (workloads.length === 0) return args.notApplicable(`no resources of type ${WINDOWS_CONTAINER_TYPE} or docker.Service`);
        const config = args.getConfig<ExemptionConfig>();
        const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
        for (const r of workloads) {
            if (exemptionFor(config, r.name, r.urn)) continue;
            let verdict;
            if (r.type === WINDOWS_CONTAINER_TYPE) {
                const summary = r.props as Partial<WindowsContainerSummary>;
                verdict = imageHostVerdict({
                    image: summary.image as string,
                    imageBuild: summary.imageOsBuild ?? undefined,
                    hostBuild: summary.hostOsBuild ?? undefined,
                    isolation: summary.isolation,
                    hostHypervCapable: summary.hostHypervCapable,
                });
            } else {
                const svc = r.asType(docker.Service)!;
                const host = hostOfService(r, byUrn);
                verdict = imageHostVerdict({
                    image: svc.taskSpec?.containerSpec?.image,
                    hostBuild: host?.osBuild,
                    isolation: svc.taskSpec?.containerSpec?.isolation,
                    hostHypervCapable: host?.hypervCapable,
                });
            }
            if (verdict.status === "violation") report(verdict.message, r.urn);
        }
    },
};
