/**
 * The floor of bench:plan: a Pulumi program run under Pulumi's mock monitor with its stack's
 * config, as the plan runs it, and nothing else (no recording, no policy pack, no report).
 * Usage: runUnderMocks.ts <project dir> <stack>
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveTarget } from "../review/plan/project";

async function main(): Promise<void> {
    const [projectDir, stack] = process.argv.slice(2);
    const target = resolveTarget({ program: projectDir, stack, cwd: process.cwd() });
    const { project, values, secretKeys } = target.config;
    let registered = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered++;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        project,
        target.config.stack,
        true,
    );
    pulumi.runtime.setAllConfig(values, secretKeys);
    await pulumi.runtime.runInPulumiStack(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(target.programDir);
        return mod instanceof Function ? await mod() : mod;
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs?.();
    console.log(JSON.stringify({ registered }));
    process.exit(0);
}

main().catch((e) => {
    console.error(`runUnderMocks: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
});
