/**
 * A resource as the Pulumi engine registered it, the unit the analyzer protocol carries: the plan
 * records these from a program run, the analyzer client sends them to a policy pack.
 */

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
    /** The URNs the resource's `aliases` name (its former names), as the engine collapses them; absent when it has none. */
    readonly aliases?: string[];
    /** A default provider the engine would register from stack config (the program declares none). */
    readonly defaultProvider?: true;
}

/**
 * Pulumi's wire form of a secret (sdk/go/common/resource/plugin: secret signature). The unknown
 * sentinel lives with the rules that read it (rules/policies/unknownValues.ts).
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
