/** Resource types the policies look at, by the token the engine sends (no SDK class needed). */
export {
    DOCKER_BUILDX_BUILDER_TYPE,
    DOCKER_CONTAINER_TYPE,
    DOCKER_IMAGE_TYPE,
    DOCKER_PLUGIN_TYPE,
    DOCKER_PROVIDER_TYPE,
    DOCKER_REGISTRY_IMAGE_TYPE,
    DOCKER_REMOTE_IMAGE_TYPE,
    DOCKER_SERVICE_TYPE,
} from "../rules";
export const AZURE_VM_TYPE = "azure-native:compute:VirtualMachine";
export const AZURE_NSG_TYPE = "azure-native:network:NetworkSecurityGroup";
export const AZURE_SECURITY_RULE_TYPE = "azure-native:network:SecurityRule";

/** The components' own tokens live with their summaries in rules/ (one contract for writers and readers). */
export { HOST_COMPONENT_TYPES, WINDOWS_CONTAINER_TYPE } from "../rules";
