/** The name hosts we build give the guard: its plugin spec file and daemon.json `authorization-plugins`. */
export const GUARD_PLUGIN_NAME = "windows-isolation-guard";
/** The guard's listen address on Windows hosts (the bootstrap's and `guard install`'s default), as the spec file and `--listen` write it. */
export const GUARD_PIPE_ADDRESS = `npipe:////./pipe/${GUARD_PLUGIN_NAME}`;
