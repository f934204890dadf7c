import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

/** One resource as the Pulumi engine received it under mocks. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    // Recorded inputs are arbitrary provider JSON; tests index into them freely.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    readonly custom: boolean;
    /** URNs the SDK sent as this resource's dependencies (dependsOn plus inputs' resources). */
    readonly dependencies: string[];
}

export interface MockedEngine {
    readonly resources: RecordedResource[];
    /** Waits until no registration has arrived for a few event-loop turns. */
    settle(): Promise<void>;
    ofType(type: string): RecordedResource[];
}

/**
 * Installs Pulumi's own mock monitor (the engine is the part we cannot run here) and records
 * every resource registration. Call before importing the code under test.
 */
export function installMocks(opts: {
    project?: string;
    stack?: string;
    preview?: boolean;
    /** Extra output properties the cloud would compute (e.g. an assigned IP), merged over the inputs. */
    outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
    /** What a cloud function (invoke) returns, merged over its inputs (e.g. a Run Command's instance view). */
    callResults?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined;
} = {}): MockedEngine {
    const resources: RecordedResource[] = [];
    let pendingDependencies: string[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom ?? true, dependencies: pendingDependencies });
                pendingDependencies = [];
                return { id: `${args.name}-id`, state: { ...args.inputs, ...(opts.outputs?.(args) ?? {}) } };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return { ...args.inputs, ...(opts.callResults?.(args) ?? {}) };
            },
        },
        opts.project ?? "windows-isolation",
        opts.stack ?? "test",
        opts.preview ?? false,
    );
    // The mock monitor does not pass the request's dependency list to newResource; read it from
    // the request itself (newResource runs synchronously right after, in the same turn).
    type RegisterRequest = { getDependenciesList(): string[] };
    type Monitor = { registerResource(req: RegisterRequest, callback: unknown): unknown };
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
        pendingDependencies = req.getDependenciesList();
        return registerResource(req, callback);
    };
    return {
        resources,
        ofType: (type) => resources.filter((r) => r.type === type),
        async settle() {
            let last = -1;
            let stableTurns = 0;
            while (stableTurns < 5) {
                await new Promise((r) => setTimeout(r, 5));
                if (resources.length === last) stableTurns++;
                else {
                    stableTurns = 0;
                    last = resources.length;
                }
            }
        },
    };
}

/** The value of an Output, and whether it was marked secret. */
export async function unwrap<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    const value = await new Promise<T>((resolve) => output.apply((v) => { resolve(v); return v; }));
    const secret = await pulumi.isSecret(output);
    return { value, secret };
}

/** How a secret value appears in recorded inputs (Pulumi's wire form for secrets). */
export function secretValue(value: unknown): Record<string, unknown> {
    return { [rpc.specialSigKey]: rpc.specialSecretSig, value };
}

/** Every plain string in a recorded value that is not wrapped as a secret. */
export function plainStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(plainStrings);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[rpc.specialSigKey] === rpc.specialSecretSig) return [];
        return Object.values(record).flatMap(plainStrings);
    }
    return [];
}
