/**
 * untrusted-no-host-access (mandatory): an untrusted workload (or one without a trust label) gets
 * no host named pipe, host path, host device, gMSA credential spec, host-mode published port or host
 * privilege (privileged, added capabilities, host namespaces, another container's volumes), on our component's service and on raw Docker
 * resources alike. Hyper-V isolation is no boundary for a workload that holds the engine's pipe:
 * it starts its own process-isolated containers. Inputs are read with factsOf, so a mounts list,
 * type or source not known during preview is a violation here, never an advisory skip.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { CONTAINER_INPUTS, DockerLabel, factAt, fieldName, hostAccessProblems, hostPrivilegeProblems, judgedTrust, SERVICE_INPUTS, trustFromLabels, UNKNOWN_UNTIL_DEPLOY } from "../rules";
import { factsOf } from "./known";
import { DOCKER_CONTAINER_TYPE, DOCKER_SERVICE_TYPE, WINDOWS_CONTAINER_TYPE } from "./types";

type Labels = readonly DockerLabel[] | typeof UNKNOWN_UNTIL_DEPLOY | undefined;

/** One judged input with the field name messages use. */
function input(props: Record<string, unknown>, path: readonly string[]): { field: string; value: unknown } {
    return { field: fieldName(path), value: factAt(props, ...path) };
}

/**
 * Each entry's `key` of a list input, named `<list>[i].<key>`. A list or entry not known until deploy
 * is one unknown fact, unless `judgedElsewhere` (hostAccessProblems already reports it, as for `volumes`).
 */
function eachEntryField(props: Record<string, unknown>, path: readonly string[], key: string, judgedElsewhere: boolean): { field: string; value: unknown }[] {
    const list = factAt(props, ...path);
    if (list === UNKNOWN_UNTIL_DEPLOY) return judgedElsewhere ? [] : [{ field: fieldName(path), value: list }];
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry, i) => {
        const field = `${fieldName(path)}[${i}]`;
        if (entry === UNKNOWN_UNTIL_DEPLOY) return judgedElsewhere ? [] : [{ field, value: entry }];
        return [{ field: `${field}.${key}`, value: factAt(entry, key) }];
    });
}

/** Every finding for one resource's marked inputs; undefined when the policy does not apply. */
export function untrustedNoHostAccessProblems(type: string, props: Record<string, unknown>): string[] | undefined {
    switch (type) {
        // Its args have no mount, volume or device field; its docker.Service (what a transform
        // could add mounts to) is judged as a resource of its own below.
        case WINDOWS_CONTAINER_TYPE:
            return [];
        case DOCKER_SERVICE_TYPE: {
            const trust = judgedTrust(trustFromLabels(factAt(props, ...SERVICE_INPUTS.containerLabels) as Labels, factAt(props, ...SERVICE_INPUTS.labels) as Labels));
            return [
                ...hostAccessProblems(trust, { mounts: input(props, SERVICE_INPUTS.mounts), credentialSpec: input(props, SERVICE_INPUTS.credentialSpec), publishedPorts: input(props, SERVICE_INPUTS.ports) }),
                // The provider sends each networksAdvanceds[i].name as TaskTemplate.Networks[i].Target: `host` is the host's network.
                ...hostPrivilegeProblems(trust, { capAdd: input(props, SERVICE_INPUTS.capAdds), namespaceModes: eachEntryField(props, SERVICE_INPUTS.networks, "name", false) }),
            ];
        }
        case DOCKER_CONTAINER_TYPE: {
            const trust = judgedTrust(trustFromLabels(factAt(props, ...CONTAINER_INPUTS.labels) as Labels));
            return [
                ...hostAccessProblems(trust, {
                    mounts: input(props, CONTAINER_INPUTS.mounts),
                    volumes: input(props, CONTAINER_INPUTS.volumes),
                    devices: input(props, CONTAINER_INPUTS.devices),
                    securityOpts: input(props, CONTAINER_INPUTS.securityOpts),
                }),
                ...hostPrivilegeProblems(trust, {
                    privileged: input(props, CONTAINER_INPUTS.privileged),
                    capAdd: input(props, CONTAINER_INPUTS.capAdds),
                    namespaceModes: [CONTAINER_INPUTS.networkMode, CONTAINER_INPUTS.pidMode, CONTAINER_INPUTS.ipcMode, CONTAINER_INPUTS.usernsMode, CONTAINER_INPUTS.cgroupnsMode].map((p) => input(props, p)),
                    // The provider sends each volumes[i].fromContainer as one HostConfig.VolumesFrom entry.
                    volumesFrom: eachEntryField(props, CONTAINER_INPUTS.volumes, "fromContainer", true),
                }),
            ];
        }
        default:
            return undefined;
    }
}

export const untrustedNoHostAccess: ResourceValidationPolicy = {
    name: "untrusted-no-host-access",
    description: "Untrusted Windows workloads (and any without a trust label) get no host named pipe (such as the Docker engine's), host path bind, host device, gMSA credential spec or host-mode published port.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const problems = untrustedNoHostAccessProblems(args.type, factsOf(args.props));
        if (problems === undefined) return args.notApplicable(`applies to ${WINDOWS_CONTAINER_TYPE}, docker.Service and docker.Container`);
        for (const p of problems) report(p);
    },
};
