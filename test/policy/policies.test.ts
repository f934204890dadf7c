/**
 * The pack as a whole, evaluated by the real pack (`policy/` started as the Pulumi CLI starts
 * it) over gRPC: its policies and levels, the happy stack every per-policy table starts from,
 * and the level config. Each policy's own cases are in test/policy/<policy>.test.ts.
 */
import { usePack } from "../helpers/policyPack";
import { container, happyStack, replace, service } from "../helpers/policyFactories";

const pack = usePack();

const POLICIES = ["untrusted-requires-hyperv", "untrusted-no-host-access", "workload-matches-component", "image-host-compatibility", "hyperv-host-nested-virtualization", "docker-api-tls-only", "pinned-image", "trusted-images"];

test("the pack describes its eight policies with their levels", async () => {
    const info = await pack().client.getAnalyzerInfo();
    expect(info.name).toBe("windows-isolation");
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
        ["untrusted-requires-hyperv", "mandatory"],
        ["untrusted-no-host-access", "mandatory"],
        ["workload-matches-component", "mandatory"],
        ["image-host-compatibility", "mandatory"],
        ["hyperv-host-nested-virtualization", "mandatory"],
        ["docker-api-tls-only", "mandatory"],
        ["pinned-image", "advisory"],
        ["trusted-images", "mandatory"],
    ]);
});

test("the happy stack has no finding from any policy", async () => {
    const e = await pack().run(happyStack());
    expect(e.diagnostics).toEqual([]);
    expect(e.suppressed).toEqual([]);
});

test("config can change a level, as with --policy-pack-config", async () => {
    const stack = replace(happyStack(), service("svc", { isolation: "process" }));
    // Lowering a mandatory policy is refused unless allowed (test/review/plan/weakenedPolicies.test.ts).
    const e = await pack().run(stack, { "untrusted-requires-hyperv": { enforcementLevel: "advisory" } }, { allowWeakened: true });
    expect(e.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([["untrusted-requires-hyperv", "advisory"]]);
    expect(e.weakened.map((w) => [w.policy, w.level, w.wouldFind.map((d) => d.enforcementLevel)])).toEqual([["untrusted-requires-hyperv", "advisory", ["mandatory"]]]);
    expect(POLICIES).toContain(e.diagnostics[0].policyName);
});

test("\"all\" sets every policy's level unless the policy sets its own, as the CLI does", async () => {
    const stack = replace(replace(happyStack(), service("svc", { isolation: "process" })), container("ctr", { image: "contoso/tool:latest" }));
    const e = await pack().run(stack, { all: "advisory", "pinned-image": { enforcementLevel: "mandatory" } }, { allowWeakened: true });
    expect(e.diagnostics.map((d) => [d.policyName, d.enforcementLevel]).sort()).toEqual([
        ["pinned-image", "mandatory"],
        ["untrusted-requires-hyperv", "advisory"],
    ]);
});
