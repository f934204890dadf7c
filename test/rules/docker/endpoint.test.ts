import { endpointNeedsTls, parseDockerEndpoint } from "../../../rules/docker/endpoint";
import { hostBuildProblem, MIN_DOCKERD_HOST_BUILD, RS1, RS5, V21H2Server, V25H1Server } from "../../../rules/os/builds";

describe("parseDockerEndpoint: Docker's -H grammar (moby opts/hosts.go), scheme required", () => {
    test.each<[string, unknown, ReturnType<typeof parseDockerEndpoint>]>([
        ["tcp with a name and the TLS port", "tcp://winhost.corp.example:2376", { ok: true, endpoint: { kind: "tcp", host: "winhost.corp.example", port: 2376 } }],
        ["tcp with a trailing slash (Docker keeps the empty path)", "tcp://h:2376/", { ok: true, endpoint: { kind: "tcp", host: "h", port: 2376 } }],
        ["tcp with an IPv6 literal", "tcp://[::1]:2376", { ok: true, endpoint: { kind: "tcp", host: "::1", port: 2376 } }],
        ["tcp with an IPv4-mapped IPv6 literal", "tcp://[::ffff:10.0.0.4]:2376", { ok: true, endpoint: { kind: "tcp", host: "::ffff:10.0.0.4", port: 2376 } }],
        ["tcp without a port (Docker would pick 2375)", "tcp://h", { ok: false, kind: "tcp" }],
        ["tcp without a host", "tcp://:2376", { ok: false, kind: "tcp" }],
        ["tcp with a base path", "tcp://h:2376/proxy", { ok: false, kind: "tcp" }],
        ["tcp with a port out of range", "tcp://h:70000", { ok: false, kind: "tcp", reason: "has port 70000, outside 1-65535" }],
        ["tcp with port 0", "tcp://h:0", { ok: false, kind: "tcp", reason: "has port 0, outside 1-65535" }],
        ["unix with an absolute path", "unix:///var/run/docker.sock", { ok: true, endpoint: { kind: "unix", socketPath: "/var/run/docker.sock" } }],
        ["unix with a relative path", "unix://relative.sock", { ok: false, kind: "unix", reason: "needs an absolute socket path, e.g. unix:///var/run/docker.sock" }],
        ["the local named pipe", "npipe:////./pipe/docker_engine", { ok: true, endpoint: { kind: "npipe", pipe: "//./pipe/docker_engine" } }],
        ["a remote named pipe", "npipe:////server1/pipe/docker_engine", { ok: true, endpoint: { kind: "npipe", pipe: "//server1/pipe/docker_engine" } }],
        ["npipe without the pipe path", "npipe://docker", { ok: false, kind: "npipe", reason: "is not a named pipe; use npipe:////./pipe/docker_engine" }],
        ["ssh with a user", "ssh://admin@h", { ok: true, endpoint: { kind: "ssh", destination: "admin@h" } }],
        ["ssh with a port", "ssh://h:22", { ok: true, endpoint: { kind: "ssh", destination: "h:22" } }],
        ["ssh with a path", "ssh://h/x", { ok: false, kind: "ssh" }],
        ["fd (systemd socket activation)", "fd://", { ok: true, endpoint: { kind: "fd", descriptor: "" } }],
        ["http is not a Docker scheme", "http://h:2375", { ok: false }],
        ["a bare host:port (Docker would read tcp)", "h:2376", { ok: false }],
        ["an upper-case scheme", "TCP://h:2376", { ok: false }],
        ["the empty string", "", { ok: false }],
        ["not a string", 2376, { ok: false }],
    ])("%s: %j", (_title, endpoint, expected) => {
        expect(parseDockerEndpoint(endpoint)).toEqual(expected);
    });
});

describe("endpointNeedsTls: only parsed local endpoints and ssh are exempt (fail closed)", () => {
    test.each<[string, boolean]>([
        ["tcp://h:2376", true],
        ["tcp://h:2376/", true],
        ["tcp://h:70000", true],
        ["http://h:2375", true],
        ["h:2376", true],
        ["TCP://h:2376", true],
        ["unix://relative.sock", true],
        ["unix:///var/run/docker.sock", false],
        ["npipe:////./pipe/docker_engine", false],
        ["ssh://admin@h", false],
        ["fd://", false],
    ])("%s: %s", (endpoint, needs) => {
        expect(endpointNeedsTls(endpoint)).toBe(needs);
    });
});

describe("hostBuildProblem: known and at least the oldest build Docker engines run on", () => {
    test("the constants carry hcsshim osversion's numbers", () => {
        expect([RS1, RS5, V21H2Server, V25H1Server]).toEqual([14393, 17763, 20348, 26100]);
        expect(MIN_DOCKERD_HOST_BUILD).toBe(RS5);
    });
    test.each<[unknown, string | undefined]>([
        [17763, undefined],
        [20348, undefined],
        [22621, undefined],
        [26100, undefined],
        [14393, "too-old"],
        [16299, "too-old"],
        [20350, "unknown"],
        [20348.5, "unknown"],
        ["20348", "unknown"],
        [undefined, "unknown"],
    ])("%j: %s", (build, kind) => {
        expect(hostBuildProblem(build)?.kind).toBe(kind);
    });
    test("the messages name the value, the rule and the fix", () => {
        expect(hostBuildProblem(14393)?.message).toBe("14393 (ltsc2016) is older than 17763 (ltsc2019), the oldest host current Docker engines run on; upgrade the host");
        expect(hostBuildProblem(20350)?.message).toBe("20350 is not a Windows build this project knows; use the host's real build, e.g. 17763 (ltsc2019), 20348 (ltsc2022), 26100 (ltsc2025)");
    });
});
