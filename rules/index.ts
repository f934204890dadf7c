/**
 * Pure Windows container knowledge: the one source of truth for components, policies and tools.
 * Internal barrel; the part users may call is listed by name in ../windows.ts.
 */
export * from "./problems";
export * from "./os/builds";
export * from "./os/imageReference";
export * from "./os/compatibility";
export * from "./os/resolvedImage";
export * from "./os/isolation";
export * from "./os/labels";
export * from "./docker/endpoint";
export * from "./docker/sshOptions";
export * from "./docker/resourceTypes";
export * from "./docker/engineReadiness";
export * from "./azure/vmSizeSeries";
export * from "./azure/vmSizes";
export * from "./azure/networkSources";
export * from "./azure/createdSecurityType";
export * from "./attestation/attestation";
export * from "./attestation/attestationRules";
export * from "./attestation/imageBuild";
export * from "./attestation/witness";
export * from "./attestation/witnessHost";
export * from "./attestation/witnessFindings";
export * from "./attestation/tasks";
export * from "./attestation/statement";
export * from "./azure/network";
export * from "./policies/unknownValues";
export * from "./policies/labelTrust";
export * from "./policies/untrustedRequiresHyperv";
export * from "./policies/kubernetesWorkloads";
export * from "./policies/judgedInputs";
export * from "./policies/untrustedNoHostAccess";
export * from "./policies/untrustedHostPrivileges";
export * from "./guard/trustedIdentity";
export * from "./guard/plugin";
export * from "./policies/workloadMatchesComponent";
export * from "./policies/imageHostCompatibility";
export * from "./policies/hypervHostNestedVirtualization";
export * from "./policies/dockerApiTlsOnly";
export * from "./policies/pinnedImage";
export * from "./policies/resolvedImages";
export * from "./policies/trustedImages";
export * from "./policies/componentSummaries";
export * from "./swarm/placement";
export * from "./swarm/capacity";
export * from "./swarm/swarmPool";
