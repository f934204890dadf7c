import { sshOptionsProblems } from "../../../rules/docker/sshOptions";
import { dockerEndpointProblems } from "../../../rules/policies/dockerApiTlsOnly";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

describe("sshOptionsProblems: options that turn off ssh's host key check are violations", () => {
    test.each([
        [["-o", "StrictHostKeyChecking=no"], /sshOpts\[1\] 'StrictHostKeyChecking=no' lets ssh accept an engine host key it does not know \(StrictHostKeyChecking no\)/],
        [["-oStrictHostKeyChecking=no"], /sshOpts\[0\] .*StrictHostKeyChecking no/],
        [["-o StrictHostKeyChecking off"], /StrictHostKeyChecking off/],
        [["-o", "stricthostkeychecking=accept-new"], /StrictHostKeyChecking accept-new/],
        [["-o", "UserKnownHostsFile=/dev/null"], /sshOpts\[1\] 'UserKnownHostsFile=\/dev\/null' gives ssh no known host keys/],
        [["-oGlobalKnownHostsFile=none"], /gives ssh no known host keys/],
        [["-o", "UserKnownHostsFile=NUL"], /gives ssh no known host keys/],
        [["-F", "/tmp/ssh_config"], /sshOpts\[0\] '-F' makes ssh read a config file on the deploying machine/],
        [["-o", UNKNOWN_UNTIL_DEPLOY], /sshOpts\[1\] is not known until deploy/],
    ])("%j", (opts, expected) => {
        expect(sshOptionsProblems(opts)).toEqual([expect.stringMatching(expected)]);
    });
    test("options that keep the check pass: strict yes, a real known_hosts file, unrelated options", () => {
        expect(sshOptionsProblems(["-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/etc/ssh/engine_known_hosts", "-p", "2222", "-o", "ServerAliveInterval=30"])).toEqual([]);
        expect(sshOptionsProblems(undefined)).toEqual([]);
    });
    test("options not known until deploy, or not a list, fail closed", () => {
        expect(sshOptionsProblems(UNKNOWN_UNTIL_DEPLOY)).toEqual([expect.stringMatching(/^sshOpts is not known until deploy/)]);
        expect(sshOptionsProblems("-o StrictHostKeyChecking=no")).toEqual([expect.stringMatching(/^sshOpts is not a list/)]);
    });
    test("several weakening options: each reported", () => {
        expect(sshOptionsProblems(["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"])).toHaveLength(2);
    });
    test("docker-api-tls-only reports them on an ssh endpoint", () => {
        expect(dockerEndpointProblems({ host: "ssh://admin@h", sshOpts: ["-o", "StrictHostKeyChecking=no"] })).toEqual([expect.stringMatching(/StrictHostKeyChecking no/)]);
    });
});

test("stack config docker:sshOpts reaches a default provider as JSON text: read as the list it is", () => {
    expect(sshOptionsProblems('["-o","StrictHostKeyChecking=no"]')).toEqual([expect.stringMatching(/sshOpts\[1\] 'StrictHostKeyChecking=no'/)]);
});
