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
 * What the program runner sends the plan over IPC: each secret as soon as the program shows it,
 * and last `done`. None of it decides a verdict (the resources are what the plan's own monitor
 * received): a `done` that is forged or withheld can only fail the program.
 */
export type RunnerMessage = { readonly secrets: string[] } | { readonly done: RunnerDone };

/** `locations["type::name"][n]`: where the n-th registration of that type and name is declared. */
export type RunnerDone = { readonly ok: true; readonly locations: Record<string, SourceLocation[]> } | { readonly ok: false; readonly error: string };
