/** What the program runner hands back: every resource the program registered, as the engine saw it. */
import { RecordedResource, SourceLocation } from "../analyzer/resource";

/** `secrets`: every secret value the program showed the runner (never printed by the plan). */
export type ProgramResult =
    | { readonly ok: true; readonly resources: RecordedResource[]; readonly outputs: Record<string, unknown>; readonly secrets?: string[] }
    | { readonly ok: false; readonly error: string; readonly secrets?: string[] };

/** The config the program runs with; `placeholders` names the secure keys replaced by a marked placeholder. */
export interface ProgramConfig {
    readonly project: string;
    readonly stack: string;
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
    readonly placeholders: string[];
}

/**
 * What the program runner sends the plan over IPC, in order: each resource as it is registered
 * (so the runner keeps none of them), each secret as soon as the program shows it, and last
 * `done`. The plan takes a result only from a `done` whose count is the number of resources it
 * received: a runner that ends any other way is a failed program.
 */
export type RunnerMessage =
    | { readonly resource: Omit<RecordedResource, "location"> }
    | { readonly secrets: string[] }
    | { readonly done: RunnerDone };

/** `locations[i]`: where the i-th resource sent is declared (null: nowhere the plan can name). */
export type RunnerDone =
    | { readonly ok: true; readonly count: number; readonly locations: (SourceLocation | null)[]; readonly outputs: Record<string, unknown> }
    | { readonly ok: false; readonly count: number; readonly error: string };
