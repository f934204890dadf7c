/** The guard's host files, from the bootstrap's sources; each read back by the guard's own parsers. */
import { guardedDaemonConfig, guardHostSettings, guardSpecFile, configuredDefaultIsolation, GUARD_SPEC_PATH } from "../../../../components/azure/bootstrap/guard";
import { daemonConfig, WINDOWS_DAEMON_CONFIG_KEYS } from "../../../../components/azure/bootstrap";
import { checkNodeRelease, DEFAULT_NODE_RELEASE, nodeWindowsUrl } from "../../../../components/azure/nodeRelease";
import { parseListenAddress } from "../../../../review/guard/address";
import { parseSettings } from "../../../../review/guard/settings";

test("the settings state the daemon default daemon.json sets, and parse as the guard reads them", () => {
    const parsed = parseSettings(JSON.parse(guardHostSettings(["ops-deployer"])));
    expect(parsed).toMatchObject({ ok: true, settings: { daemonDefaultIsolation: "hyperv", trustedIdentities: ["ops-deployer"], localTrusted: false } });
    expect(configuredDefaultIsolation(daemonConfig())).toBe("hyperv");
    // A daemon.json without the option states nothing: the guard then judges unset isolation as unset.
    expect(JSON.parse(guardHostSettings([], { ...daemonConfig(), "exec-opts": [] }))).not.toHaveProperty("daemonDefaultIsolation");
    // A node the pool joins to its swarm may be joined through the local pipe only, never over TLS.
    const joining = parseSettings(JSON.parse(guardHostSettings(["ops-deployer"], daemonConfig(), true)));
    expect(joining).toMatchObject({ ok: true, settings: { allowSwarmJoin: false, allowLocalSwarmJoin: true } });
    expect(parseSettings(JSON.parse(guardHostSettings(["ops-deployer"])))).toMatchObject({ ok: true, settings: { allowSwarmJoin: false, allowLocalSwarmJoin: false, allowPluginInstall: false } });
});

test("the spec file names the guard's pipe under %ProgramData%\\docker\\plugins; daemon.json lists the plugin with known keys only", () => {
    expect(GUARD_SPEC_PATH).toBe("C:\\ProgramData\\docker\\plugins\\windows-isolation-guard.spec");
    expect(parseListenAddress(guardSpecFile().trim())).toMatchObject({ ok: true, address: { scheme: "npipe", pipe: "\\\\.\\pipe\\windows-isolation-guard" } });
    const config = guardedDaemonConfig();
    expect(config["authorization-plugins"]).toEqual(["windows-isolation-guard"]);
    expect(Object.keys(config).filter((k) => !WINDOWS_DAEMON_CONFIG_KEYS.includes(k))).toEqual([]);
});

test("the Node.js pin: exact version and digest; bad pins are named", () => {
    expect(checkNodeRelease(DEFAULT_NODE_RELEASE)).toEqual([]);
    expect(nodeWindowsUrl("22.21.1")).toBe("https://nodejs.org/dist/v22.21.1/node-v22.21.1-win-x64.zip");
    expect(checkNodeRelease({ version: "lts", sha256: "x", url: "http://x/y.zip" })).toHaveLength(3);
});
