/**
 * One run in its own process: N workloads on a swarm of H Windows nodes (mixed 2022/2025, every
 * third node without Hyper-V), through WindowsContainer (isolation decided over the nodes,
 * placement constraints derived) or as the same raw docker.Service resources with the constraints
 * written out by hand. Under Pulumi's mock monitor; prints wall time as JSON.
 * Usage: declareSwarm.ts <component|raw> <N> <H>
 */
import { installCountingMocks } from "./countingMocks";
import { benchWorkload, rawService } from "./mixedWorkloads";

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
    for (let i = 0; i < n; i++) {
        const w = benchWorkload(i);
        if (mode === "component") new WindowsContainer(w.name, { host, image: w.image, trust: w.trust });
        else rawService(w, { provider: host.provider, dependsOn: host.readyResources });
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
