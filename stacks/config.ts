import * as pulumi from "@pulumi/pulumi";
import { IsolationMode } from "../components/windows";

/** Stack settings for a Docker engine you already run (the `existing` host kind). */
export interface ExistingHostSettings {
    readonly kind: "existing";
    readonly endpoint: string;
    readonly osBuild: number;
    readonly hypervCapable: boolean;
    readonly cpuCount?: number;
    readonly caPem?: pulumi.Output<string>;
    readonly certPem?: pulumi.Output<string>;
    readonly keyPem?: pulumi.Output<string>;
}

export type HostSettings = ExistingHostSettings;

export interface StackSettings {
    readonly host: HostSettings;
    /** Registry prefix for the example images, e.g. `mcr.microsoft.com`. */
    readonly registry: string;
    /** Per-workload isolation overrides, passed to the components as given (they validate them). */
    readonly isolation: Readonly<Record<string, IsolationMode>>;
}

function configError(key: string, value: unknown, rule: string): Error {
    return new Error(`stack config windows-isolation:${key} = ${JSON.stringify(value)}: ${rule}`);
}

function wholeNumber(config: pulumi.Config, key: string, required: boolean): number | undefined {
    const raw = required ? config.require(key) : config.get(key);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw.trim())) throw configError(key, raw, "must be a whole number");
    return Number(raw);
}

function bool(config: pulumi.Config, key: string): boolean {
    const raw = config.require(key).trim();
    if (raw !== "true" && raw !== "false") throw configError(key, raw, "must be true or false");
    return raw === "true";
}

/** Reads and type-checks the stack's config; the components then check the rules. */
export function readStackSettings(config: pulumi.Config = new pulumi.Config("windows-isolation")): StackSettings {
    const kind = config.get("hostKind") ?? "existing";
    if (kind !== "existing") throw configError("hostKind", kind, "must be 'existing'");
    const host: ExistingHostSettings = {
        kind: "existing",
        endpoint: config.require("dockerEndpoint"),
        osBuild: wholeNumber(config, "hostOsBuild", true)!,
        hypervCapable: bool(config, "hostHypervCapable"),
        cpuCount: wholeNumber(config, "hostCpuCount", false),
        caPem: config.getSecret("dockerCaPem"),
        certPem: config.getSecret("dockerCertPem"),
        keyPem: config.getSecret("dockerKeyPem"),
    };
    const isolation = config.getObject<Record<string, IsolationMode>>("isolation") ?? {};
    if (typeof isolation !== "object" || Array.isArray(isolation)) {
        throw configError("isolation", isolation, "must be a map of workload name to 'process' or 'hyperv'");
    }
    return { host, registry: config.get("registry") ?? "mcr.microsoft.com", isolation };
}
