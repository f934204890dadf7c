/**
 * Policy gaps left after issue 13, through the real pack over gRPC: a container-host VM whose
 * size, security type or tags are not known during preview fails closed (a mandatory violation
 * naming the field), never the SDK's advisory "can't run policy during preview"; and a
 * component's service on another host's provider violates workload-matches-component.
 */
import { findingsOf, Pack, resource, startPack, urnOf } from "../helpers/policyPack";
import { componentService, happyStack, replace, vm } from "../helpers/policyFactories";

/** Pulumi's wire form of a value unknown during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const P = "hyperv-host-nested-virtualization";

let pack: Pack;
beforeAll(async () => {
    pack = await startPack();
}, 120_000);
afterAll(async () => {
    await pack?.stop();
});

describe("hyperv-host-nested-virtualization: unknown during preview is a violation", () => {
    test("vmSize unknown until deploy", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { vmSize: UNKNOWN }));
        const e = await pack.run(stack);
        expect(findingsOf(e, P, stack)).toEqual([["winhost-vm", expect.stringMatching(/^hardwareProfile.vmSize is not known until deploy, so the plan cannot show it has nested virtualization/)]]);
        expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
        expect(e.diagnostics.map((d) => d.message).join("\n")).not.toMatch(/during preview/);
    });
    test("securityType unknown until deploy", async () => {
        const stack = replace(happyStack(), vm("winhost-vm", { securityType: UNKNOWN }));
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/^securityProfile.securityType is not known until deploy, so the plan cannot show it is Standard/)]]);
    });
    test("the whole securityProfile unknown until deploy", async () => {
        const base = vm("winhost-vm");
        const stack = replace(happyStack(), { ...base, inputs: { ...base.inputs, securityProfile: UNKNOWN } });
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/^securityProfile.securityType is not known until deploy/)]]);
    });
    test("tags unknown until deploy: the VM may be a container host", async () => {
        const base = vm("winhost-vm");
        const stack = replace(happyStack(), { ...base, inputs: { ...base.inputs, tags: UNKNOWN } });
        expect(findingsOf(await pack.run(stack), P, stack)).toEqual([["winhost-vm", expect.stringMatching(/^tags are not known until deploy, so the plan cannot tell whether this VM is a container host/)]]);
    });
    test("a known size and no security type still pass", async () => {
        expect(findingsOf(await pack.run(happyStack()), P, happyStack())).toEqual([]);
    });
});

describe("workload-matches-component: the child deploys through its component's host's provider", () => {
    const W = "workload-matches-component";
    test("the happy stack's component service uses its host's provider: no finding", async () => {
        expect(findingsOf(await pack.run(happyStack()), W, happyStack())).toEqual([]);
    });
    test("the same service on a provider that belongs to no host component: violation", async () => {
        const rogue = resource("pulumi:providers:docker", "rogue", { host: "npipe:////./pipe/docker_engine" });
        const child = componentService();
        const stack = [...replace(happyStack(), { ...child, provider: rogue.urn }), rogue];
        expect(findingsOf(await pack.run(stack), W, stack)).toEqual([
            [child.name, expect.stringMatching(/deploys through a Docker provider that belongs to no host component, but WindowsContainer '.*' judged its isolation against host/)],
        ]);
    });
    test("two host components with the component's host name: ambiguous, a violation", async () => {
        const stack = happyStack();
        const host = stack.find((r) => r.type === "windows-isolation:index:ExistingDockerHost")!;
        const twin = { ...host, type: "windows-isolation:index:ContainerHost", urn: urnOf("windows-isolation:index:ContainerHost", host.name) };
        const withTwin = [...stack, twin];
        expect(findingsOf(await pack.run(withTwin), W, withTwin)).toEqual([[componentService().name, expect.stringMatching(/2 host components are named '.*', so the plan cannot tell which one/)]]);
    });
});
