/**
 * Every policy, evaluated by the real pack (`policy/` started as the Pulumi CLI starts it) over
 * gRPC: the happy stack passes everything, and each test changes one thing.
 */
import { findingsOf, Pack, resource, startPack } from "../helpers/policyPack";
import { childOf, componentService, container, happyStack, host, nsg, PROVIDER_URN, remoteImage, replace, rule, service, trustLabels, vm, windowsContainer } from "../helpers/policyFactories";

/** Pulumi's wire form of a value unknown during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let pack: Pack;
beforeAll(async () => {
    pack = await startPack();
}, 120_000);
afterAll(async () => {
    await pack?.stop();
});

const POLICIES = ["untrusted-requires-hyperv", "workload-matches-component", "image-host-compatibility", "hyperv-host-nested-virtualization", "docker-api-tls-only", "pinned-image"];

test("the pack describes its six policies with their levels", async () => {
    const info = await pack.client.getAnalyzerInfo();
    expect(info.name).toBe("windows-isolation");
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
        ["untrusted-requires-hyperv", "mandatory"],
        ["workload-matches-component", "mandatory"],
        ["image-host-compatibility", "mandatory"],
        ["hyperv-host-nested-virtualization", "mandatory"],
        ["docker-api-tls-only", "mandatory"],
        ["pinned-image", "advisory"],
    ]);
});

test("the happy stack has no finding from any policy", async () => {
    const e = await pack.run(happyStack());
    expect(e.diagnostics).toEqual([]);
    expect(e.suppressed).toEqual([]);
});

describe("untrusted-requires-hyperv", () => {
    const P = "untrusted-requires-hyperv";
    const check = async (changed: ReturnType<typeof service>) => {
        const stack = replace(happyStack(), changed);
        return findingsOf(await pack.run(stack), P, stack);
    };

    test("raw docker.Service, untrusted + process: violation naming the resource", async () => {
        expect(await check(service("svc", { isolation: "process" }))).toEqual([["svc", expect.stringMatching(/trust 'untrusted' requires isolation 'hyperv', got 'process'/)]]);
    });
    test("isolation missing: violation (the daemon would choose)", async () => {
        expect(await check(service("svc", { isolation: undefined }))).toEqual([["svc", expect.stringMatching(/isolation is not set/)]]);
    });
    test("isolation 'default': violation", async () => {
        expect(await check(service("svc", { isolation: "default" }))).toEqual([["svc", expect.stringMatching(/'default' hands the choice to the Docker daemon/)]]);
    });
    test("no trust label + process: untrusted, violation", async () => {
        expect(await check(service("svc", { isolation: "process" }, undefined))).toEqual([["svc", expect.stringMatching(/got 'process'/)]]);
    });
    test("trusted label + process: no violation", async () => {
        expect(await check(service("svc", { isolation: "process" }, trustLabels("trusted")))).toEqual([]);
    });
    test("a trust label that is not a level: violation", async () => {
        expect(await check(service("svc", {}, trustLabels("mostly")))).toEqual([["svc", expect.stringMatching(/trust 'mostly' is not a trust level/)]]);
    });
    test("docker.Container not labelled trusted: violation", async () => {
        expect(await check(container("ctr", { labels: [] }))).toEqual([["ctr", expect.stringMatching(/docker.Container cannot state an isolation mode/)]]);
    });
    test("WindowsContainer inputs untrusted + process: violation", async () => {
        expect(await check(windowsContainer("wc", { isolation: "process" }))).toEqual([["wc", expect.stringMatching(/got 'process'/)]]);
    });
    test("isolation 'HyperV' is Hyper-V to Docker (lower-cased): no violation", async () => {
        expect(await check(service("svc", { isolation: "HyperV" }))).toEqual([]);
    });
    test("isolation 'PROCESS' is process to Docker: violation", async () => {
        expect(await check(service("svc", { isolation: "PROCESS" }))).toEqual([["svc", expect.stringMatching(/got 'PROCESS' \(Docker reads it as 'process'\)/)]]);
    });
    test("isolation 'Hyper-V' is not a mode Docker knows, so the daemon default: violation", async () => {
        expect(await check(service("svc", { isolation: "Hyper-V" }))).toEqual([["svc", expect.stringMatching(/'Hyper-V' is not an isolation mode Docker knows, so Docker applies the daemon default/)]]);
    });
    test("preview: isolation unknown until deploy is a mandatory violation, not the SDK's advisory", async () => {
        const stack = replace(happyStack(), service("svc", { isolation: UNKNOWN }));
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([["svc", expect.stringMatching(/isolation is not known until deploy/)]]);
        expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    });
    test("preview: a containerSpec unknown until deploy: violation", async () => {
        const svc = service("svc");
        expect(await check({ ...svc, inputs: { ...svc.inputs, taskSpec: { containerSpec: UNKNOWN } } })).toEqual([["svc", expect.stringMatching(/isolation is not known until deploy/)]]);
    });
    test("preview: a trust label value unknown until deploy counts as untrusted: process is a violation", async () => {
        expect(await check(service("svc", { isolation: "process" }, trustLabels(UNKNOWN)))).toEqual([["svc", expect.stringMatching(/got 'process'/)]]);
    });
    test("preview: WindowsContainer isolation unknown until deploy: violation", async () => {
        expect(await check(windowsContainer("wc", { isolation: UNKNOWN }))).toEqual([["wc", expect.stringMatching(/isolation is not known until deploy/)]]);
    });
    test("docker.RemoteImage build of an unlabelled context in process isolation: violation", async () => {
        expect(await check(remoteImage("img", { context: "./app", isolation: "process" }))).toEqual([["img", expect.stringMatching(/requires build.isolation 'hyperv', got 'process'/)]]);
    });
    test("docker.RemoteImage build with no isolation: violation (the daemon default)", async () => {
        expect(await check(remoteImage("img", { context: "./app" }))).toEqual([["img", expect.stringMatching(/build.isolation is not set/)]]);
    });
    test("docker.RemoteImage build labelled trusted in process isolation: no violation", async () => {
        expect(await check(remoteImage("img", { context: "./app", isolation: "process", labels: { "windows-isolation.trust": "trusted" } }))).toEqual([]);
    });
    test("docker.RemoteImage without a build (a pull) runs no code: no violation", async () => {
        expect(await check(remoteImage("img", undefined))).toEqual([]);
    });
    test("docker.RegistryImage build 'Process', unlabelled: violation", async () => {
        const stack = [...happyStack(), remoteImage("push", { context: "./app", isolation: "Process" }, "docker:index/registryImage:RegistryImage")];
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["push", expect.stringMatching(/got 'Process' \(Docker reads it as 'process'\)/)]]);
    });
    test("docker.Image with a build cannot state an isolation: violation", async () => {
        const stack = [...happyStack(), resource("docker:index/image:Image", "built", { imageName: "registry.example/built:1", build: { context: "./app" } }, { provider: PROVIDER_URN })];
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["built", expect.stringMatching(/docker.Image build cannot state an isolation mode/)]]);
    });
    test("not applicable to a VM, as the analyzer reports it", async () => {
        const e = await pack.run(happyStack());
        expect(e.notApplicable).toContainEqual({ policyName: P, reason: expect.stringMatching(/applies to windows-isolation:index:WindowsContainer/), urn: vm().urn });
    });
});

describe("workload-matches-component", () => {
    const P = "workload-matches-component";
    const run = async (stack: ReturnType<typeof happyStack>) => findingsOf(await pack.run(stack), P, stack);
    test("the component's own service, relabelled trusted in process isolation (a transform): two violations on the service", async () => {
        const stack = replace(happyStack(), componentService({ isolation: "process" }, trustLabels("trusted")));
        expect(await run(stack)).toEqual([
            ["wc-service", expect.stringMatching(/isolation 'process' \(Docker: process\) differs from the isolation WindowsContainer 'wc' decided, 'hyperv'/)],
            ["wc-service", expect.stringMatching(/trust label windows-isolation.trust 'trusted' differs from the trust WindowsContainer 'wc' decided, 'untrusted'/)],
        ]);
    });
    test("an extra docker.Service under the component, even a compliant one: violation", async () => {
        const stack = [...happyStack(), componentService({}, trustLabels("untrusted"), "wc-extra")];
        expect(await run(stack)).toEqual([["wc-extra", expect.stringMatching(/an extra docker.Service under WindowsContainer 'wc'/)]]);
    });
    test("a docker.Container under the component: violation", async () => {
        const stack = [...happyStack(), childOf(windowsContainer(), container("wc-sidecar"))];
        expect(await run(stack)).toEqual([["wc-sidecar", expect.stringMatching(/a docker.Container under WindowsContainer 'wc'/)]]);
    });
    test("a service deeper down (under a component under the WindowsContainer): violation", async () => {
        const inner = childOf(windowsContainer(), resource("contoso:index:Helper", "helper", {}, { custom: false }));
        const stack = [...happyStack(), inner, childOf(inner, service("deep", { isolation: "hyperv" }))];
        expect(await run(stack)).toEqual([["deep", expect.stringMatching(/an extra docker.Service under WindowsContainer 'wc'/)]]);
    });
    test("preview: the service's isolation unknown until deploy: violation", async () => {
        const stack = replace(happyStack(), componentService({ isolation: UNKNOWN }));
        expect(await run(stack)).toEqual([["wc-service", expect.stringMatching(/\(Docker: not known until deploy\) differs/)]]);
    });
});

describe("image-host-compatibility", () => {
    const P = "image-host-compatibility";
    test("preview: an image unknown until deploy fails that service only; the next service is still checked", async () => {
        const stack = [
            ...replace(happyStack(), service("svc", { image: UNKNOWN })),
            service("old", { image: "mcr.microsoft.com/windows/servercore:ltsc2019", isolation: "process" }, trustLabels("trusted")),
        ];
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([
            ["svc", expect.stringMatching(/the image is not known until deploy/)],
            ["old", expect.stringMatching(/isolation 'process' cannot run image build 17763/)],
        ]);
        expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
    });
    test("isolation 'HyperV' is read as Hyper-V: compatible", async () => {
        const stack = replace(happyStack(), service("svc", { isolation: "HyperV" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([]);
    });
    test("raw service: ltsc2019 image in process isolation on the 2022 host (found through the provider's parent)", async () => {
        const stack = replace(happyStack(), service("svc", { image: "mcr.microsoft.com/windows/servercore:ltsc2019", isolation: "process" }, trustLabels("trusted")));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["svc", expect.stringMatching(/isolation 'process' cannot run image build 17763 \(ltsc2019\) on host build 20348/)]]);
    });
    test("the same service on a host whose build is 2019: compatible", async () => {
        const stack = [...host({ osBuild: 17763 }), service("svc", { image: "mcr.microsoft.com/windows/servercore:ltsc2019", isolation: "process" }, trustLabels("trusted"))];
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([]);
    });
    test("a service whose provider is not one of our hosts is not guessed at", async () => {
        const stack = [service("svc", { image: "mcr.microsoft.com/windows/servercore:ltsc2025" })].map((r) => ({ ...r, provider: undefined }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([]);
    });
    test("WindowsContainer inputs: a 2025 image on a 2022 host", async () => {
        const stack = replace(happyStack(), windowsContainer("wc", { image: "mcr.microsoft.com/windows/servercore:ltsc2025", imageOsBuild: 26100 }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["wc", expect.stringMatching(/newer than host build 20348/)]]);
    });
    test("an exemption suppresses it, and the evaluation lists what it suppressed", async () => {
        const stack = replace(happyStack(), windowsContainer("wc", { image: "mcr.microsoft.com/windows/servercore:ltsc2025", imageOsBuild: 26100 }));
        const e = await pack.run(stack, { [P]: { exemptions: [{ resource: "wc", reason: "host upgrade in flight" }] } });
        expect(findingsOf(e, P, stack)).toEqual([]);
        expect(e.suppressed.map((d) => [d.policyName, d.urn])).toEqual([[P, windowsContainer("wc").urn]]);
    });
});

describe("hyperv-host-nested-virtualization", () => {
    const P = "hyperv-host-nested-virtualization";
    test("a size without nested virtualization: violation", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { vmSize: "Standard_D4as_v4" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/series Dasv4.*nested virtualization is not supported/)]]);
    });
    test("Trusted Launch: violation", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { securityType: "TrustedLaunch" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/securityType 'TrustedLaunch' breaks Hyper-V/)]]);
    });
    test("securityType 'Standard' sent explicitly: violation (Compute API 2024-11-01 refuses it without a feature registration)", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { securityType: "Standard" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/securityType 'Standard' is sent explicitly.*UseStandardSecurityType/)]]);
    });
    test("a VM not tagged as a container host is not applicable", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { vmSize: "Standard_D4as_v4", tags: {} }));
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([]);
        expect(e.notApplicable).toContainEqual({ policyName: P, reason: "VM is not tagged windows-isolation:container-host", urn: vm().urn });
    });
    test("allowUnlistedVmSizes accepts an unlisted size and shows as an exception", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { vmSize: "Standard_Q8s_v9" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/not in the table/)]]);
        const e = await pack.run(stack, { [P]: { allowUnlistedVmSizes: ["Standard_Q8s_v9"] } });
        expect(findingsOf(e, P, stack)).toEqual([]);
        expect(e.suppressed.map((d) => d.policyName)).toEqual([P]);
    });
});

describe("docker-api-tls-only", () => {
    const P = "docker-api-tls-only";
    test("a tcp provider without key material: violation on the provider", async () => {
        const [, p] = host();
        const stack = replace(happyStack(), { ...p, inputs: { ...p.inputs, keyMaterial: undefined } });
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-docker", expect.stringMatching(/tcp without mutual TLS \(keyMaterial missing\)/)]]);
    });
    test("an NSG rule opening 3389 to the Internet: violation naming the rule", async () => {
        const stack = replace(happyStack(), nsg("winhost-nsg", [rule({ name: "rdp", destinationPortRange: "3389" })]));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-nsg", expect.stringMatching(/security rule 'rdp': inbound Allow from 'Internet'.*3389 \(RDP\)/)]]);
    });
    test("an NSG rule opening the swarm's VXLAN port 4789/udp to the Internet: violation", async () => {
        const stack = replace(happyStack(), nsg("winhost-nsg", [rule({ name: "vxlan", protocol: "Udp", destinationPortRange: "4789" })]));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-nsg", expect.stringMatching(/security rule 'vxlan': .*4789 \(Docker overlay network traffic \(VXLAN\)\) to the Internet/)]]);
    });
    test("a pool's NSG (swarm ports from its own subnet only) passes", async () => {
        const { poolSecurityRules } = await import("../../components");
        const stack = replace(happyStack(), nsg("winhost-nsg", poolSecurityRules(["203.0.113.10/32"], "10.40.0.0/24")));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([]);
    });
    test("a standalone SecurityRule opening 5986 to *: violation", async () => {
        const stack = [...happyStack(), resource("azure-native:network:SecurityRule", "winrm", rule({ sourceAddressPrefix: "*", destinationPortRange: "5986" }))];
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winrm", expect.stringMatching(/5986 \(WinRM over HTTPS\)/)]]);
    });
    test("preview: generated TLS material not known yet counts as set; the NSG check still runs", async () => {
        const [, p] = host();
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // Pulumi's wire form of an unknown value
        const stack = replace(
            replace(happyStack(), { ...p, inputs: { host: unknown, caMaterial: unknown, certMaterial: unknown, keyMaterial: unknown } }),
            nsg("winhost-nsg", [rule({ name: "rdp", destinationPortRange: "3389" })]),
        );
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([["winhost-nsg", expect.stringMatching(/security rule 'rdp'/)]]);
    });
    test("preview: an endpoint not known yet without TLS material fails closed", async () => {
        const [, p] = host();
        const stack = replace(happyStack(), { ...p, inputs: { host: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } });
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-docker", expect.stringMatching(/not known until deploy, so possibly tcp\) without mutual TLS \(caMaterial, certMaterial, keyMaterial missing\)/)]]);
    });
    test("exempting the provider by URN suppresses only it", async () => {
        const [, p] = host();
        const stack = replace(happyStack(), { ...p, inputs: { host: "tcp://winhost:2375" } });
        const e = await pack.run(stack, { [P]: { exemptions: [{ resource: PROVIDER_URN, reason: "lab engine" }] } });
        expect(findingsOf(e, P, stack)).toEqual([]);
        expect(e.suppressed.map((d) => d.urn)).toEqual([PROVIDER_URN]);
    });
});

describe("pinned-image (advisory)", () => {
    const P = "pinned-image";
    test("latest: advisory finding", async () => {
        const stack = replace(happyStack(), service("svc", { image: "mcr.microsoft.com/windows/servercore:latest" }));
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([["svc", expect.stringMatching(/'latest' tag/)]]);
        expect(e.diagnostics.find((d) => d.policyName === P)?.enforcementLevel).toBe("advisory");
    });
    test("untagged container image: advisory finding", async () => {
        const stack = replace(happyStack(), container("ctr", { image: "contoso/tool" }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["ctr", expect.stringMatching(/has no tag/)]]);
    });
    test("a trusted registry accepts latest, and the report shows the exception", async () => {
        const stack = replace(happyStack(), container("ctr", { image: "myacr.azurecr.io/tools/probe:latest" }));
        const e = await pack.run(stack, { [P]: { trustedRegistries: ["myacr.azurecr.io/tools"] } });
        expect(findingsOf(e, P, stack)).toEqual([]);
        expect(e.suppressed.map((d) => [d.policyName, d.urn])).toEqual([[P, container("ctr").urn]]);
    });
});

test("config can change a level, as with --policy-pack-config", async () => {
    const stack = replace(happyStack(), service("svc", { isolation: "process" }));
    // Lowering a mandatory policy is refused unless allowed (test/review/plan/weakenedPolicies.test.ts).
    const e = await pack.run(stack, { "untrusted-requires-hyperv": { enforcementLevel: "advisory" } }, { allowWeakened: true });
    expect(e.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([["untrusted-requires-hyperv", "advisory"]]);
    expect(e.weakened.map((w) => [w.policy, w.level, w.wouldFind.map((d) => d.enforcementLevel)])).toEqual([["untrusted-requires-hyperv", "advisory", ["mandatory"]]]);
    expect(POLICIES).toContain(e.diagnostics[0].policyName);
});

test("\"all\" sets every policy's level unless the policy sets its own, as the CLI does", async () => {
    const stack = replace(replace(happyStack(), service("svc", { isolation: "process" })), container("ctr", { image: "contoso/tool:latest" }));
    const e = await pack.run(stack, { all: "advisory", "pinned-image": { enforcementLevel: "mandatory" } }, { allowWeakened: true });
    expect(e.diagnostics.map((d) => [d.policyName, d.enforcementLevel]).sort()).toEqual([
        ["pinned-image", "mandatory"],
        ["untrusted-requires-hyperv", "advisory"],
    ]);
});
