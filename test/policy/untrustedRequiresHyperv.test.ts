/**
 * untrusted-requires-hyperv, evaluated by the real pack over gRPC: each case changes the happy
 * stack once and names every finding the policy must report.
 */
import { policyTable, resource } from "../helpers/policyPack";
import { added, container, happyStack, PROVIDER_URN, remoteImage, replaced, service, trustLabels, UNKNOWN, vm, windowsContainer } from "../helpers/policyFactories";

const P = "untrusted-requires-hyperv";
const svc = service("svc");

policyTable(P, [
    {
        name: "raw docker.Service, untrusted + process: violation naming the resource",
        stack: replaced(service("svc", { isolation: "process" })),
        findings: [["svc", expect.stringMatching(/trust 'untrusted' requires isolation 'hyperv', got 'process'/)]],
    },
    {
        name: "isolation missing: violation (the daemon would choose)",
        stack: replaced(service("svc", { isolation: undefined })),
        findings: [["svc", expect.stringMatching(/isolation is not set/)]],
    },
    {
        name: "isolation 'default': violation",
        stack: replaced(service("svc", { isolation: "default" })),
        findings: [["svc", expect.stringMatching(/'default' hands the choice to the Docker daemon/)]],
    },
    {
        name: "no trust label + process: untrusted, violation",
        stack: replaced(service("svc", { isolation: "process" }, undefined)),
        findings: [["svc", expect.stringMatching(/got 'process'/)]],
    },
    {
        name: "trusted label + process: no violation",
        stack: replaced(service("svc", { isolation: "process" }, trustLabels("trusted"))),
        findings: [],
    },
    {
        name: "a trust label that is not a level: violation",
        stack: replaced(service("svc", {}, trustLabels("mostly"))),
        findings: [["svc", expect.stringMatching(/trust 'mostly' is not a trust level/)]],
    },
    {
        name: "docker.Container not labelled trusted: violation",
        stack: replaced(container("ctr", { labels: [] })),
        findings: [["ctr", expect.stringMatching(/docker.Container cannot state an isolation mode/)]],
    },
    {
        name: "WindowsContainer inputs untrusted + process: violation",
        stack: replaced(windowsContainer("wc", { isolation: "process" })),
        findings: [["wc", expect.stringMatching(/got 'process'/)]],
    },
    {
        name: "isolation 'HyperV' is Hyper-V to Docker (lower-cased): no violation",
        stack: replaced(service("svc", { isolation: "HyperV" })),
        findings: [],
    },
    {
        name: "isolation 'PROCESS' is process to Docker: violation",
        stack: replaced(service("svc", { isolation: "PROCESS" })),
        findings: [["svc", expect.stringMatching(/got 'PROCESS' \(Docker reads it as 'process'\)/)]],
    },
    {
        name: "isolation 'Hyper-V' is not a mode Docker knows, so the daemon default: violation",
        stack: replaced(service("svc", { isolation: "Hyper-V" })),
        findings: [["svc", expect.stringMatching(/'Hyper-V' is not an isolation mode Docker knows, so Docker applies the daemon default/)]],
    },
    {
        name: "preview: isolation unknown until deploy is a mandatory violation, not the SDK's advisory",
        stack: replaced(service("svc", { isolation: UNKNOWN })),
        findings: [["svc", expect.stringMatching(/isolation is not known until deploy/)]],
        also: (e) => expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory"]),
    },
    {
        name: "preview: a containerSpec unknown until deploy: violation",
        stack: replaced({ ...svc, inputs: { ...svc.inputs, taskSpec: { containerSpec: UNKNOWN } } }),
        findings: [["svc", expect.stringMatching(/isolation is not known until deploy/)]],
    },
    {
        name: "preview: a trust label value unknown until deploy counts as untrusted: process is a violation",
        stack: replaced(service("svc", { isolation: "process" }, trustLabels(UNKNOWN))),
        findings: [["svc", expect.stringMatching(/got 'process'/)]],
    },
    {
        name: "preview: WindowsContainer isolation unknown until deploy: violation",
        stack: replaced(windowsContainer("wc", { isolation: UNKNOWN })),
        findings: [["wc", expect.stringMatching(/isolation is not known until deploy/)]],
    },
    {
        name: "docker.RemoteImage build of an unlabelled context in process isolation: violation",
        stack: replaced(remoteImage("img", { context: "./app", isolation: "process", useLegacyBuilder: true })),
        findings: [["img", expect.stringMatching(/requires build.isolation 'hyperv', got 'process'/)]],
    },
    {
        name: "docker.RemoteImage build with no isolation: violation (the daemon default)",
        stack: replaced(remoteImage("img", { context: "./app", useLegacyBuilder: true })),
        findings: [["img", expect.stringMatching(/build.isolation is not set/)]],
    },
    {
        name: "docker.RemoteImage build labelled trusted in process isolation: no violation",
        stack: replaced(remoteImage("img", { context: "./app", isolation: "process", labels: { "windows-isolation.trust": "trusted" } })),
        findings: [],
    },
    {
        name: "docker.RemoteImage without a build (a pull) runs no code: no violation",
        stack: replaced(remoteImage("img", undefined)),
        findings: [],
    },
    {
        name: "docker.RegistryImage build 'Process', unlabelled: violation",
        stack: added(remoteImage("push", { context: "./app", isolation: "Process", useLegacyBuilder: true }, "docker:index/registryImage:RegistryImage")),
        findings: [["push", expect.stringMatching(/got 'Process' \(Docker reads it as 'process'\)/)]],
    },
    {
        name: "docker.RemoteImage build 'hyperv' without useLegacyBuilder may go through buildx (isolation is the network mode there): violation",
        stack: replaced(remoteImage("img", { context: "./app", isolation: "hyperv" })),
        findings: [["img", expect.stringMatching(/build.useLegacyBuilder is not true, so the provider may build with buildx/)]],
    },
    {
        name: "docker.RegistryImage build through a named buildx builder: violation",
        stack: added(remoteImage("push", { context: "./app", isolation: "hyperv", useLegacyBuilder: true, builder: "winbuilder" }, "docker:index/registryImage:RegistryImage")),
        findings: [["push", expect.stringMatching(/build.builder 'winbuilder' sends it to a buildx builder/)]],
    },
    {
        name: "a docker.BuildxBuilder: violation (BuildKit, no Windows isolation, no trust label)",
        stack: added(resource("docker:index/buildxBuilder:BuildxBuilder", "winbuilder", { name: "winbuilder", driver: "docker-container" }, { provider: PROVIDER_URN })),
        findings: [["winbuilder", expect.stringMatching(/docker.BuildxBuilder runs BuildKit/)]],
    },
    {
        name: "a docker.Plugin: violation (runs on the engine host outside any isolation)",
        stack: added(resource("docker:index/plugin:Plugin", "sshfs", { name: "vieux/sshfs:latest", grantAllPermissions: true }, { provider: PROVIDER_URN })),
        findings: [["sshfs", expect.stringMatching(/docker.Plugin installs a managed plugin/)]],
    },
    {
        name: "an unlabelled Kubernetes Pod: violation",
        stack: added(resource("kubernetes:core/v1:Pod", "job-pod", { metadata: { name: "job-pod" }, spec: { containers: [{ name: "c", image: "mcr.microsoft.com/windows/servercore:ltsc2022" }] } })),
        findings: [["job-pod", expect.stringMatching(/^a Kubernetes Pod whose pods are not labelled windows-isolation.trust=trusted/)]],
    },
    {
        name: "a Kubernetes Deployment whose pods are unlabelled: violation naming spec.template",
        stack: added(resource("kubernetes:apps/v1:Deployment", "web", { spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [] } } } })),
        findings: [["web", expect.stringMatching(/\(spec.template.metadata.labels\)/)]],
    },
    {
        name: "a Kubernetes Deployment with trusted pods, and an untrusted Job pinned to Linux nodes: no violation",
        stack: added(
            resource("kubernetes:apps/v1:Deployment", "ops", { spec: { template: { metadata: { labels: { "windows-isolation.trust": "trusted" } }, spec: { containers: [] } } } }),
            resource("kubernetes:batch/v1:Job", "lint", { spec: { template: { spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [] } } } }),
        ),
        findings: [],
    },
    {
        name: "docker.Image with a build cannot state an isolation: violation",
        stack: added(resource("docker:index/image:Image", "built", { imageName: "registry.example/built:1", build: { context: "./app" } }, { provider: PROVIDER_URN })),
        findings: [["built", expect.stringMatching(/docker.Image build cannot state an isolation mode/)]],
    },
    {
        name: "not applicable to a VM, as the analyzer reports it",
        stack: happyStack(),
        findings: [],
        also: (e) => expect(e.notApplicable).toContainEqual({ policyName: P, reason: expect.stringMatching(/applies to windows-isolation:index:WindowsContainer/), urn: vm().urn }),
    },
]);
