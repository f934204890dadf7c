/**
 * hyperv-host-nested-virtualization (mandatory): a VM tagged as a container host defaults its
 * Docker daemon to Hyper-V isolation, which inside Azure needs nested virtualization and
 * security type Standard: securityType left out, which is Standard under the Compute API
 * azure-native sends (an explicit 'Standard' is refused there without a feature registration).
 */
import * as compute from "@pulumi/azure-native/compute";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { CONTAINER_HOST_TAG, containerHostVmProblems } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";

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
    validateResource: validateResourceOfType(compute.VirtualMachine, (vm, args, report) => {
        const tags = (vm.tags ?? {}) as Record<string, string>;
        if (!(CONTAINER_HOST_TAG in tags)) return args.notApplicable(`VM is not tagged ${CONTAINER_HOST_TAG}`);
        const config = args.getConfig<HostConfig>();
        if (exemptionFor(config, args.name, args.urn)) return;
        const vmSize = vm.hardwareProfile?.vmSize;
        const problems = containerHostVmProblems({
            vmSize,
            securityType: vm.securityProfile?.securityType,
            allowUnlistedVmSize: typeof vmSize === "string" && (config.allowUnlistedVmSizes ?? []).includes(vmSize),
        });
        for (const p of problems) report(p);
    }),
};
