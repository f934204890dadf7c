/** What the program runner hands back: every resource the program registered, as the engine saw it. */

/** Where in the stack program a resource is declared. */
export interface SourceLocation {
    /** Absolute path. */
    readonly file: string;
    /** 1-based. */
    readonly line: number;
    /** 1-based. */
    readonly column: number;
}

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Parent URN (the stack for top-level resources). */
    readonly parent?: string;
    /** Provider URN for custom resources with an explicit provider. */
    readonly provider?: string;
    /** Inputs as the engine received them; secrets as Pulumi's secret envelope, unknowns as its sentinel. */
    readonly inputs: Record<string, unknown>;
    readonly location?: SourceLocation;
    /** A default provider the engine would register from stack config (the program declares none). */
    readonly defaultProvider?: true;
}

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

/** Pulumi's wire sentinels (sdk/go/common/resource/plugin: UnknownStringValue, secret signature). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
