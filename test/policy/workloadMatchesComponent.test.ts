/**
 * workload-matches-component, evaluated by the real pack over gRPC: each case changes the happy
 * stack once (a transform rewrote the component's service, or something else sits under it).
 */
import { policyTable, resource, urnOf } from "../helpers/policyPack";
import { added, childOf, componentService, container, happyStack, replaced, service, trustLabels, UNKNOWN, windowsContainer } from "../helpers/policyFactories";

const P = "workload-matches-component";
const inner = childOf(windowsContainer(), resource("contoso:index:Helper", "helper", {}, { custom: false }));
/** A Docker provider that belongs to no host component. */
const rogue = resource("pulumi:providers:docker", "rogue", { host: "npipe:////./pipe/docker_engine" });
/** The happy stack plus a second host component named like the component's host. */
function withTwinHost() {
    const stack = happyStack();
    const host = stack.find((r) => r.type === "windows-isolation:index:ExistingDockerHost")!;
    return [...stack, { ...host, type: "windows-isolation:index:ContainerHost", urn: urnOf("windows-isolation:index:ContainerHost", host.name) }];
}

policyTable(P, [
    {
        name: "the happy stack's component service, through its host's provider: judged, and no finding",
        stack: happyStack(),
        findings: [],
        also: (e) => expect(e.notApplicable.filter((n) => n.policyName === P)).toEqual([]),
    },
    {
        name: "the component's service on a provider that belongs to no host component (a transform swapped it): violation",
        stack: [...replaced({ ...componentService(), provider: rogue.urn }), rogue],
        findings: [[componentService().name, expect.stringMatching(/deploys through a Docker provider that belongs to no host component, but WindowsContainer '.*' judged its isolation against host/)]],
    },
    {
        name: "two host components with the component's host name: ambiguous, a violation",
        stack: withTwinHost(),
        findings: [[componentService().name, expect.stringMatching(/2 host components are named '.*', so the plan cannot tell which one/)]],
    },
    {
        name: "the component's own service, relabelled trusted in process isolation (a transform): two violations on the service",
        stack: replaced(componentService({ isolation: "process" }, trustLabels("trusted"))),
        findings: [
            ["wc-service", expect.stringMatching(/isolation 'process' \(Docker: process\) differs from the isolation WindowsContainer 'wc' decided, 'hyperv'/)],
            ["wc-service", expect.stringMatching(/trust label windows-isolation.trust 'trusted' differs from the trust WindowsContainer 'wc' decided, 'untrusted'/)],
        ],
    },
    {
        name: "an extra docker.Service under the component, even a compliant one: violation",
        stack: added(componentService({}, trustLabels("untrusted"), "wc-extra")),
        findings: [["wc-extra", expect.stringMatching(/an extra docker.Service under WindowsContainer 'wc'/)]],
    },
    {
        name: "a docker.Container under the component: violation",
        stack: added(childOf(windowsContainer(), container("wc-sidecar"))),
        findings: [["wc-sidecar", expect.stringMatching(/a docker.Container under WindowsContainer 'wc'/)]],
    },
    {
        name: "a service deeper down (under a component under the WindowsContainer): violation",
        stack: added(inner, childOf(inner, service("deep", { isolation: "hyperv" }))),
        findings: [["deep", expect.stringMatching(/an extra docker.Service under WindowsContainer 'wc'/)]],
    },
    {
        name: "preview: the service's isolation unknown until deploy: violation",
        stack: replaced(componentService({ isolation: UNKNOWN })),
        findings: [["wc-service", expect.stringMatching(/\(Docker: not known until deploy\) differs/)]],
    },
]);
