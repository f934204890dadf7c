import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ISOLATION_LABEL, IsolationMode, Trust, TRUST_LABEL, WINDOWS_CONTAINER_TYPE, WindowsContainerSummary, WORKLOAD_LABEL } from "../../rules";
import { liveHostParts, publishedPortsOf, WindowsDockerHost } from "../host/host";
import { RollingUpdate, WindowsContainerArgs } from "./windowsContainerArgs";
import { validateWindowsContainer, WindowsContainerPlan } from "./windowsContainerValidation";

export type { WindowsContainerArgs } from "./windowsContainerArgs";


/** A Windows workload as a swarm service whose isolation mode is always explicit. */
export class WindowsContainer extends pulumi.ComponentResource {
    /** The effective isolation mode. */
    public readonly isolation: IsolationMode;
    /** The declared (or defaulted) trust level. */
    public readonly trust: Trust;
    /** Why this isolation mode. */
    public readonly isolationReason: string;
    /** The swarm service that runs the workload. */
    public readonly service: docker.Service;

    constructor(name: string, args: WindowsContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        const serviceName = args.serviceName ?? name;
        const live = liveHostParts(args.host);
        const publishedPorts = live?.publishedPorts ?? publishedPortsOf(args.host.hostName);
        const validation = validateWindowsContainer(serviceName, {
            ...args,
            host: { ...facts(args.host), publishedPorts, nodes: args.host.swarmNodes?.(), capacity: args.host.swarmCapacity?.() },
            envKeys: Object.keys(args.env ?? {}),
            secretEnvKeys: Object.keys(args.secretEnv ?? {}),
        });
        super(WINDOWS_CONTAINER_TYPE, name, { ...summary(args, validation.ok ? validation.plan : undefined) }, opts);
        if (!validation.ok) {
            throw new pulumi.ResourceError(`WindowsContainer '${name}': ${validation.problems.join("; ")}`, this);
        }
        // A host from this program brings its provider; from another language the caller passes
        // the Docker provider in the resource options. Never fall back to an ambient engine.
        const provider = live?.provider ?? this.getProvider("docker:index/service:Service");
        if (provider === undefined) {
            throw new pulumi.ResourceError(`WindowsContainer '${name}': host '${args.host.hostName}' brings no Docker provider; pass an ExistingDockerHost or ContainerHost as host, or (from another language) pass the host's Docker provider in the resource options' providers`, this);
        }
        const plan = validation.plan;
        const rolling = { ...DEFAULT_ROLLING_UPDATE, ...definedOnly(args.rollingUpdate ?? {}) };
        for (const p of plan.ports) publishedPorts.claim(p.published, p.protocol, serviceName);
        if (plan.demand) args.host.swarmCapacity?.()?.demands.push(plan.demand);
        this.isolation = plan.decision.isolation;
        this.trust = plan.decision.trust;
        this.isolationReason = plan.decision.reason;

        const ours: Record<string, string> = {
            [TRUST_LABEL]: this.trust,
            [ISOLATION_LABEL]: this.isolation,
            [WORKLOAD_LABEL]: serviceName,
        };
        const labels = Object.entries({ ...args.labels, ...ours }).map(([label, value]) => ({ label, value }));

        this.service = new docker.Service(
            `${name}-service`,
            {
                name: serviceName,
                labels,
                taskSpec: {
                    containerSpec: {
                        image: args.image,
                        isolation: this.isolation,
                        labels,
                        commands: args.command,
                        env: environment(args),
                    },
                    placement: {
                        constraints: [...plan.constraints],
                        platforms: [{ os: "windows", architecture: "amd64" }],
                    },
                    resources: resources(args),
                    networksAdvanceds: args.networks?.map((n) => ({ name: n })),
                },
                mode: { replicated: { replicas: plan.replicas } },
                updateConfig: { ...rolling, order: "stop-first" },
                // Rolling back uses the same pacing; a failed rollback pauses for a human.
                rollbackConfig: { parallelism: rolling.parallelism, delay: rolling.delay, monitor: rolling.monitor, failureAction: "pause", order: "stop-first" },
                endpointSpec: plan.ports.length > 0
                    ? { ports: plan.ports.map((p) => ({ targetPort: p.target, publishedPort: p.published, protocol: p.protocol, publishMode: "ingress" })) }
                    : undefined,
            },
            { parent: this, provider, dependsOn: live?.readyResources ?? [] },
        );
        this.registerOutputs({ isolation: this.isolation, trust: this.trust, service: this.service });
    }
}

/** Safe defaults: one task at a time, paced, and an update that fails is rolled back. */
export const DEFAULT_ROLLING_UPDATE: Required<RollingUpdate> = { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "rollback" };

function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The plain facts of a host, whatever object carries them. */
function facts(host: WindowsDockerHost) {
    return { hostName: host.hostName, osBuild: host.osBuild, hypervCapable: host.hypervCapable, cpuCount: host.cpuCount };
}

/**
 * What policies see as the component's inputs: plain facts of the decision, never the raw args
 * (Outputs inside component inputs trip pulumi/pulumi#23953, and secrets must not land there).
 */
function summary(args: WindowsContainerArgs, plan: WindowsContainerPlan | undefined): WindowsContainerSummary {
    // On a swarm, the host facts the policies compare are those of a node the workload is placed
    // on (the endpoint's own node may be one it cannot run on, e.g. an older build).
    const placedOn = plan?.nodes === undefined ? undefined : args.host.swarmNodes?.()?.find((n) => plan.nodes!.includes(n.name));
    return {
        host: args.host.hostName,
        image: args.image,
        trust: plan?.decision.trust ?? args.trust ?? "untrusted",
        requestedIsolation: args.isolation ?? null,
        isolation: plan?.decision.isolation ?? null,
        imageOsBuild: plan?.imageBuild ?? null,
        hostOsBuild: placedOn?.osBuild ?? args.host.osBuild,
        hostHypervCapable: placedOn?.hypervCapable ?? args.host.hypervCapable,
        replicas: plan?.replicas ?? null,
    };
}

function environment(args: WindowsContainerArgs): pulumi.Input<Record<string, pulumi.Input<string>>> | undefined {
    const plain = args.env ?? {};
    const secret = args.secretEnv ?? {};
    if (Object.keys(secret).length === 0) return Object.keys(plain).length > 0 ? plain : undefined;
    const secretValues = Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, pulumi.secret(v)]));
    // The secret values taint the whole map, so the provider and state keep it encrypted.
    return pulumi.secret(pulumi.output({ ...plain, ...secretValues }));
}

function resources(args: WindowsContainerArgs) {
    if (args.memoryMb === undefined && args.cpus === undefined) return undefined;
    return {
        limits: {
            memoryBytes: args.memoryMb === undefined ? undefined : args.memoryMb * 1024 * 1024,
            nanoCpus: args.cpus === undefined ? undefined : Math.round(args.cpus * 1e9),
        },
    };
}
