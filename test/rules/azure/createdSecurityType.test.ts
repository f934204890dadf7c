import { createdSecurityTypeProblem } from "../../../rules";

test.each([undefined, null, "", "Standard"])("what Azure calls Standard (%j) passes", (value) => {
    expect(createdSecurityTypeProblem(value)).toBeUndefined();
});

test.each(["TrustedLaunch", "ConfidentialVM"])("%s is refused, naming the setting, azure-docs#87947 and the fix", (value) => {
    const problem = createdSecurityTypeProblem(value);
    expect(problem).toMatch(new RegExp(`^Azure created the VM with securityProfile\\.securityType '${value}': Trusted Launch and confidential VMs break Hyper-V inside the VM \\(azure-docs#87947\\)`));
    expect(problem).toMatch(/delete the VM and create it as Standard .*Microsoft\.Compute\/UseStandardSecurityType/);
});

test("a security type nobody knows yet is refused too (fail closed)", () => {
    expect(createdSecurityTypeProblem("SomethingNew")).toMatch(/securityProfile\.securityType 'SomethingNew', which is not 'Standard'/);
});
