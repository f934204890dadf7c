/**
 * daemon.json with the guard named in `authorization-plugins`: every other key kept as it was
 * (order included), the plugin added once, a file that already names it left unchanged. A file
 * dockerd itself would refuse (not a JSON object, an `authorization-plugins` or `exec-opts` that
 * is no list of strings) is a problem, never overwritten.
 */
import { DaemonDefaultIsolation, daemonDefaultIsolation } from "../../../rules/guard/daemonDefaultIsolation";

export const AUTHZ_KEY = "authorization-plugins";

export interface MergedDaemonJson {
    /** The file's new text (2-space JSON, one trailing newline), or undefined when nothing changes. */
    readonly text: string | undefined;
    /** The plugins the daemon will ask, in order. */
    readonly plugins: readonly string[];
    /** The default isolation the file's exec-opts set, if any. */
    readonly defaultIsolation: DaemonDefaultIsolation | undefined;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** `existing` is the file's text, or undefined when there is no file yet (dockerd's defaults). */
export function withGuardPlugin(file: string, existing: string | undefined, plugin: string): { ok: true; merged: MergedDaemonJson } | { ok: false; problem: string } {
    let config: unknown = {};
    if (existing !== undefined && existing.trim() !== "") {
        try {
            // A byte order mark makes dockerd refuse the file; JSON.parse refuses it too.
            config = JSON.parse(existing);
        } catch {
            return { ok: false, problem: `--daemon-json ${file}: not JSON (dockerd would not start with it either); fix the file first` };
        }
    }
    if (config === null || typeof config !== "object" || Array.isArray(config)) return { ok: false, problem: `--daemon-json ${file}: must hold a JSON object; fix the file first` };
    const c = config as Record<string, unknown>;
    const plugins = c[AUTHZ_KEY];
    if (plugins !== undefined && !isStringList(plugins)) return { ok: false, problem: `--daemon-json ${file}: ${AUTHZ_KEY} ${JSON.stringify(plugins)} is not a list of plugin names; fix the file first` };
    const execOpts = c["exec-opts"];
    if (execOpts !== undefined && !isStringList(execOpts)) return { ok: false, problem: `--daemon-json ${file}: exec-opts ${JSON.stringify(execOpts)} is not a list of strings; fix the file first` };
    const defaultIsolation = daemonDefaultIsolation(execOpts ?? []);
    const before = plugins ?? [];
    if (before.includes(plugin)) return { ok: true, merged: { text: undefined, plugins: before, defaultIsolation } };
    const after = [...before, plugin];
    return { ok: true, merged: { text: `${JSON.stringify({ ...c, [AUTHZ_KEY]: after }, null, 2)}\n`, plugins: after, defaultIsolation } };
}
