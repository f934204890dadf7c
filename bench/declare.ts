/**
 * One benchmark run in its own process (so peak memory is its own): declares N workloads either
 * through WindowsContainer or as the equivalent raw docker.Service, under Pulumi's mock monitor,
 * and prints wall time and memory as JSON. Usage: declare.ts <component|raw> <N>
 */
import * as docker from "@pulumi/docker";
import { installCountingMocks } from "./countingMocks";

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg);

async function main(): Promise<void> {
    const mocks = await installCountingMocks();
    // Imported after setMocks, as a program would be run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ExistingDockerHost, WindowsContainer } = require("../components") as typeof import("../components");
    const rssBefore = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    const host = new ExistingDockerHost("host", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true });
    const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
    for (let i = 0; i < n; i++) {
        const name = `w${i}`;
        if (mode === "component") {
            new WindowsContainer(name, { host, image, trust: "untrusted" });
        } else {
            const labels = [
                { label: "windows-isolation.trust", value: "untrusted" },
                { label: "windows-isolation.isolation", value: "hyperv" },
                { label: "windows-isolation.workload", value: name },
            ];
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
    const expected = 2 + (mode === "component" ? 2 * n : n);
    await mocks.waitFor(expected);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ mode, n, resources: mocks.registered(), wallMs, peakRssMb: maxRss / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20 }));
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
});
