/** hyperv-host-nested-virtualization: a VM tagged as a container host can run Hyper-V isolation. */
import { AZURE_NATIVE_COMPUTE_API_VERSION, checkHypervHostSize } from "../azure/vmSizes";

/**
 * hyperv-host-nested-virtualization for a VM tagged as a container host: a size with nested
 * virtualization and security type Standard. Under the Compute API azure-native sends
 * (AZURE_NATIVE_COMPUTE_API_VERSION), Standard is what an absent securityType means; sending
 * 'Standard' explicitly is refused there with InvalidParameter unless the subscription is
 * registered for Microsoft.Compute/UseStandardSecurityType, so it is a problem too.
 */
export function containerHostVmProblems(facts: { readonly vmSize?: unknown; readonly securityType?: unknown; readonly allowUnlistedVmSize?: boolean }): string[] {
    if (typeof facts.vmSize !== "string" || facts.vmSize === "") {
        return ["hardwareProfile.vmSize is not set; set a size with nested virtualization (e.g. Standard_D4s_v5)"];
    }
    const securityType = typeof facts.securityType === "string" ? facts.securityType : undefined;
    const check = checkHypervHostSize(facts.vmSize, { allowUnlistedVmSize: facts.allowUnlistedVmSize, securityType });
    const problems = [...check.problems];
    if (securityType === "Standard") {
        problems.push(`securityProfile.securityType 'Standard' is sent explicitly, which Compute API ${AZURE_NATIVE_COMPUTE_API_VERSION} (what azure-native sends) refuses with InvalidParameter unless the subscription is registered for the feature Microsoft.Compute/UseStandardSecurityType; leave securityType out (the VM is then Standard, without Trusted Launch), or exempt this VM after registering the feature`);
    }
    return problems;
}
