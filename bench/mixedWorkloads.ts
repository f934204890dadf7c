/**
 * The workload mix of the swarm and pool benchmarks: half untrusted ltsc2025 jobs (hyperv, only on
 * 26100 nodes with Hyper-V), half trusted ltsc2022 web apps (process, any node), and the raw
 * docker.Service a program would write by hand for each, constraints included.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface BenchWorkload {
    readonly name: string;
    readonly job: boolean;
    readonly image: string;
    readonly trust: "trusted" | "untrusted";
}

export function benchWorkload(i: number): BenchWorkload {
    const job = i % 2 === 0;
    return {
        name: `w${i}`,
        job,
        image: job ? "mcr.microsoft.com/windows/servercore:ltsc2025" : "mcr.microsoft.com/windows/servercore:ltsc2022",
        trust: job ? "untrusted" : "trusted",
    };
}

/** The same service WindowsContainer would declare, written out by hand. */
export function rawService(w: BenchWorkload, opts: { provider: docker.Provider; dependsOn: pulumi.Resource[] }): docker.Service {
    const isolation = w.job ? "hyperv" : "process";
    const labels = [
        { label: "windows-isolation.trust", value: w.trust },
        { label: "windows-isolation.isolation", value: isolation },
        { label: "windows-isolation.workload", value: w.name },
    ];
    const constraints = w.job
        ? ["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true", "node.labels.windows-isolation.os-build!=20348"]
        : ["node.platform.os==windows"];
    return new docker.Service(`${w.name}-service`, {
        name: w.name,
        labels,
        taskSpec: { containerSpec: { image: w.image, isolation, labels }, placement: { constraints, platforms: [{ os: "windows", architecture: "amd64" }] } },
        mode: { replicated: { replicas: 1 } },
        updateConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "rollback", order: "stop-first" },
        rollbackConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "pause", order: "stop-first" },
    }, opts);
}
