/**
 * The securityType decision rests on the Compute API version azure-native sends for a VM: under
 * 2024-11-01 an explicit 'Standard' needs a feature registration and an absent one is Standard.
 * When an azure-native upgrade moves the VM to another API version, this fails so the decision
 * (containerHostNode.ts, containerHostVmProblems) is made again.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { AZURE_NATIVE_COMPUTE_API_VERSION } from "../../../rules/azure/vmSizes";

test("azure-native's compute.VirtualMachine uses the Compute API version the securityType rule is written for", () => {
    const dts = readFileSync(join(require.resolve("@pulumi/azure-native/compute/virtualMachine"), "..", "virtualMachine.d.ts"), "utf8");
    const used = /Uses Azure REST API version (\d{4}-\d{2}-\d{2})\./.exec(dts)?.[1];
    expect(used).toBe(AZURE_NATIVE_COMPUTE_API_VERSION);
    // That API version's SecurityTypes enum has no 'Standard' (it came with 2025-11-01).
    const enums = readFileSync(join(require.resolve("@pulumi/azure-native/types/enums/compute"), "..", "index.d.ts"), "utf8");
    const securityTypes = /export declare const SecurityTypes: \{([^}]*)\}/.exec(enums)?.[1] ?? "";
    expect(securityTypes).toMatch(/TrustedLaunch/);
    expect(securityTypes).not.toMatch(/Standard/);
});
