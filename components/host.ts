import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * What a workload needs to know about the Docker host it runs on. `ExistingDockerHost`
 * (an engine you already run) and `ContainerHost` (an Azure VM) both satisfy it.
 *
 * The facts are plain values on purpose: `WindowsContainer` validates its isolation against
 * them before it creates anything.
 */
export interface WindowsDockerHost {
    /** Name used in messages and reports. */
    readonly hostName: string;
    /** Provider for the host's Docker engine (a swarm manager). */
    readonly provider: docker.Provider;
    /** Windows build of the host, e.g. 20348 for Windows Server 2022. */
    readonly osBuild: number;
    /** Whether the host can run Hyper-V isolated containers. */
    readonly hypervCapable: boolean;
    /** Logical CPUs of the host, when known; `cpus` above it is refused. */
    readonly cpuCount?: number;
    /** Resources that must be ready before workloads are created (e.g. the bootstrap wait). */
    readonly readyResources: pulumi.Resource[];
    /** Published ports already claimed by workloads on this host. */
    readonly publishedPorts: PublishedPortRegistry;
}

/** Swarm publishes a port on every node, so one published port serves exactly one workload. */
export class PublishedPortRegistry {
    private readonly owners = new Map<string, string>();

    /** The workload that published `port/protocol`, if any. */
    ownerOf(port: number, protocol: string): string | undefined {
        return this.owners.get(`${port}/${protocol}`);
    }

    /** Records `port/protocol` for `owner`; callers check `ownerOf` first. */
    claim(port: number, protocol: string, owner: string): void {
        this.owners.set(`${port}/${protocol}`, owner);
    }
}
