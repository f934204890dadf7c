import * as pulumi from "@pulumi/pulumi";

/** Pulumi's mock monitor in preview mode, counting registrations (a benchmark run waits for all of them). */
export async function installCountingMocks(): Promise<{ registered(): number; waitFor(expected: number): Promise<void> }> {
    let registered = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered++;
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
        async waitFor(expected) {
            while (registered < expected) await new Promise((r) => setTimeout(r, 1));
        },
    };
}
