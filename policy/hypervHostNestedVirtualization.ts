/**
 * hyperv-host-nested-virtualization (mandatory): a VM tagged as a container host defaults its
 * Docker daemon to Hyper-V isolation, which inside Azure needs nested virtualization and
 * security type Standard: securityType left out, which is Standard under the Compute API
 * azure-native sends (an explicit 'Standard' is refused there without a feature registration).
 * Inputs are read with factsOf: a size or security type not known during preview is a
 * violation, never the SDK's advisory "can't run policy during preview".
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { CONTAINER_HOST_TAG, containerHostVmProblems, factAt, UNKNOWN_UNTIL_DEPLOY } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { factsOf } from "./known";
import { AZURE_VM_TYPE } from "./types";

interface HostConfig extends ExemptionConfig {
    readonly allowUnlistedVmSizes?: readonly string[];
}

export const hypervHostNestedVirtualization: ResourceValidationPolicy = {
    name: "hyperv-host-nested-virtualization",
    description: "VMs tagged as Windows container hosts have a size with nested virtualization and security type Standard (securityType left out).",
    enforcementLevel: "mandatory",
    configSchema: exemptionSchema({
        allowUnlistedVmSizes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "VM sizes accepted although their series is not in the nested-virtualization table (you checked the Azure size page).",
            default: [],
        },
    }),
    validateResource: (args, report) => {
        if (args.type !== AZURE_VM_TYPE) return args.notApplicable(`applies to ${AZURE_VM_TYPE}`);
        const vm = factsOf(args.props);
        const config = args.getConfig<HostConfig>();
        if (vm.tags === UNKNOWN_UNTIL_DEPLOY) {
            if (!exemptionFor(config, args.name, args.urn)) report(`tags are not known until deploy, so the plan cannot tell whether this VM is a container host (tag ${CONTAINER_HOST_TAG}); set the tags literally`);
            return;
        }
        const tags = (vm.tags ?? {}) as Record<string, unknown>;
        if (!(CONTAINER_HOST_TAG in tags)) return args.notApplicable(`VM is not tagged ${CONTAINER_HOST_TAG}`);
        if (exemptionFor(config, args.name, args.urn)) return;
        const vmSize = factAt(vm, "hardwareProfile", "vmSize");
        const problems = containerHostVmProblems({
            vmSize,
            securityType: factAt(vm, "securityProfile", "securityType"),
            allowUnlistedVmSize: typeof vmSize === "string" && (config.allowUnlistedVmSizes ?? []).includes(vmSize),
        });
        for (const p of problems) report(p);
    },
};
