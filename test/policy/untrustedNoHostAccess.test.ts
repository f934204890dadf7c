/**
 * untrusted-no-host-access, evaluated by the real pack over gRPC: each case changes the happy
 * stack once and names every finding the policy must report.
 */
import { policyTable } from "../helpers/policyPack";
import { componentService, container, happyStack, replaced, service, trustLabels, UNKNOWN, vm } from "../helpers/policyFactories";

const P = "untrusted-no-host-access";
const pipe = { type: "npipe", source: "\\\\.\\pipe\\docker_engine", target: "\\\\.\\pipe\\docker_engine" };
const withInputs = (r: ReturnType<typeof service>, inputs: Record<string, unknown>) => ({ ...r, inputs: { ...r.inputs, ...inputs } });
const untrustedContainer = (inputs: Record<string, unknown>) => container("ctr", { labels: trustLabels("untrusted"), ...inputs });

policyTable(P, [
    {
        name: "raw docker.Service, untrusted + hyperv, the engine's pipe mounted: violation",
        stack: replaced(service("svc", { mounts: [pipe] })),
        findings: [["svc", expect.stringMatching(/^taskSpec.containerSpec.mounts\[0\] type "npipe" .* hands a host named pipe/)]],
        also: (e) => expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory"]),
    },
    {
        name: "no trust label: untrusted, a bind mount is a violation",
        stack: replaced(service("svc", { mounts: [{ type: "bind", source: "C:\\ProgramData\\docker", target: "C:\\d" }] }, undefined)),
        findings: [["svc", expect.stringMatching(/type "bind" source "C:\\\\ProgramData\\\\docker" binds a host path/)]],
    },
    {
        name: "the component's service with a mount a transform added: violation on the service",
        stack: replaced(componentService({ mounts: [pipe] })),
        findings: [["wc-service", expect.stringMatching(/hands a host named pipe/)]],
    },
    {
        name: "docker.Container untrusted, volumes hostPath: violation",
        stack: replaced(untrustedContainer({ volumes: [{ hostPath: "C:\\ProgramData\\docker\\certs.d", containerPath: "C:\\certs" }] })),
        findings: [["ctr", expect.stringMatching(/^volumes\[0\].hostPath .* binds a host path/)]],
    },
    {
        name: "docker.Container untrusted, a host device: violation",
        stack: replaced(untrustedContainer({ devices: [{ hostPath: "class/5B45201D-F2F2-4F3B-85BB-30FF1F953599" }] })),
        findings: [["ctr", expect.stringMatching(/^devices\[0\].hostPath .* hands a host device/)]],
    },
    {
        name: "docker.Container untrusted, an npipe mount: violation",
        stack: replaced(untrustedContainer({ mounts: [pipe] })),
        findings: [["ctr", expect.stringMatching(/^mounts\[0\] type "npipe"/)]],
    },
    {
        name: "preview: a mounts list unknown until deploy is a mandatory violation, not the SDK's advisory",
        stack: replaced(service("svc", { mounts: UNKNOWN })),
        findings: [["svc", expect.stringMatching(/^taskSpec.containerSpec.mounts is not known until deploy/)]],
    },
    {
        name: "preview: a mount type unknown until deploy: violation",
        stack: replaced(service("svc", { mounts: [{ ...pipe, type: UNKNOWN }] })),
        findings: [["svc", expect.stringMatching(/mounts\[0\].type is not known until deploy/)]],
    },
    {
        name: "an untrusted service with a gMSA credential spec: violation naming the field",
        stack: replaced(service("svc", { privileges: { credentialSpec: { file: "webapp01.json" } } })),
        findings: [["svc", expect.stringMatching(/^taskSpec.containerSpec.privileges.credentialSpec is set: the workload acts on the network as the host's group managed service account/)]],
    },
    {
        name: "an untrusted service publishing a port in host mode: violation",
        stack: replaced(withInputs(service("svc"), { endpointSpec: { ports: [{ targetPort: 443, publishedPort: 443, publishMode: "host" }] } })),
        findings: [["svc", expect.stringMatching(/^endpointSpec.ports\[0\].publishMode 'host' binds the port on the host's own interfaces/)]],
    },
    {
        name: "an untrusted docker.Container with securityOpts credentialspec: violation",
        stack: replaced(untrustedContainer({ securityOpts: ["credentialspec=file://webapp01.json"] })),
        findings: [["ctr", expect.stringMatching(/^securityOpts\[0\] sets a credentialspec/)]],
    },
    {
        name: "an untrusted docker.Container privileged: violation",
        stack: replaced(untrustedContainer({ privileged: true })),
        findings: [["ctr", expect.stringMatching(/^privileged true gives the workload the host's devices and every capability/)]],
    },
    {
        name: "an untrusted docker.Container adding capabilities: violation",
        stack: replaced(untrustedContainer({ capabilities: { adds: ["NET_ADMIN"] } })),
        findings: [["ctr", expect.stringMatching(/^capabilities.adds \["NET_ADMIN"\] adds host capabilities/)]],
    },
    {
        name: "an untrusted docker.Container on the host's network: violation",
        stack: replaced(untrustedContainer({ networkMode: "host" })),
        findings: [["ctr", expect.stringMatching(/^networkMode "host" shares a namespace the workload does not own/)]],
    },
    {
        name: "an untrusted docker.Container in the host's PID namespace: violation",
        stack: replaced(untrustedContainer({ pidMode: "HOST" })),
        findings: [["ctr", expect.stringMatching(/^pidMode "HOST" shares a namespace/)]],
    },
    {
        name: "an untrusted docker.Container in another container's IPC namespace: violation",
        stack: replaced(untrustedContainer({ ipcMode: "container:db" })),
        findings: [["ctr", expect.stringMatching(/^ipcMode "container:db" shares a namespace/)]],
    },
    {
        name: "an untrusted docker.Container in the host's user namespace: violation",
        stack: replaced(untrustedContainer({ usernsMode: "host" })),
        findings: [["ctr", expect.stringMatching(/^usernsMode "host" shares a namespace/)]],
    },
    {
        name: "an untrusted docker.Container in the host's cgroup namespace: violation",
        stack: replaced(untrustedContainer({ cgroupnsMode: "host" })),
        findings: [["ctr", expect.stringMatching(/^cgroupnsMode "host" shares a namespace/)]],
    },
    {
        name: "an untrusted docker.Container taking another container's volumes: violation",
        stack: replaced(untrustedContainer({ volumes: [{ volumeName: "data", containerPath: "C:\\d" }, { fromContainer: "builder" }] })),
        findings: [["ctr", expect.stringMatching(/^volumes\[1\].fromContainer "builder" takes another container's mounts/)]],
    },
    {
        name: "preview: an untrusted docker.Container whose networkMode is not known until deploy: violation",
        stack: replaced(untrustedContainer({ networkMode: UNKNOWN })),
        findings: [["ctr", expect.stringMatching(/^networkMode is not known until deploy/)]],
    },
    {
        name: "an untrusted docker.Container with harmless values (nat network, private ipc, not privileged, no caps): no violation",
        stack: replaced(untrustedContainer({ privileged: false, capabilities: { adds: [], drops: ["ALL"] }, networkMode: "nat", ipcMode: "private", pidMode: "" })),
        findings: [],
    },
    {
        name: "an untrusted service adding capabilities: violation",
        stack: replaced(service("svc", { capAdds: ["SYS_ADMIN"] })),
        findings: [["svc", expect.stringMatching(/^taskSpec.containerSpec.capAdds \["SYS_ADMIN"\] adds host capabilities/)]],
    },
    {
        name: "an untrusted service on the host network: violation",
        stack: replaced(withInputs(service("svc"), { taskSpec: { ...(service("svc").inputs.taskSpec as object), networksAdvanceds: [{ name: "overlay1" }, { name: "host" }] } })),
        findings: [["svc", expect.stringMatching(/^taskSpec.networksAdvanceds\[1\].name "host" shares a namespace/)]],
    },
    {
        name: "a trusted docker.Container privileged on the host network: no violation",
        stack: replaced(container("ctr", { privileged: true, networkMode: "host", capabilities: { adds: ["ALL"] } })),
        findings: [],
    },
    {
        name: "a trusted service with a gMSA and a host-mode port: no violation",
        stack: replaced(withInputs(service("svc", { privileges: { credentialSpec: { registry: "webapp01" } } }, trustLabels("trusted")), { endpointSpec: { ports: [{ targetPort: 80, publishMode: "host" }] } })),
        findings: [],
    },
    {
        name: "volume and tmpfs mounts for an untrusted service: no violation",
        stack: replaced(service("svc", { mounts: [{ type: "volume", source: "data", target: "C:\\data" }, { type: "tmpfs", target: "C:\\tmp" }] })),
        findings: [],
    },
    {
        name: "a trusted workload with a bind mount and the pipe: no violation (trusted with the host by design)",
        stack: replaced(container("ctr", { mounts: [pipe], volumes: [{ hostPath: "C:\\tools", containerPath: "C:\\tools" }] })),
        findings: [],
    },
    {
        name: "not applicable to a VM, as the analyzer reports it",
        stack: happyStack(),
        findings: [],
        also: (e) => expect(e.notApplicable).toContainEqual({ policyName: P, reason: expect.stringMatching(/applies to windows-isolation:index:WindowsContainer, docker.Service and docker.Container/), urn: vm().urn }),
    },
]);
