/** windows-isolation: Windows containers whose isolation mode is a typed, enforced input. */
export { PublishedPortRegistry } from "./host";
export type { SwarmCapacity, WindowsDockerHost, WindowsHostFacts } from "./host";
export * from "./existingDockerHost";
export * from "./windowsContainer";
export { validateWindowsContainer } from "./windowsContainerValidation";
export type { WindowsContainerPlan, WindowsContainerSpec } from "./windowsContainerValidation";
export { PortProtocol } from "./windowsContainerArgs";
export type { PublishedPort, RollingUpdate } from "./windowsContainerArgs";
export * as windows from "./windows";
export * from "./containerHost";
export * from "./containerHostPool";
export { DEFAULT_DOCKER_RELEASE, checkDockerRelease, dockerStaticUrl } from "./dockerRelease";
export type { DockerRelease } from "./dockerRelease";
export { hostSecurityRules, poolSecurityRules } from "./containerHostNetwork";
export type { HostSecurityRule } from "./containerHostNetwork";
