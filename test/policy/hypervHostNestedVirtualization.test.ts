/**
 * hyperv-host-nested-virtualization, evaluated by the real pack over gRPC: each case changes the
 * happy stack's container-host VM once.
 */
import { policyTable } from "../helpers/policyPack";
import { replaced, UNKNOWN, vm } from "../helpers/policyFactories";

const P = "hyperv-host-nested-virtualization";
const unlisted = replaced(vm("winhost-vm", { vmSize: "Standard_Q8s_v9" }));
/** The happy stack's VM with one input replaced by a value unknown during preview. */
const vmWithUnknown = (input: "securityProfile" | "tags") => {
    const base = vm("winhost-vm");
    return replaced({ ...base, inputs: { ...base.inputs, [input]: UNKNOWN } });
};

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
    {
        name: "preview: vmSize unknown until deploy is a mandatory violation, never the SDK's advisory",
        stack: replaced(vm("winhost-vm", { vmSize: UNKNOWN })),
        findings: [["winhost-vm", expect.stringMatching(/^hardwareProfile.vmSize is not known until deploy, so the plan cannot show it has nested virtualization/)]],
        also: (e) => {
            expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
            expect(e.diagnostics.map((d) => d.message).join("\n")).not.toMatch(/during preview/);
        },
    },
    {
        name: "preview: securityType unknown until deploy: violation",
        stack: replaced(vm("winhost-vm", { securityType: UNKNOWN })),
        findings: [["winhost-vm", expect.stringMatching(/^securityProfile.securityType is not known until deploy, so the plan cannot show it is Standard/)]],
    },
    {
        name: "preview: the whole securityProfile unknown until deploy: violation",
        stack: vmWithUnknown("securityProfile"),
        findings: [["winhost-vm", expect.stringMatching(/^securityProfile.securityType is not known until deploy/)]],
    },
    {
        name: "preview: tags unknown until deploy (the VM may be a container host): violation",
        stack: vmWithUnknown("tags"),
        findings: [["winhost-vm", expect.stringMatching(/^tags are not known until deploy, so the plan cannot tell whether this VM is a container host/)]],
    },
]);
