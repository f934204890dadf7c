/** hyperv-host-nested-virtualization: a VM tagged as a container host can run Hyper-V isolation. */
import { AZURE_NATIVE_COMPUTE_API_VERSION, checkHypervHostSize } from "../azure/vmSizes";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/**
 * hyperv-host-nested-virtualization for a VM tagged as a container host: a size with nested
 * virtualization and security type Standard. Under the Compute API azure-native sends
 * (AZURE_NATIVE_COMPUTE_API_VERSION), Standard is what an absent securityType means; sending
 * 'Standard' explicitly is refused there with InvalidParameter unless the subscription is
 * registered for Microsoft.Compute/UseStandardSecurityType, so it is a problem too.
 */
export function containerHostVmProblems(facts: { readonly vmSize?: unknown; readonly securityType?: unknown; readonly allowUnlistedVmSize?: boolean }): string[] {
    // Not known until deploy: the plan cannot show the VM will run Hyper-V, so it fails closed.
    const unknown = [
        ...(facts.vmSize === UNKNOWN_UNTIL_DEPLOY ? ["hardwareProfile.vmSize is not known until deploy, so the plan cannot show it has nested virtualization; set a literal size (e.g. Standard_D4s_v5)"] : []),
        ...(facts.securityType === UNKNOWN_UNTIL_DEPLOY ? ["securityProfile.securityType is not known until deploy, so the plan cannot show it is Standard (Trusted Launch and confidential VMs break Hyper-V); leave securityType out"] : []),
    ];
    if (unknown.length > 0) return unknown;
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
