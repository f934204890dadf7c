/**
 * windows-isolation's public API, listed by name: every name here is under the semver promise,
 * and test/package/exports.test.ts compares the built package's export keys with
 * test/package/public-api.json, so adding one is a decision. Everything else (argument
 * resolution, node planning, NSG rules, policy and verify rules) is internal and may change.
 */

// The workload.
export { WindowsContainer } from "./components/workload/windowsContainer";
export type { WindowsContainerArgs } from "./components/workload/windowsContainer";
export { PortProtocol } from "./components/workload/windowsContainerArgs";
export type { PublishedPort, RollingUpdate } from "./components/workload/windowsContainerArgs";

// The host contract: what a workload needs of its host, and an engine you already run.
export { PublishedPortRegistry } from "./components/host/host";
export type { SwarmCapacity, WindowsDockerHost, WindowsHostFacts } from "./components/host/host";
export { ExistingDockerHost } from "./components/host/existingDockerHost";
export type { ExistingDockerHostArgs } from "./components/host/existingDockerHost";

// Azure hosts: one VM, or a swarm pool of VMs.
export { CONTAINER_HOST_TAG_VALUE, ContainerHost } from "./components/azure/containerHost";
export { WindowsServerVersion } from "./components/azure/containerHostArgs";
export type { ContainerHostArgs, PublicEndpointArgs } from "./components/azure/containerHostArgs";
export { ContainerHostPool } from "./components/azure/containerHostPool";
export type { PoolNodeOutputs } from "./components/azure/containerHostPool";
export type { ContainerHostPoolArgs, PoolHostSpec } from "./components/azure/containerHostPoolArgs";
export { DEFAULT_DOCKER_RELEASE } from "./components/azure/dockerRelease";
export type { DockerRelease } from "./components/azure/dockerRelease";

// The rules a user calls directly (isolation decision, compatibility, builds, labels, sizes).
export * as windows from "./windows";
