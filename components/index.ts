/** windows-isolation: Windows containers whose isolation mode is a typed, enforced input. */
export * from "./host";
export * from "./existingDockerHost";
export * from "./windowsContainer";
export { PublishedPort, validateWindowsContainer, WindowsContainerPlan, WindowsContainerSpec } from "./windowsContainerValidation";
export * as windows from "./windows";
