import { containerResourceProblem, untrustedIsolationProblem } from "../../../rules/policies/untrustedRequiresHyperv";
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
