/** Entry point of `npm run verify`; exits explicitly so that no stray socket keeps it alive. */
import { runVerify } from "./main";

runVerify(process.argv.slice(2), process.env, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
}).then(
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
