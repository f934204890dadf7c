/**
 * The guard's files on a host this project builds, generated from the same sources as the rest
 * of the bootstrap: the settings state the daemon default that daemon.json really sets (read from
 * daemonConfig's exec-opts, one source), the spec file names the guard's named pipe, and the
 * daemon.json with the guard lists it in `authorization-plugins`. bundleFiles (index.ts) delivers
 * them when the bootstrap material has a `guard`; phase 2 installs Node.js and starts the guard
 * before dockerd (docs/guard.md).
 */
import { daemonDefaultIsolation, DaemonDefaultIsolation } from "../../../rules/guard/daemonDefaultIsolation";
import { GUARD_PIPE_ADDRESS, GUARD_PLUGIN_NAME } from "../../../rules/guard/plugin";
import { DaemonConfig, daemonConfig, HOST_CERT_DIR } from "./index";

/** Where dockerd looks for plugin spec files on Windows (moby pkg/plugins/discovery_windows.go). */
export const GUARD_SPEC_PATH = `C:\\ProgramData\\docker\\plugins\\${GUARD_PLUGIN_NAME}.spec`;

/** The daemon default isolation a daemon.json sets (`exec-opts: ["isolation=<mode>"]`), if any: the guard's own rule. */
export function configuredDefaultIsolation(config: Pick<DaemonConfig, "exec-opts">): DaemonDefaultIsolation | undefined {
    return daemonDefaultIsolation(config["exec-opts"]);
}

/**
 * The guard's settings.json for a host: its daemon default from daemon.json, the identities that
 * may create trusted work, and whether the host joins a swarm from its own bootstrap.
 *
 * A pool node that waits to be joined (swarm role `join`) is joined by the pool's swarm-join Run
 * Command through the local engine, after the guard is running: it gets `allowLocalSwarmJoin`,
 * which admits a join from the named pipe only (SYSTEM and administrators), never from a client
 * certificate. Safer than `allowSwarmJoin` (a CI certificate could then leave the pool and join
 * the node to a swarm of its own, whose managers start anything there unjudged) and than joining
 * before the guard is named in daemon.json (the engine would listen on 2376 unguarded until then).
 */
export function guardHostSettings(trustedIdentities: readonly string[] = [], config: DaemonConfig = daemonConfig(), joinsSwarm = false): string {
    const d = configuredDefaultIsolation(config);
    return JSON.stringify({
        ...(d === undefined ? {} : { daemonDefaultIsolation: d }),
        trustedIdentities,
        localTrusted: false,
        allowPluginInstall: false,
        allowSwarmJoin: false,
        allowLocalSwarmJoin: joinsSwarm,
        auditLog: "C:\\ProgramData\\windows-isolation\\guard-audit.log",
    }, null, 2) + "\n";
}

/** The plugin spec file's content: the address, one line. */
export const guardSpecFile = (): string => `${GUARD_PIPE_ADDRESS}\n`;

/** daemon.json with the guard as its authorization plugin (dockerd then refuses to start without it). */
export function guardedDaemonConfig(certDir: string = HOST_CERT_DIR): DaemonConfig & { readonly "authorization-plugins": readonly string[] } {
    return { ...daemonConfig(certDir), "authorization-plugins": [GUARD_PLUGIN_NAME] };
}
