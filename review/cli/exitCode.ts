/**
 * The exit codes every windows-isolation tool and the `windows-isolation` command return. CI
 * branches on them, so they are one contract: a run that could not judge is never `Ok`.
 */
export const ExitCode = {
    /** Everything checked holds. */
    Ok: 0,
    /** A mandatory policy violation (plan) or an isolation mismatch or finding (verify). */
    Violation: 1,
    /** Bad input, or the tool could not finish (program failed, engine unreachable, timeout). */
    Error: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The one line `--help` texts end with. */
export const EXIT_CODES_HELP = `exit codes: ${ExitCode.Ok} ok, ${ExitCode.Violation} policy violation or isolation mismatch, ${ExitCode.Error} bad input or error`;
