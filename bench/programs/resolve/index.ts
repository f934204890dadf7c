/**
 * bench:resolve's program: BENCH_RESOLVE_WORKLOADS (200) WindowsContainers over
 * BENCH_RESOLVE_IMAGES (40) images at the registry in BENCH_RESOLVE_REGISTRY (the bench starts a
 * real one and fills it), on one ExistingDockerHost of build 20348.
 */
import { ExistingDockerHost, WindowsContainer } from "windows-isolation";

const registry = process.env.BENCH_RESOLVE_REGISTRY;
if (!registry) throw new Error("BENCH_RESOLVE_REGISTRY is not set");
const workloads = Number(process.env.BENCH_RESOLVE_WORKLOADS ?? 200);
const images = Number(process.env.BENCH_RESOLVE_IMAGES ?? 40);
const host = new ExistingDockerHost("host", { endpoint: "npipe:////./pipe/docker_engine", osBuild: 20348, hypervCapable: true });
for (let i = 0; i < workloads; i++) {
    new WindowsContainer(`w${i}`, { host, image: `${registry}/bench/img${i % images}:ltsc2022` });
}
