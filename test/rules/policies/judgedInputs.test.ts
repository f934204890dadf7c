import { hiddenJudgedInputs, judgedInputPaths } from "../../../rules/policies/judgedInputs";

const SERVICE = "docker:index/service:Service";
const CONTAINER = "docker:index/container:Container";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const PROVIDER = "pulumi:providers:docker";

describe("ignoreChanges on any input a policy judges is found, from the policies' own list", () => {
    test.each<[string, string, string[]]>([
        [SERVICE, "taskSpec.containerSpec.mounts", ["taskSpec.containerSpec.mounts"]],
        [SERVICE, "taskSpec.containerSpec.privileges", ["taskSpec.containerSpec.privileges.credentialSpec"]],
        [SERVICE, "taskSpec.containerSpec.privileges.credentialSpec.file", ["taskSpec.containerSpec.privileges.credentialSpec"]],
        [SERVICE, "endpointSpec.ports[0].publishMode", ["endpointSpec.ports"]],
        [SERVICE, "taskSpec.placement.constraints", ["taskSpec.placement.constraints"]],
        [SERVICE, "taskSpec.containerSpec", ["taskSpec.containerSpec.labels", "taskSpec.containerSpec.isolation", "taskSpec.containerSpec.image", "taskSpec.containerSpec.mounts", "taskSpec.containerSpec.privileges.credentialSpec", "taskSpec.containerSpec.capAdds"]],
        [CONTAINER, "mounts", ["mounts"]],
        [CONTAINER, "volumes[0].hostPath", ["volumes"]],
        [CONTAINER, "devices", ["devices"]],
        [CONTAINER, "securityOpts", ["securityOpts"]],
        [CONTAINER, "privileged", ["privileged"]],
        [CONTAINER, "capabilities", ["capabilities.adds"]],
        [CONTAINER, "networkMode", ["networkMode"]],
        [CONTAINER, "pidMode", ["pidMode"]],
        [CONTAINER, "ipcMode", ["ipcMode"]],
        [CONTAINER, "usernsMode", ["usernsMode"]],
        [CONTAINER, "cgroupnsMode", ["cgroupnsMode"]],
        [CONTAINER, "volumes[1].fromContainer", ["volumes"]],
        [SERVICE, "taskSpec.containerSpec.capAdds", ["taskSpec.containerSpec.capAdds"]],
        [SERVICE, "taskSpec.networksAdvanceds", ["taskSpec.networksAdvanceds"]],
        [REMOTE_IMAGE, "build.builder", ["build.builder"]],
        [REMOTE_IMAGE, "build.useLegacyBuilder", ["build.useLegacyBuilder"]],
        [PROVIDER, "certPath", ["certPath"]],
        [PROVIDER, "context", ["context"]],
        [PROVIDER, "sshOpts", ["sshOpts"]],
        ["kubernetes:apps/v1:Deployment", "spec.template.metadata.labels", ["spec.template.metadata.labels"]],
        ["kubernetes:core/v1:Pod", "spec.nodeSelector", ["spec.nodeSelector"]],
        ["kubernetes:batch/v1:CronJob", "spec.jobTemplate", ["spec.jobTemplate.spec.template.metadata.labels", "spec.jobTemplate.spec.template.spec.nodeSelector"]],
        [SERVICE, "*", judgedInputPaths(SERVICE)],
    ])("%s ignoreChanges [%s]", (type, ignored, judged) => {
        expect(hiddenJudgedInputs(type, [ignored])).toEqual({ ignored: [ignored], judged });
    });
    test.each<[string, string]>([
        [SERVICE, "taskSpec.forceUpdate"],
        [SERVICE, "mode.replicated.replicas"],
        [CONTAINER, "restart"],
        [CONTAINER, "capabilities.drops"],
        [REMOTE_IMAGE, "build.context"],
        [PROVIDER, "registryAuth"],
        ["kubernetes:apps/v1:Deployment", "spec.replicas"],
        ["docker:index/network:Network", "labels"],
    ])("%s ignoreChanges [%s]: nothing judged", (type, ignored) => {
        expect(hiddenJudgedInputs(type, [ignored])).toEqual({ ignored: [], judged: [] });
    });
});
