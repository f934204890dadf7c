/** What running the program hands back: every resource the program registered, as the engine saw it. */
import { RecordedResource } from "../analyzer/resource";

/** `secrets`: every secret value that reached the plan's monitor (never printed by the plan). */
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
