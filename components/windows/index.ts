/** Pure Windows container knowledge: the one source of truth for components, policies and tools. */
export * from "./builds";
export * from "./imageReference";
export * from "./compatibility";
export * from "./isolation";
export * from "./labels";
export * from "./vmSizeSeries";
export * from "./vmSizes";
export * from "./networkSources";
export * from "./attestation";
export * from "./attestationRules";
export * from "./network";
export * from "./workloadRules";
export * from "./placement";
export * from "./capacity";
export * from "./swarmPool";
