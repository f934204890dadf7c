/** Docker resource types by the token the engine sends (no SDK class needed): read by the policies, the plan and the judged-input list. */
export const DOCKER_SERVICE_TYPE = "docker:index/service:Service";
export const DOCKER_CONTAINER_TYPE = "docker:index/container:Container";
export const DOCKER_REMOTE_IMAGE_TYPE = "docker:index/remoteImage:RemoteImage";
export const DOCKER_REGISTRY_IMAGE_TYPE = "docker:index/registryImage:RegistryImage";
export const DOCKER_IMAGE_TYPE = "docker:index/image:Image";
export const DOCKER_BUILDX_BUILDER_TYPE = "docker:index/buildxBuilder:BuildxBuilder";
export const DOCKER_PLUGIN_TYPE = "docker:index/plugin:Plugin";
export const DOCKER_PROVIDER_TYPE = "pulumi:providers:docker";
