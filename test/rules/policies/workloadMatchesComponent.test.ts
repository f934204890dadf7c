import { componentChildProblems } from "../../../rules/policies/workloadMatchesComponent";
import { trustFromLabels } from "../../../rules/policies/labelTrust";

describe("componentChildProblems", () => {
    const wc = { name: "wc", trust: "untrusted", isolation: "hyperv" };
    const untrusted = trustFromLabels([{ label: "windows-isolation.trust", value: "untrusted" }]);
    test("the component's own service with its decision: no problem ('HyperV' is hyperv to Docker)", () => {
        expect(componentChildProblems(wc, { kind: "docker.Service", name: "wc-service", direct: true, isolation: "HyperV", trust: untrusted })).toEqual([]);
    });
    test("the same name one level deeper is an extra service", () => {
        expect(componentChildProblems(wc, { kind: "docker.Service", name: "wc-service", direct: false, isolation: "hyperv", trust: untrusted })).toEqual([expect.stringMatching(/an extra docker.Service/)]);
    });
    test("an unlabelled service under a trusted component differs too", () => {
        const trusted = { name: "wc", trust: "trusted", isolation: "process" };
        expect(componentChildProblems(trusted, { kind: "docker.Service", name: "wc-service", direct: true, isolation: "process", trust: trustFromLabels(undefined) })).toEqual([expect.stringMatching(/trust label windows-isolation.trust 'untrusted' differs/)]);
    });
});
