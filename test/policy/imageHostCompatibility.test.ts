/**
 * image-host-compatibility, evaluated by the real pack over gRPC: each case changes the happy
 * stack once (its host is an ExistingDockerHost of build 20348), and two cases need another host.
 */
import { policyTable } from "../helpers/policyPack";
import { host, replaced, service, trustLabels, UNKNOWN, windowsContainer } from "../helpers/policyFactories";

const P = "image-host-compatibility";
const ltsc2019 = "mcr.microsoft.com/windows/servercore:ltsc2019";
const ltsc2025OnWc = windowsContainer("wc", { image: "mcr.microsoft.com/windows/servercore:ltsc2025", imageOsBuild: 26100 });
const ltsc2025 = "mcr.microsoft.com/windows/servercore:ltsc2025";
const servercore = "mcr.microsoft.com/windows/servercore:ltsc2022";
/** A swarm of one 2022 and one 2025 node behind the host's endpoint (as a pool or swarmNodes declare it). */
const mixedSwarm = host({ swarmNodes: [{ name: "win-2022", osBuild: 20348, hypervCapable: true }, { name: "win-2025", osBuild: 26100, hypervCapable: true }] });
/** The service with swarm placement constraints. */
function placed(svc: ReturnType<typeof service>, constraints: string[]): ReturnType<typeof service> {
    const inputs = svc.inputs as { taskSpec: Record<string, unknown> };
    return { ...svc, inputs: { ...svc.inputs, taskSpec: { ...inputs.taskSpec, placement: { constraints } } } };
}

policyTable(P, [
    {
        name: "preview: an image unknown until deploy fails that service only; the next service is still checked",
        stack: [...replaced(service("svc", { image: UNKNOWN })), service("old", { image: ltsc2019, isolation: "process" }, trustLabels("trusted"))],
        findings: [
            ["svc", expect.stringMatching(/the image is not known until deploy/)],
            ["old", expect.stringMatching(/isolation 'process' cannot run image build 17763/)],
        ],
        also: (e) => expect(e.diagnostics.filter((d) => d.policyName === P).map((d) => d.enforcementLevel)).toEqual(["mandatory", "mandatory"]),
    },
    {
        name: "isolation 'HyperV' is read as Hyper-V: compatible",
        stack: replaced(service("svc", { isolation: "HyperV" })),
        findings: [],
    },
    {
        name: "raw service: ltsc2019 image in process isolation on the 2022 host (found through the provider's parent)",
        stack: replaced(service("svc", { image: ltsc2019, isolation: "process" }, trustLabels("trusted"))),
        findings: [["svc", expect.stringMatching(/isolation 'process' cannot run image build 17763 \(ltsc2019\) on host build 20348/)]],
    },
    {
        // Not the happy stack: on a 2019 host its ltsc2022 workloads could not run at all.
        name: "the same service on a host whose build is 2019: compatible",
        stack: [...host({ osBuild: 17763 }), service("svc", { image: ltsc2019, isolation: "process" }, trustLabels("trusted"))],
        findings: [],
    },
    {
        // Not the happy stack: the one service, with no provider at all.
        name: "a service whose provider is not one of our hosts is not guessed at",
        stack: [service("svc", { image: "mcr.microsoft.com/windows/servercore:ltsc2025" })].map((r) => ({ ...r, provider: undefined })),
        findings: [],
    },
    {
        // Not the happy stack: a host that declares swarm nodes of two builds.
        name: "swarm: a 2025 image whose constraints admit only the 2025 node is judged on that node: compatible",
        stack: [...mixedSwarm, placed(service("svc", { image: ltsc2025 }), ["node.platform.os==windows", "node.labels.windows-isolation.os-build==26100"])],
        findings: [],
    },
    {
        name: "swarm: the same service without constraints may land on the 2022 node: violation naming it",
        stack: [...mixedSwarm, service("svc", { image: ltsc2025 })],
        findings: [["svc", expect.stringMatching(/^on swarm node 'win-2022', which its placement constraints admit: .*newer than host build 20348/)]],
    },
    {
        name: "WindowsContainer inputs: a 2025 image on a 2022 host",
        stack: replaced(ltsc2025OnWc),
        findings: [["wc", expect.stringMatching(/newer than host build 20348/)]],
    },
    {
        name: "an exemption suppresses it, and the evaluation lists what it suppressed",
        stack: replaced(ltsc2025OnWc),
        config: { [P]: { exemptions: [{ resource: "wc", reason: "host upgrade in flight" }] } },
        findings: [],
        also: (e) => expect(e.suppressed.map((d) => [d.policyName, d.urn])).toEqual([[P, windowsContainer("wc").urn]]),
    },
    {
        name: "resolved (plan --resolve-images): a private tag is judged on the build its registry names",
        stack: replaced(service("svc", { image: "reg.example/app:1.4", isolation: "process" }, trustLabels("trusted"))),
        config: { [P]: { resolvedImages: { "reg.example/app:1.4": resolvedAt("reg.example/app:1.4", "10.0.17763.6054"), [servercore]: resolvedAt(servercore, "10.0.20348.2340") } } },
        findings: [["svc", expect.stringMatching(/^isolation 'process' cannot run image 'reg\.example\/app:1\.4' at 10\.0\.17763\.6054 \(sha256:0+1\) on host build 20348/)]],
    },
    {
        name: "resolved: a tag whose build the registry contradicts is a finding on every workload that runs it",
        stack: replaced(windowsContainer("wc")),
        config: { [P]: { resolvedImages: { [servercore]: resolvedAt(servercore, "10.0.17763.5576") } } },
        findings: ["svc", "wc", "wc-service"].map((w) => [w, `image '${servercore}' is tagged 'ltsc2022' (20348 (ltsc2022)) but reg.example says sha256:${"0".repeat(64)} is 17763 (ltsc2019); fix the tag or pin the digest`]),
    },
    {
        name: "resolved: an untrusted workload whose image is missing from the answers fails closed",
        stack: replaced(service("svc")),
        config: { [P]: { resolvedImages: {} } },
        findings: ["svc", "wc", "wc-service"].map((w) => [w, `image '${servercore}' was not resolved at its registry; an untrusted workload is judged only on what its registry says, never on a guess`]),
    },
]);

function resolvedAt(reference: string, osVersion: string) {
    const d = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
    return { reference, registry: "reg.example", digest: d(0), platforms: [{ digest: d(1), os: "windows", architecture: "amd64", osVersion }] };
}
