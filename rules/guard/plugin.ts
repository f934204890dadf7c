/** The name hosts we build give the guard: its plugin spec file and daemon.json `authorization-plugins`. */
export const GUARD_PLUGIN_NAME = "windows-isolation-guard";
