/**
 * Entry point of `npm run verify` and of `windows-isolation verify` (which calls `main`).
 * Run directly, it exits explicitly so that no stray socket keeps it alive.
 */
import { runVerify } from "./main";

/** The verify tool with this process's environment and standard streams; returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
    return runVerify(argv, process.env, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    });
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
            // Flush stdout before leaving: a pipe may still hold the report.
            process.stdout.write("", () => process.exit(code));
        },
        (err) => {
            process.stderr.write(`verify: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
            process.exit(2);
        },
    );
}
