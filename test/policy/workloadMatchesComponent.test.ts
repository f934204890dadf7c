/**
 * workload-matches-component, evaluated by the real pack over gRPC: each case changes the happy
 * stack once (a transform rewrote the component's service, or something else sits under it).
 */
import { policyTable, resource } from "../helpers/policyPack";
import { added, childOf, componentService, container, replaced, service, trustLabels, UNKNOWN, windowsContainer } from "../helpers/policyFactories";

const inner = childOf(windowsContainer(), resource("contoso:index:Helper", "helper", {}, { custom: false }));

policyTable("workload-matches-component", [
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
