import * as pulumi from "@pulumi/pulumi";
import { IsolationMode, Trust } from "../../rules";
import { WindowsDockerHost } from "../host/host";

/** Transport of a published port; const object + value type so the schema analyzer sees an enum. */
export const PortProtocol = { Tcp: "tcp", Udp: "udp" } as const;
export type PortProtocol = (typeof PortProtocol)[keyof typeof PortProtocol];

/** A port the service publishes through the swarm routing mesh. */
export interface PublishedPort {
    /** Port inside the container. */
    readonly target: number;
    /** Port published on the host(s); defaults to `target`. */
    readonly published?: number;
    /** Defaults to tcp. */
    readonly protocol?: PortProtocol;
}

/** Swarm rolling update settings (`docker service update --update-*`). */
export interface RollingUpdate {
    /** Tasks updated at once; defaults to 1. */
    readonly parallelism?: number;
    /** Wait between batches (ns|us|ms|s|m|h); defaults to "10s". */
    readonly delay?: string;
    /** Watch each updated task this long before counting it healthy; defaults to "30s". */
    readonly monitor?: string;
    /** What swarm does when an update fails: rollback, pause or continue; defaults to "rollback" (swarm's own default is "pause"). */
    readonly failureAction?: string;
}

export interface WindowsContainerArgs {
    /**
     * The host (or pool) whose swarm runs the workload: an `ExistingDockerHost` or `ContainerHost`.
     * From another language only the host's facts cross; pass the Docker provider in the
     * resource options (`providers`) there.
     */
    readonly host: WindowsDockerHost;
    /** Image reference; its tag should pin the Windows build (e.g. `...:ltsc2022`). Plain: the build decides isolation. */
    readonly image: string;
    /** Who wrote the code the container runs. Defaults to `untrusted`, which always gets Hyper-V isolation. */
    readonly trust?: Trust;
    /** Isolation mode. Defaults to `hyperv` for untrusted and the cheapest compatible mode for trusted. */
    readonly isolation?: IsolationMode;
    /** Windows build the image is based on, e.g. 20348; required when the tag does not pin one. */
    readonly imageOsBuild?: number;
    /** Command and arguments that replace the image's entrypoint command. */
    readonly command?: pulumi.Input<pulumi.Input<string>[]>;
    /** Plain environment variables. */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Environment variables whose values are Pulumi secrets end to end. */
    readonly secretEnv?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Ports published through the swarm routing mesh. */
    readonly ports?: PublishedPort[];
    /** Memory limit per replica in MiB. */
    readonly memoryMb?: number;
    /** CPU limit per replica (Docker `--cpus`), at most the host's CPU count. */
    readonly cpus?: number;
    /** Number of replicas; defaults to 1. */
    readonly replicas?: number;
    /** Extra labels for the service and its containers (the `windows-isolation.` prefix is reserved). */
    readonly labels?: Readonly<Record<string, string>>;
    /** Swarm networks (names or IDs) to attach. */
    readonly networks?: string[];
    /** Swarm service name; defaults to the resource name. */
    readonly serviceName?: string;
    /**
     * How swarm replaces tasks when the service changes; defaults: one task at a time, 10s apart,
     * each watched for 30s, and a failed update rolls back (the same pacing) instead of pausing.
     */
    readonly rollingUpdate?: RollingUpdate;
}
