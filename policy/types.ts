/** Resource types the policies look at, by the token the engine sends (no SDK class needed). */
export const DOCKER_SERVICE_TYPE = "docker:index/service:Service";
export const DOCKER_CONTAINER_TYPE = "docker:index/container:Container";
export const DOCKER_REMOTE_IMAGE_TYPE = "docker:index/remoteImage:RemoteImage";
export const DOCKER_REGISTRY_IMAGE_TYPE = "docker:index/registryImage:RegistryImage";
export const DOCKER_IMAGE_TYPE = "docker:index/image:Image";
export const DOCKER_BUILDX_BUILDER_TYPE = "docker:index/buildxBuilder:BuildxBuilder";
export const DOCKER_PLUGIN_TYPE = "docker:index/plugin:Plugin";
export const DOCKER_PROVIDER_TYPE = "pulumi:providers:docker";
export const AZURE_VM_TYPE = "azure-native:compute:VirtualMachine";
export const AZURE_NSG_TYPE = "azure-native:network:NetworkSecurityGroup";
export const AZURE_SECURITY_RULE_TYPE = "azure-native:network:SecurityRule";

/** The components' own tokens live with their summaries in rules/ (one contract for writers and readers). */
export { HOST_COMPONENT_TYPES, WINDOWS_CONTAINER_TYPE } from "../rules";
