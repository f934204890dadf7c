/**
 * One run in its own process: N workloads on a swarm of H Windows nodes (mixed 2022/2025, every
 * third node without Hyper-V), through WindowsContainer (isolation decided over the nodes,
 * placement constraints derived) or as the same raw docker.Service resources with the constraints
 * written out by hand. Under Pulumi's mock monitor; prints wall time as JSON.
 * Usage: declareSwarm.ts <component|raw> <N> <H>
 */
import * as docker from "@pulumi/docker";
import { installCountingMocks } from "./countingMocks";

const [mode, nArg, hArg] = process.argv.slice(2);
const n = Number(nArg);
const hosts = Number(hArg);

async function main(): Promise<void> {
    const mocks = await installCountingMocks();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ExistingDockerHost, WindowsContainer } = require("../components") as typeof import("../components");
    const start = process.hrtime.bigint();
    const swarmNodes = Array.from({ length: hosts }, (_, i) => ({ name: `win-${i}`, osBuild: i % 2 === 0 ? 20348 : 26100, hypervCapable: i % 3 !== 2 }));
    const host = new ExistingDockerHost("swarm", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true, swarmNodes });
    // Half the workloads are untrusted ltsc2025 jobs (hyperv, 26100 Hyper-V nodes only), half trusted ltsc2022 web apps (process, any node).
    for (let i = 0; i < n; i++) {
        const name = `w${i}`;
        const job = i % 2 === 0;
        const image = job ? "mcr.microsoft.com/windows/servercore:ltsc2025" : "mcr.microsoft.com/windows/servercore:ltsc2022";
        if (mode === "component") {
            new WindowsContainer(name, { host, image, trust: job ? "untrusted" : "trusted" });
        } else {
            const isolation = job ? "hyperv" : "process";
            const labels = [
                { label: "windows-isolation.trust", value: job ? "untrusted" : "trusted" },
                { label: "windows-isolation.isolation", value: isolation },
                { label: "windows-isolation.workload", value: name },
            ];
            const constraints = job
                ? ["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true", "node.labels.windows-isolation.os-build!=20348"]
                : ["node.platform.os==windows"];
            new docker.Service(
                `${name}-service`,
                {
                    name,
                    labels,
                    taskSpec: { containerSpec: { image, isolation, labels }, placement: { constraints, platforms: [{ os: "windows", architecture: "amd64" }] } },
                    mode: { replicated: { replicas: 1 } },
                    updateConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "rollback", order: "stop-first" },
                    rollbackConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "pause", order: "stop-first" },
                },
                { provider: host.provider, dependsOn: host.readyResources },
            );
        }
    }
    const expected = 2 + (mode === "component" ? 2 * n : n);
    await mocks.waitFor(expected);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ mode, n, hosts, resources: mocks.registered(), wallMs }));
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
});
