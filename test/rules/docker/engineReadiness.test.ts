import { EngineReadinessExpectation, judgeEngineReadiness } from "../../../rules";

// What `GET /info` of a bootstrapped Windows Server 2022 host looks like (the fields read here).
const windowsInfo = {
    OSType: "windows",
    ServerVersion: "27.3.1",
    KernelVersion: "10.0 20348 (20348.1.amd64fre.fe_release.210507-1500)",
    Isolation: "hyperv",
    Swarm: { LocalNodeState: "active" },
};
const host: EngineReadinessExpectation = { serverVersion: "27.3.1", osBuild: 20348, defaultIsolation: "hyperv", swarmActive: true };

test("a host that runs the pinned engine on the image's build, Hyper-V by default, in an active swarm is ready", () => {
    expect(judgeEngineReadiness(windowsInfo, host)).toEqual({
        ready: true,
        facts: { serverVersion: "27.3.1", osBuild: 20348, defaultIsolation: "hyperv", reportedIsolation: "hyperv", swarmState: "active" },
    });
});

test.each([
    ["process isolation by default (exec-opts dropped)", { Isolation: "process" }, /default isolation 'process', not 'hyperv'/],
    ["no isolation reported", { Isolation: undefined }, /default isolation '', not 'hyperv'/],
    ["another version", { ServerVersion: "26.1.0" }, /version '26\.1\.0', not 27\.3\.1/],
    ["another build", { KernelVersion: "10.0 26100 (26100.1.amd64fre.ge_release.240331-1435)" }, /Windows build 26100, not build 20348/],
    ["an unreadable kernel version", { KernelVersion: "" }, /KernelVersion '' with no Windows build in it/],
    ["a swarm not yet active", { Swarm: { LocalNodeState: "inactive" } }, /swarm state 'inactive', not 'active'/],
    ["no swarm at all", { Swarm: null }, /swarm state '', not 'active'/],
    ["a Linux engine", { OSType: "linux", Isolation: "" }, /OSType 'linux' \(no Windows build\), not build 20348; no Windows default isolation \(OSType 'linux', Isolation ''\), not 'hyperv'/],
])("not ready: %s", (_what, change, reason) => {
    const verdict = judgeEngineReadiness({ ...windowsInfo, ...change }, host);
    expect(verdict.ready).toBe(false);
    expect(!verdict.ready && verdict.reason).toMatch(reason);
});

test("every mismatch is named at once", () => {
    const verdict = judgeEngineReadiness({ ...windowsInfo, ServerVersion: "1", Isolation: "process", Swarm: {} }, host);
    expect(!verdict.ready && verdict.reason).toBe("the engine reports version '1', not 27.3.1; default isolation 'process', not 'hyperv' (daemon.json's exec-opts); swarm state '', not 'active'");
});

test("a pool node waiting to be joined is ready with its swarm inactive", () => {
    expect(judgeEngineReadiness({ ...windowsInfo, Swarm: { LocalNodeState: "inactive" } }, { ...host, swarmActive: false }).ready).toBe(true);
});

test.each([null, [], "text", 42])("an answer that is not a JSON object (%j) is not ready", (info) => {
    expect(judgeEngineReadiness(info, host)).toEqual({ ready: false, reason: "GET /info answered with something that is not a JSON object" });
});
