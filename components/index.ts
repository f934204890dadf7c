/** windows-isolation: Windows containers whose isolation mode is a typed, enforced input. */
export { PublishedPortRegistry } from "./host";
export type { WindowsDockerHost, WindowsHostFacts } from "./host";
export * from "./existingDockerHost";
export * from "./windowsContainer";
export { PortProtocol, validateWindowsContainer } from "./windowsContainerValidation";
export type { PublishedPort, WindowsContainerPlan, WindowsContainerSpec } from "./windowsContainerValidation";
export * as windows from "./windows";
