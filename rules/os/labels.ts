/** Docker labels every workload carries; `verify` and the policies read them back. */
export const LABEL_PREFIX = "windows-isolation.";
export const TRUST_LABEL = "windows-isolation.trust";
export const ISOLATION_LABEL = "windows-isolation.isolation";
export const WORKLOAD_LABEL = "windows-isolation.workload";

/** Azure tag that marks a VM as a container host whose daemon defaults to Hyper-V isolation. */
export const CONTAINER_HOST_TAG = "windows-isolation:container-host";

/** Whether a user label would shadow one of ours. */
export function isReservedLabel(key: string): boolean {
    return key.startsWith(LABEL_PREFIX);
}

/** Swarm node label: the node's Windows build (e.g. "20348"); placement constraints compare it. */
export const NODE_OS_BUILD_LABEL = "windows-isolation.os-build";
/** Swarm node label: "true" when the node can run Hyper-V isolated containers, else "false". */
export const NODE_HYPERV_LABEL = "windows-isolation.hyperv";
