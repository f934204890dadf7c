/**
 * One benchmark run in its own process (so peak memory is its own): declares N workloads under
 * Pulumi's mock monitor and prints wall time and memory as JSON. Usage: declare.ts <mode> <N>
 * - component: WindowsContainer (validation, isolation decision, labels, then its two registrations).
 * - hand: the same resource graph written by hand: a bare ComponentResource of the same type with
 *   the inputs WindowsContainer registers, and its docker.Service with the same inputs, parent,
 *   provider and dependencies. component/hand is this project's own overhead.
 * - raw: one docker.Service per workload and no component. hand/raw is the SDK's cost of one more
 *   registration, not this project's.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { WindowsContainerSummary } from "../rules";
import { installCountingMocks } from "./countingMocks";

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg);
if (!["component", "hand", "raw"].includes(mode) || !Number.isInteger(n) || n < 1) {
    console.error("usage: declare.ts <component|hand|raw> <N>");
    process.exit(2);
}

const image = "mcr.microsoft.com/windows/servercore:ltsc2022";

function labelsOf(name: string) {
    return [
        { label: "windows-isolation.trust", value: "untrusted" },
        { label: "windows-isolation.isolation", value: "hyperv" },
        { label: "windows-isolation.workload", value: name },
    ];
}

/** What WindowsContainer registers for an untrusted ltsc2022 workload on a 20348 host, written out. */
class HandWritten extends pulumi.ComponentResource {
    constructor(name: string, provider: docker.Provider, dependsOn: pulumi.Resource[]) {
        super("windows-isolation:index:WindowsContainer", name, {
            host: "host",
            image,
            trust: "untrusted",
            requestedIsolation: null,
            isolation: "hyperv",
            imageOsBuild: 20348,
            hostOsBuild: 20348,
            hostHypervCapable: true,
            replicas: 1,
        } satisfies WindowsContainerSummary);
        const labels = labelsOf(name);
        const service = new docker.Service(
            `${name}-service`,
            {
                name,
                labels,
                taskSpec: {
                    containerSpec: { image, isolation: "hyperv", labels, commands: undefined, env: undefined },
                    placement: { constraints: ["node.platform.os==windows"], platforms: [{ os: "windows", architecture: "amd64" }] },
                    resources: undefined,
                    networksAdvanceds: undefined,
                },
                mode: { replicated: { replicas: 1 } },
                updateConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "rollback", order: "stop-first" },
                rollbackConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "pause", order: "stop-first" },
                endpointSpec: undefined,
            },
            { parent: this, provider, dependsOn },
        );
        this.registerOutputs({ isolation: "hyperv", trust: "untrusted", service });
    }
}

async function main(): Promise<void> {
    const mocks = await installCountingMocks(process.env.BENCH_RECORD === "1");
    // Imported after setMocks, as a program would be run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ExistingDockerHost, WindowsContainer } = require("../components") as typeof import("../components");
    const rssBefore = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const host = new ExistingDockerHost("host", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true });
    for (let i = 0; i < n; i++) {
        const name = `w${i}`;
        if (mode === "component") {
            new WindowsContainer(name, { host, image, trust: "untrusted" });
        } else if (mode === "hand") {
            new HandWritten(name, host.provider, host.readyResources);
        } else {
            const labels = labelsOf(name);
            new docker.Service(
                `${name}-service`,
                {
                    name,
                    labels,
                    taskSpec: {
                        containerSpec: { image, isolation: "hyperv", labels },
                        placement: { constraints: ["node.platform.os==windows"], platforms: [{ os: "windows", architecture: "amd64" }] },
                    },
                    mode: { replicated: { replicas: 1 } },
                },
                { provider: host.provider, dependsOn: host.readyResources },
            );
        }
    }
    const expected = 2 + (mode === "raw" ? n : 2 * n);
    await mocks.waitFor(expected);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    // CPU time of the declaration (user + system): steadier than wall time on a busy machine.
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ mode, n, resources: mocks.registered(), wallMs, cpuMs, peakRssMb: maxRss / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20, ...(process.env.BENCH_RECORD === "1" ? { registrations: mocks.recorded() } : {}) }));
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
});
