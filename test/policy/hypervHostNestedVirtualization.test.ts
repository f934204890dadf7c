/**
 * hyperv-host-nested-virtualization, evaluated by the real pack over gRPC: each case changes the
 * happy stack's container-host VM once.
 */
import { policyTable } from "../helpers/policyPack";
import { replaced, vm } from "../helpers/policyFactories";

const P = "hyperv-host-nested-virtualization";
const unlisted = replaced(vm("winhost-vm", { vmSize: "Standard_Q8s_v9" }));

policyTable(P, [
    {
        name: "a size without nested virtualization: violation",
        stack: replaced(vm("winhost-vm", { vmSize: "Standard_D4as_v4" })),
        findings: [["winhost-vm", expect.stringMatching(/series Dasv4.*nested virtualization is not supported/)]],
    },
    {
        name: "Trusted Launch: violation",
        stack: replaced(vm("winhost-vm", { securityType: "TrustedLaunch" })),
        findings: [["winhost-vm", expect.stringMatching(/securityType 'TrustedLaunch' breaks Hyper-V/)]],
    },
    {
        name: "securityType 'Standard' sent explicitly: violation (Compute API 2024-11-01 refuses it without a feature registration)",
        stack: replaced(vm("winhost-vm", { securityType: "Standard" })),
        findings: [["winhost-vm", expect.stringMatching(/securityType 'Standard' is sent explicitly.*UseStandardSecurityType/)]],
    },
    {
        name: "a VM not tagged as a container host is not applicable",
        stack: replaced(vm("winhost-vm", { vmSize: "Standard_D4as_v4", tags: {} })),
        findings: [],
        also: (e) => expect(e.notApplicable).toContainEqual({ policyName: P, reason: "VM is not tagged windows-isolation:container-host", urn: vm().urn }),
    },
    {
        name: "a size whose series is not in the table: violation",
        stack: unlisted,
        findings: [["winhost-vm", expect.stringMatching(/not in the table/)]],
    },
    {
        name: "allowUnlistedVmSizes accepts an unlisted size and shows as an exception",
        stack: unlisted,
        config: { [P]: { allowUnlistedVmSizes: ["Standard_Q8s_v9"] } },
        findings: [],
        also: (e) => expect(e.suppressed.map((d) => d.policyName)).toEqual([P]),
    },
]);
