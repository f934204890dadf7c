import * as pulumi from "@pulumi/pulumi";

export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: unknown;
}

/**
 * Pulumi's mock monitor in preview mode, counting registrations (a benchmark run waits for all of
 * them). With `record`, it also keeps every registration's type, name and inputs, so a test can
 * check that two ways of declaring a workload register the same graph.
 */
export async function installCountingMocks(record = false): Promise<{ registered(): number; recorded(): Registration[]; waitFor(expected: number): Promise<void> }> {
    let registered = 0;
    const recorded: Registration[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered++;
                if (record) recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "bench",
        "bench",
        true,
    );
    return {
        registered: () => registered,
        recorded: () => recorded,
        async waitFor(expected) {
            while (registered < expected) await new Promise((r) => setTimeout(r, 1));
        },
    };
}
