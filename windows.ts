/**
 * The `windows` namespace of the public API (`import { windows } from "windows-isolation"`):
 * the pure rules a user calls directly, listed by name. The rest of rules/ (policy and verify
 * rules, NSG facts, capacity internals) is shared by the components, the policy pack and the
 * tools, and is not under the semver promise.
 */

// Isolation: trust, the decision for one host or a swarm of nodes, and what each mode can run.
export { decideIsolation, parseIsolation, parseTrust, Trust, TRUST_LEVELS } from "./rules/os/isolation";
export type { DecisionResult, FieldError, IsolationDecision, IsolationRequest, Parsed } from "./rules/os/isolation";
export { ISOLATION_MODES, IsolationMode, isolationSupport, osIsolationSupport } from "./rules/os/compatibility";
export type { IsolationSupport, ModeSupport, OsVersion } from "./rules/os/compatibility";
export { decidePoolIsolation, nodeLabels, placementConstraints } from "./rules/swarm/placement";
export type { PlacementResult, PoolNode } from "./rules/swarm/placement";
export { SwarmRole } from "./rules/swarm/swarmPool";

// Windows builds (named as hcsshim's osversion names them) and the build an image pins.
export { describeBuild, knownBuild, knownBuilds, LTSC_RELEASES, ltscBuild, ltscName, MIN_DOCKERD_HOST_BUILD, parseBuild, RS1, RS5, V21H2Server, V25H1Server } from "./rules/os/builds";
export type { KnownBuild, LtscName } from "./rules/os/builds";
export { imageOsBuild, imagePinning, parseImageReference } from "./rules/os/imageReference";
export type { ImageOsBuild, ImageReference, ParsedImageReference } from "./rules/os/imageReference";

// The labels and the tag the components set and the policies read.
export { CONTAINER_HOST_TAG, ISOLATION_LABEL, LABEL_PREFIX, NODE_HYPERV_LABEL, NODE_OS_BUILD_LABEL, TRUST_LABEL, WORKLOAD_LABEL } from "./rules/os/labels";

// Sizing: Azure VM sizes that can host Hyper-V containers, and the capacity check of a swarm.
export { checkHypervHostSize } from "./rules/azure/vmSizes";
export type { HypervHostSizeCheck, HypervHostSizeOptions, VmSizeFacts } from "./rules/azure/vmSizes";
export { checkPoolCapacity, HYPERV_UVM_OVERHEAD_MB, vmSizeCapacity } from "./rules/swarm/capacity";
export type { CapacityOptions, CapacityReport, NodeCapacity, WorkloadDemand } from "./rules/swarm/capacity";
