/** trusted-identity: who may create trusted work at the engine. */
import { mayCreateTrusted, trustedIdentityProblem } from "../../../rules";

const grant = { trustedIdentities: ["ops-deployer"], localTrusted: false };

test("a named TLS identity may; another, an empty name or a local caller may not (unless localTrusted)", () => {
    expect(mayCreateTrusted({ user: "ops-deployer", authNMethod: "TLS" }, grant)).toBe(true);
    expect(mayCreateTrusted({ user: "ci", authNMethod: "TLS" }, grant)).toBe(false);
    expect(mayCreateTrusted({ user: "", authNMethod: "TLS" }, { ...grant, localTrusted: true })).toBe(false);
    expect(mayCreateTrusted({ user: "", authNMethod: "" }, grant)).toBe(false);
    expect(mayCreateTrusted({ user: "", authNMethod: "" }, { ...grant, localTrusted: true })).toBe(true);
    // A local caller is judged by localTrusted alone, whatever user name it claims.
    expect(mayCreateTrusted({ user: "ops-deployer", authNMethod: "" }, grant)).toBe(false);
});

test("only declared-trusted work needs the grant; the message names the caller and the fix", () => {
    expect(trustedIdentityProblem("untrusted", { user: "ci", authNMethod: "TLS" }, grant)).toBeUndefined();
    expect(trustedIdentityProblem("trusted", { user: "ci", authNMethod: "TLS" }, grant)).toMatch(/^client identity 'ci' \(TLS\) may not create workloads labelled windows-isolation.trust=trusted .*label the workload untrusted and run it with isolation 'hyperv'/);
    expect(trustedIdentityProblem("trusted", { user: "", authNMethod: "" }, grant)).toMatch(/^a local caller \(no TLS identity\) .*trustedIdentities, localTrusted/);
});
