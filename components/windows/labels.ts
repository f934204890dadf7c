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
