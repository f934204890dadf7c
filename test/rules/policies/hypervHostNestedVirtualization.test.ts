import { containerHostVmProblems } from "../../../rules/policies/hypervHostNestedVirtualization";

describe("containerHostVmProblems", () => {
    test("a nested-virtualization size with securityType left out (Standard under Compute API 2024-11-01): no problems", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5" })).toEqual([]);
    });
    test("securityType 'Standard' sent explicitly or TrustedLaunch is a problem", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "Standard" })).toEqual([
            expect.stringMatching(/securityType 'Standard' is sent explicitly, which Compute API 2024-11-01 .*InvalidParameter.*Microsoft\.Compute\/UseStandardSecurityType; leave securityType out/),
        ]);
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "TrustedLaunch" })).toEqual([expect.stringMatching(/securityType 'TrustedLaunch' breaks Hyper-V/)]);
    });
    test("an unlisted size fails unless explicitly allowed", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9" })).toEqual([expect.stringMatching(/not in the table/)]);
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9", allowUnlistedVmSize: true })).toEqual([]);
    });
});
