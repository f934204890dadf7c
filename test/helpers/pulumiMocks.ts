import * as pulumi from "@pulumi/pulumi";

/** One resource as the Pulumi engine received it under mocks. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested provider inputs
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    readonly custom: boolean;
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
export function installMocks(opts: { project?: string; stack?: string; preview?: boolean } = {}): MockedEngine {
    const resources: RecordedResource[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom ?? true });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        opts.project ?? "windows-isolation",
        opts.stack ?? "test",
        opts.preview ?? false,
    );
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
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- isSecret is internal to Output
    const secret = await (output as any).isSecret;
    return { value, secret };
}
