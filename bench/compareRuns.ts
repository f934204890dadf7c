/**
 * Runs a declaration script in raw and component mode, each run in its own process, alternating,
 * `runs` times each; returns the runs, medians and resource counts. Reported, not asserted.
 */
import { execFileSync } from "child_process";

export interface Comparison {
    readonly runs: { readonly component: number[]; readonly raw: number[] };
    readonly median: { readonly component: number; readonly raw: number };
    readonly resources: { readonly component: number; readonly raw: number };
}

function once(script: string, mode: "component" | "raw", args: readonly string[]): { wallMs: number; resources: number } {
    const out = execFileSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), script, mode, ...args], { encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function compareRuns(script: string, args: readonly string[], runs = 3): Comparison {
    const walls = { component: [] as number[], raw: [] as number[] };
    const resources = { component: 0, raw: 0 };
    for (let i = 0; i < runs; i++) {
        for (const mode of ["raw", "component"] as const) {
            const r = once(script, mode, args);
            walls[mode].push(r.wallMs);
            resources[mode] = r.resources;
        }
    }
    return { runs: walls, median: { component: median(walls.component), raw: median(walls.raw) }, resources };
}

/** Prints a comparison as the bench scripts do. */
export function printComparison(title: string, labels: { raw: string; component: string }, c: Comparison): void {
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    const width = Math.max(labels.raw.length, labels.component.length) + 1;
    console.log(title);
    console.log(`  ${`${labels.raw}:`.padEnd(width)} ${c.median.raw.toFixed(0)} ms (${c.resources.raw} resources) runs ${ms(c.runs.raw)}`);
    console.log(`  ${`${labels.component}:`.padEnd(width)} ${c.median.component.toFixed(0)} ms (${c.resources.component} resources) runs ${ms(c.runs.component)}`);
    console.log(`  ratio: ${(c.median.component / c.median.raw).toFixed(2)}x (target <= 1.3x)`);
}
