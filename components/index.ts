/**
 * Everything the components hold, for stacks/, bench/ and the tests. Internal: the package's
 * public API is ../index.ts, listed by name.
 */
export { PublishedPortRegistry } from "./host/host";
export type { SwarmCapacity, WindowsDockerHost, WindowsHostFacts } from "./host/host";
export * from "./host/existingDockerHost";
export * from "./workload/windowsContainer";
export { validateWindowsContainer } from "./workload/windowsContainerValidation";
export type { WindowsContainerPlan, WindowsContainerSpec } from "./workload/windowsContainerValidation";
export { PortProtocol } from "./workload/windowsContainerArgs";
export type { PublishedPort, RollingUpdate } from "./workload/windowsContainerArgs";
export * from "./azure/containerHost";
export * from "./azure/containerHostPool";
export { DEFAULT_DOCKER_RELEASE, checkDockerRelease, dockerStaticUrl } from "./azure/dockerRelease";
export type { DockerRelease } from "./azure/dockerRelease";
export { hostSecurityRules, poolSecurityRules } from "./azure/containerHostNetwork";
export type { HostSecurityRule } from "./azure/containerHostNetwork";
