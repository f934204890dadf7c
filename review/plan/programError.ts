/**
 * The program's error as the plan prints it (one line, no stack), from the text Pulumi's runtime
 * logs to the engine (cmd/run run.ts uncaughtHandler): "Running program '<path>' failed with an
 * unhandled exception:" and the error's stack, often colored by util.inspect; or a
 * ResourceError's message; or a line the program logged with pulumi.log.error.
 */
const ANSI = /\u001b\[[0-9;]*m/g;
const RUNNING_PROGRAM = /^Running program '[^']*' failed with an unhandled exception:\s*/;
const STACK_FRAME = /^\s+at \S/;
const ERROR_NAME = /^(Error|ResourceError|RunError): /;

export function programErrorText(logged: string): string {
    const text = logged.replace(ANSI, "").replace(RUNNING_PROGRAM, "");
    const lines: string[] = [];
    for (const line of text.split("\n")) {
        if (STACK_FRAME.test(line)) break;
        if (line.trim() !== "") lines.push(line.trim());
    }
    return lines.join(" ").replace(ERROR_NAME, "") || text.trim();
}
