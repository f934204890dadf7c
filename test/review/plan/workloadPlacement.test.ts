import { RecordedResource } from "../../../review/analyzer/resource";
import { workloadRows } from "../../../review/plan/workloads";
import { renderText } from "../../../review/plan/report";

const stack = "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod";
const hostUrn = "urn:pulumi:prod::p::windows-isolation:index:ExistingDockerHost::swarm";
const providerUrn = "urn:pulumi:prod::p::windows-isolation:index:ExistingDockerHost$pulumi:providers:docker::swarm-docker";
const swarmNodes = [
    { name: "win-0", osBuild: 20348, hypervCapable: true },
    { name: "win-1", osBuild: 26100, hypervCapable: true },
    { name: "win-2", osBuild: 26100, hypervCapable: false },
];

function service(name: string, parent: string, constraints: unknown, provider = providerUrn): RecordedResource {
    return {
        urn: `urn:pulumi:prod::p::docker:index/service:Service::${name}`,
        type: "docker:index/service:Service",
        name,
        custom: true,
        parent,
        provider,
        inputs: { name, taskSpec: { containerSpec: { image: "mcr.microsoft.com/windows/servercore:ltsc2025", isolation: "hyperv" }, placement: { constraints } } },
    };
}

function records(hostInputs: Record<string, unknown>): RecordedResource[] {
    const wcUrn = "urn:pulumi:prod::p::windows-isolation:index:WindowsContainer::job";
    return [
        { urn: hostUrn, type: "windows-isolation:index:ExistingDockerHost", name: "swarm", custom: false, parent: stack, inputs: { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true, ...hostInputs } },
        { urn: providerUrn, type: "pulumi:providers:docker", name: "swarm-docker", custom: true, parent: hostUrn, inputs: {} },
        { urn: wcUrn, type: "windows-isolation:index:WindowsContainer", name: "job", custom: false, parent: stack, inputs: { host: "swarm", image: "mcr.microsoft.com/windows/servercore:ltsc2025", trust: "untrusted", isolation: "hyperv", imageOsBuild: 26100, hostOsBuild: 20348, hostHypervCapable: true, replicas: 1 } },
        service("job-service", wcUrn, ["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true", "node.labels.windows-isolation.os-build!=20348"]),
        service("raw", stack, ["node.platform.os==windows"]),
        service("odd", stack, ["node.role==manager"]),
    ];
}

describe("plan: placement per workload", () => {
    test("on a host with declared swarm nodes, each service shows the nodes its constraints admit", () => {
        const rows = workloadRows(records({ swarmNodes }));
        expect(rows.map((r) => [r.workload, r.placement])).toEqual([
            ["job", "win-1"],
            ["raw", "win-0, win-1, win-2"],
            ["odd", "not evaluated (unsupported swarm constraint key 'node.role')"],
        ]);
    });

    test("without declared nodes the host is one host", () => {
        expect(workloadRows(records({})).map((r) => r.placement)).toEqual(["(single host)", "(single host)", "(single host)"]);
    });

    const table = (hostInputs: Record<string, unknown>) => {
        const rows = workloadRows(records(hostInputs)).map((r) => ({ ...r, verdicts: {} }));
        return renderText({ stack: "prod", project: "p", resourceCount: 6, policyPack: { name: "pack", version: "1" }, workloads: rows, findings: [], exceptions: [], configuredExceptions: [], notApplicable: [], weakenedPolicies: [], placeholders: [], summary: { mandatory: 0, advisory: 0, exempted: 0 }, exitCode: 0 } as never, "/");
    };

    test("one host: the text table has no placement column", () => {
        expect(table({})).toMatch(/^workload\s+host\s+image\s+image build\s+host build\s+trust\s+requested\s+effective\s+verdicts$/m);
    });

    test("a swarm with declared nodes: the text table has a placement column", () => {
        const text = table({ swarmNodes });
        expect(text).toMatch(/^workload\s+host\s+image\s+image build\s+host build\s+trust\s+requested\s+effective\s+placement\s+verdicts$/m);
        expect(text).toMatch(/^job\s+swarm\s+.*hyperv\s+win-1\s+ok$/m);
    });
});
