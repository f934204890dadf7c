/**
 * The security type Azure actually gave a container host, read back after the VM is created.
 * The VM leaves `securityProfile.securityType` out (Compute API 2024-11-01 refuses an explicit
 * 'Standard' without a feature registration) and "absent means Standard" is Azure's default of
 * today; Microsoft has announced Trusted Launch as the default for new Gen2 VMs, and Trusted
 * Launch (like a confidential VM) breaks Hyper-V inside the VM (azure-docs#87947). So what was
 * created is checked, never assumed. Fail closed: only absent or 'Standard' passes.
 */

/** Why the created VM cannot host Hyper-V isolated containers, or undefined when it can. */
export function createdSecurityTypeProblem(securityType: string | null | undefined): string | undefined {
    if (securityType === undefined || securityType === null || securityType === "" || securityType === "Standard") return undefined;
    const what = securityType === "TrustedLaunch" || securityType === "ConfidentialVM" ? `'${securityType}'` : `'${securityType}', which is not 'Standard'`;
    return `Azure created the VM with securityProfile.securityType ${what}: Trusted Launch and confidential VMs break Hyper-V inside the VM (azure-docs#87947), so no container could run Hyper-V isolated there. The subscription or a policy now defaults new Gen2 VMs to it; delete the VM and create it as Standard (register the Compute feature Microsoft.Compute/UseStandardSecurityType so an explicit 'Standard' is accepted, or remove the policy that sets Trusted Launch)`;
}
