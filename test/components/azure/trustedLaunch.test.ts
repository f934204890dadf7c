/**
 * A VM that Azure created with Trusted Launch or as a confidential VM (a new Gen2 default, or a
 * policy): the check on what Azure reports fails with the setting named, and the bootstrap's
 * extension takes its fingerprint through that check, so it never starts on such a VM.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../../helpers/pulumiMocks";
import { azureMockOutputs } from "../../helpers/azureMockOutputs";

// Azure's answer: the security type named in the VM's tags by each test (the mock cloud's choice).
const engine = installMocks({
    outputs: (a) => (a.type === "azure-native:compute:VirtualMachine"
        ? { ...azureMockOutputs(a), securityProfile: { securityType: a.inputs.tags?.azureChose } }
        : azureMockOutputs(a)),
});

import * as compute from "@pulumi/azure-native/compute";
import { checkCreatedSecurityType } from "../../../components/azure/containerHostNode";
import { ContainerHost } from "../../../components";

const created = (name: string, azureChose?: string) => new compute.VirtualMachine(name, { resourceGroupName: "rg", tags: azureChose ? { azureChose } : {} });
/** The Output's value; its other promises (known, secret, resources) fail the same way and are read here too. */
const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => {
    const inner = o as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources?: () => Promise<unknown> };
    for (const p of [inner.isKnown, inner.isSecret, inner.allResources?.()]) p?.catch(() => undefined);
    return inner.promise();
};

test.each(["TrustedLaunch", "ConfidentialVM"])("%s read back: an error naming the owner, the setting and azure-docs#87947", async (type) => {
    const parent = new pulumi.ComponentResource("test:index:Owner", `owner-${type}`);
    await expect(valueOf(checkCreatedSecurityType(created(`vm-${type}`, type), "ContainerHost 'h'", parent)))
        .rejects.toThrow(new RegExp(`^ContainerHost 'h': Azure created the VM with securityProfile\\.securityType '${type}': .*azure-docs#87947`));
});

test("Standard, or the type left out (Azure's Standard), passes", async () => {
    const parent = new pulumi.ComponentResource("test:index:Owner", "owner-std");
    expect(await valueOf(checkCreatedSecurityType(created("vm-std", "Standard"), "o", parent))).toBe("Standard");
    expect(await valueOf(checkCreatedSecurityType(created("vm-absent"), "o", parent))).toBe("Standard");
});

test("the extension's forceUpdateTag waits for the check: declared once Azure reports Standard", async () => {
    new ContainerHost("ok", { resourceGroupName: "rg", location: "westeurope", windowsVersion: "ltsc2022" });
    await engine.settle();
    const ext = engine.resources.find((r) => r.name === "ok-bootstrap")!;
    expect(ext.inputs.forceUpdateTag).toMatch(/^[0-9a-f]{16}$/);
    expect(ext.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/::ok-vm$/)]));
});
