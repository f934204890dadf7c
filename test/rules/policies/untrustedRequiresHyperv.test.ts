import { buildxBuilderProblem, containerResourceProblem, dockerPluginProblem, untrustedImageBuildProblem, untrustedIsolationProblem } from "../../../rules/policies/untrustedRequiresHyperv";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

describe("untrustedIsolationProblem", () => {
    test("untrusted passes only with explicit hyperv", () => {
        expect(untrustedIsolationProblem("untrusted", "hyperv")).toBeUndefined();
        expect(untrustedIsolationProblem("untrusted", "process")).toMatch(/got 'process'/);
        expect(untrustedIsolationProblem("untrusted", undefined)).toMatch(/not set/);
        expect(untrustedIsolationProblem("untrusted", "default")).toMatch(/'default' hands the choice to the Docker daemon/);
    });
    test("trusted workloads are not this rule's concern", () => {
        expect(untrustedIsolationProblem("trusted", "process")).toBeUndefined();
        expect(untrustedIsolationProblem("trusted", undefined)).toBeUndefined();
    });
    test("docker.Container: only trusted", () => {
        expect(containerResourceProblem("trusted")).toBeUndefined();
        expect(containerResourceProblem("untrusted")).toMatch(/cannot state an isolation mode/);
    });
});

describe("unknown values during preview", () => {
    test("untrusted with isolation unknown until deploy is a problem", () => {
        expect(untrustedIsolationProblem("untrusted", UNKNOWN_UNTIL_DEPLOY)).toMatch(/not known until deploy/);
    });
});

describe("untrustedImageBuildProblem: only the classic builder passes build.isolation to the daemon", () => {
    const legacy = { useLegacyBuilder: true, isolation: "hyperv" };
    test.each<[string, Record<string, unknown>, RegExp | undefined]>([
        ["useLegacyBuilder true + hyperv: Hyper-V isolated build", legacy, undefined],
        ["useLegacyBuilder true + process: the isolation rule", { ...legacy, isolation: "process" }, /requires build.isolation 'hyperv', got 'process'/],
        ["hyperv without useLegacyBuilder: may go through buildx, where isolation is the network mode", { isolation: "hyperv" }, /build.useLegacyBuilder is not true, so the provider may build with buildx .* passes build.isolation as the network mode/],
        ["useLegacyBuilder false", { isolation: "hyperv", useLegacyBuilder: false }, /build.useLegacyBuilder is not true/],
        ["useLegacyBuilder unknown until deploy", { isolation: "hyperv", useLegacyBuilder: UNKNOWN_UNTIL_DEPLOY }, /build.useLegacyBuilder is not known until deploy/],
        ["a named buildx builder, even beside useLegacyBuilder", { ...legacy, builder: "winbuilder" }, /build.builder 'winbuilder' sends it to a buildx builder, where build.isolation is only the network mode/],
        ["a builder unknown until deploy", { ...legacy, builder: UNKNOWN_UNTIL_DEPLOY }, /build.builder \(not known until deploy\) sends it to a buildx builder/],
        ["an empty builder is no builder", { ...legacy, builder: "" }, undefined],
    ])("untrusted: %s", (_, build, expected) => {
        const p = untrustedImageBuildProblem("untrusted", build);
        if (expected) expect(p).toMatch(expected);
        else expect(p).toBeUndefined();
    });
    test("a trusted build may use buildx and any isolation", () => {
        expect(untrustedImageBuildProblem("trusted", { builder: "winbuilder", isolation: "process" })).toBeUndefined();
    });
    test("buildx builders and engine plugins can never be shown isolated or trusted", () => {
        expect(buildxBuilderProblem()).toMatch(/BuildxBuilder runs BuildKit .* no build through it can state a Windows isolation/);
        expect(dockerPluginProblem()).toMatch(/docker.Plugin installs a managed plugin that runs on the engine host .* cannot be labelled trusted/);
    });
});
