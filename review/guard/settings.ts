/**
 * The guard's settings file (`--settings file.json`). Every field is optional and every default
 * fails closed: no stated daemon default (an unset isolation is judged as unset), nobody may
 * create trusted workloads, no plugin installs, no swarm joins (not even local ones). Unknown fields are an error, so a
 * misspelt `trustedIdentites` cannot silently leave the defaults in place.
 */
import * as fs from "node:fs";
import type { IsolationMode } from "../../rules/os/compatibility";

export interface GuardSettings {
    /**
     * What the daemon applies when a request leaves the isolation unset or `default` (daemon.json
     * `exec-opts: ["isolation=hyperv"]` on the hosts this project builds). Unstated: unknown, so
     * untrusted work must say `hyperv` itself.
     */
    readonly daemonDefaultIsolation?: IsolationMode;
    /**
     * Client identities (the TLS client certificate's common name, which the daemon passes as
     * `User`) that may create workloads labelled trusted, and with them process isolation.
     */
    readonly trustedIdentities: readonly string[];
    /**
     * Whether requests without a TLS identity (the named pipe or unix socket, which only
     * administrators can open) may create trusted workloads. Default false.
     */
    readonly localTrusted: boolean;
    /** Allow `POST /plugins/pull|create|{name}/upgrade|{name}/set` (managed plugins run privileged). */
    readonly allowPluginInstall: boolean;
    /** Allow `POST /swarm/join` (a node that joins runs whatever the managers schedule). */
    readonly allowSwarmJoin: boolean;
    /**
     * Allow `POST /swarm/join` from callers without a TLS identity only (the named pipe, which
     * only SYSTEM and administrators can open): a pool node's bootstrap joins its pool's swarm
     * that way, while a client certificate (a CI job's) still cannot move the node to a swarm of
     * its own choosing. Implied by allowSwarmJoin.
     */
    readonly allowLocalSwarmJoin: boolean;
    /** File the audit lines are appended to; stderr when unset. */
    readonly auditLog?: string;
    /** Size at which the audit file is rotated (to `<file>.1`). */
    readonly auditMaxBytes: number;
}

export const DEFAULT_SETTINGS: GuardSettings = {
    trustedIdentities: [],
    localTrusted: false,
    allowPluginInstall: false,
    allowSwarmJoin: false,
    allowLocalSwarmJoin: false,
    auditMaxBytes: 10 * 1024 * 1024,
};

const FIELDS = ["daemonDefaultIsolation", "trustedIdentities", "localTrusted", "allowPluginInstall", "allowSwarmJoin", "allowLocalSwarmJoin", "auditLog", "auditMaxBytes"];

/** Settings from parsed JSON, or every problem (field, value, fix) at once. */
export function parseSettings(json: unknown): { ok: true; settings: GuardSettings } | { ok: false; problems: string[] } {
    if (json === null || typeof json !== "object" || Array.isArray(json)) return { ok: false, problems: ["the settings file must hold a JSON object"] };
    const s = json as Record<string, unknown>;
    const problems: string[] = [];
    for (const k of Object.keys(s)) if (!FIELDS.includes(k)) problems.push(`unknown field '${k}'; use ${FIELDS.join(", ")}`);
    const d = s.daemonDefaultIsolation;
    if (d !== undefined && d !== "hyperv" && d !== "process") problems.push(`daemonDefaultIsolation ${JSON.stringify(d)} is not an isolation mode; use 'hyperv' (daemon.json exec-opts isolation=hyperv) or leave it out`);
    const ids = s.trustedIdentities;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => typeof i === "string" && i !== ""))) problems.push(`trustedIdentities ${JSON.stringify(ids)} must be a list of client certificate common names`);
    for (const b of ["localTrusted", "allowPluginInstall", "allowSwarmJoin", "allowLocalSwarmJoin"]) {
        if (s[b] !== undefined && typeof s[b] !== "boolean") problems.push(`${b} ${JSON.stringify(s[b])} must be true or false`);
    }
    if (s.auditLog !== undefined && (typeof s.auditLog !== "string" || s.auditLog === "")) problems.push(`auditLog ${JSON.stringify(s.auditLog)} must be a file path`);
    const max = s.auditMaxBytes;
    if (max !== undefined && !(typeof max === "number" && Number.isInteger(max) && max >= 4096)) problems.push(`auditMaxBytes ${JSON.stringify(max)} must be a whole number of bytes, at least 4096`);
    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        settings: {
            ...DEFAULT_SETTINGS,
            ...(d !== undefined ? { daemonDefaultIsolation: d as IsolationMode } : {}),
            ...(ids !== undefined ? { trustedIdentities: ids as string[] } : {}),
            ...(s.localTrusted !== undefined ? { localTrusted: s.localTrusted as boolean } : {}),
            ...(s.allowPluginInstall !== undefined ? { allowPluginInstall: s.allowPluginInstall as boolean } : {}),
            ...(s.allowSwarmJoin !== undefined ? { allowSwarmJoin: s.allowSwarmJoin as boolean } : {}),
            ...(s.allowLocalSwarmJoin !== undefined ? { allowLocalSwarmJoin: s.allowLocalSwarmJoin as boolean } : {}),
            ...(s.auditLog !== undefined ? { auditLog: s.auditLog as string } : {}),
            ...(max !== undefined ? { auditMaxBytes: max as number } : {}),
        },
    };
}

/** The settings file as the guard reads it (`--settings`), or one line naming the file and every problem. */
export function loadSettings(file: string | undefined): { ok: true; settings: GuardSettings } | { ok: false; problem: string } {
    if (file === undefined) return { ok: true, settings: DEFAULT_SETTINGS };
    let json: unknown;
    try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        return { ok: false, problem: `--settings ${file}: ${e instanceof SyntaxError ? "not JSON" : (e as Error).message}` };
    }
    const parsed = parseSettings(json);
    return parsed.ok ? parsed : { ok: false, problem: `--settings ${file}: ${parsed.problems.join("; ")}` };
}
