/**
 * The command-line grammar both tools share: `--flag value`, `--flag=value`, bare switches and
 * `--help`/`-h`. It only tokenizes; each tool folds the flags into its own arguments and checks
 * how they combine, so every refusal still names the tool's flag and fix.
 */
export interface FlagSpec {
    /** Flags that take a value. */
    readonly values: readonly string[];
    /** Flags that stand alone. */
    readonly switches: readonly string[];
    /** Refuse a value flag given twice (otherwise the last one counts). */
    readonly once?: boolean;
}

export type ArgProblem =
    | { readonly kind: "unknown"; readonly arg: string }
    | { readonly kind: "missing-value"; readonly flag: string }
    | { readonly kind: "twice"; readonly flag: string };

export interface ScannedArgs {
    /** Each value flag's value. */
    readonly values: ReadonlyMap<string, string>;
    /** The switches given, in order (a switch given twice appears twice). */
    readonly switches: readonly string[];
    /** `--help` or `-h` came before any problem. */
    readonly help: boolean;
    /** The first problem; scanning stops there. */
    readonly problem?: ArgProblem;
}

const HELP = ["--help", "-h"];

export function scanArgs(argv: readonly string[], spec: FlagSpec): ScannedArgs {
    const values = new Map<string, string>();
    const switches: string[] = [];
    let help = false;
    const stop = (problem: ArgProblem): ScannedArgs => ({ values, switches, help, problem });
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (HELP.includes(arg)) {
            help = true;
            continue;
        }
        if (spec.switches.includes(arg)) {
            switches.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const flag = eq > 0 ? arg.slice(0, eq) : arg;
        if (!spec.values.includes(flag)) return stop({ kind: "unknown", arg });
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        // A following flag is not a value: `--stack --out x` forgot the stack's name.
        if (value === undefined || value === "" || value.startsWith("--")) return stop({ kind: "missing-value", flag });
        if (spec.once && values.has(flag)) return stop({ kind: "twice", flag });
        values.set(flag, value);
    }
    return { values, switches, help };
}

/** The problem in words; tools add their own pointer to help. */
export function describeArgProblem(p: ArgProblem): string {
    switch (p.kind) {
        case "unknown":
            return `unknown argument '${p.arg}'`;
        case "missing-value":
            return `${p.flag} needs a value`;
        case "twice":
            return `${p.flag} given twice; give it once`;
    }
}
