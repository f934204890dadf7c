#!/usr/bin/env node
/**
 * `windows-isolation <tool> [args...]`: the one command the npm package installs. It only
 * dispatches: each tool is `review/<tool>/main` (see TOOLS), which exports
 * `main(argv: string[]): number | Promise<number>` returning the exit code (`ExitCode`,
 * review/cli/exitCode.ts), and runs itself only when it is the entry point
 * (`require.main === module`).
 */
import * as path from "path";
import { EXIT_CODES_HELP, ExitCode } from "../review/cli/exitCode";
import { packageVersion } from "../review/cli/version";
import { exitUnlessStopping } from "../review/process/children";

/** The tools, by command name, with the module each one lives in (relative to `review/`). */
export const TOOLS: Readonly<Record<string, { readonly module: string; readonly summary: string }>> = {
    plan: { module: "plan/main", summary: "offline preview of a Pulumi program + policy report (--stack <name> | --program <dir>)" },
    verify: { module: "verify/main", summary: "runtime attestation: running workloads against their declared isolation" },
    guard: { module: "guard/main", summary: "Docker authorization plugin: refuses untrusted work without Hyper-V at the engine (--listen <address>)" },
};

export interface Output {
    out(text: string): void;
    err(text: string): void;
}

const consoleOutput: Output = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

function usage(): string {
    const width = Math.max(...Object.keys(TOOLS).map((t) => t.length));
    return [
        "usage: windows-isolation <tool> [args...]",
        "",
        ...Object.entries(TOOLS).map(([name, tool]) => `  ${name.padEnd(width)}  ${tool.summary}`),
        "",
        EXIT_CODES_HELP,
    ].join("\n");
}

/**
 * Runs `argv` (without node and script) and returns the exit code. `reviewDir` is where the
 * tools live: next to this file's folder, in the source tree and in the built package alike.
 */
export async function dispatch(argv: readonly string[], reviewDir = path.join(__dirname, "..", "review"), io: Output = consoleOutput): Promise<number> {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || command === "help") {
        io.out(usage());
        return ExitCode.Ok;
    }
    if (command === "--version" || command === "-v") {
        io.out(packageVersion());
        return ExitCode.Ok;
    }
    if (command === undefined) {
        io.err(usage());
        return ExitCode.Error;
    }
    const tool = Object.prototype.hasOwnProperty.call(TOOLS, command) ? TOOLS[command] : undefined;
    if (!tool) {
        io.err(`windows-isolation: unknown tool '${command}'; use one of ${Object.keys(TOOLS).join(", ")} (windows-isolation --help)`);
        return ExitCode.Error;
    }
    let modulePath: string;
    try {
        modulePath = require.resolve(path.join(reviewDir, tool.module));
    } catch {
        io.err(`windows-isolation ${command}: this installation has no ${command} tool (review/${tool.module} is missing from ${reviewDir}); upgrade windows-isolation to a version that ships it`);
        return ExitCode.Error;
    }
    let main: unknown;
    try {
        main = ((await import(modulePath)) as { main?: unknown }).main;
    } catch (e) {
        io.err(`windows-isolation ${command}: could not load ${modulePath}: ${(e as Error).message}`);
        return ExitCode.Error;
    }
    if (typeof main !== "function") {
        io.err(`windows-isolation ${command}: ${modulePath} does not export main(argv) returning the exit code`);
        return ExitCode.Error;
    }
    try {
        const code: unknown = await main(rest);
        if (typeof code !== "number" || !Number.isInteger(code)) {
            io.err(`windows-isolation ${command}: the tool returned ${JSON.stringify(code)} instead of an exit code`);
            return ExitCode.Error;
        }
        return code;
    } catch (e) {
        io.err(`windows-isolation ${command}: ${(e as Error).stack ?? String(e)}`);
        return ExitCode.Error;
    }
}

if (require.main === module) {
    // Exit explicitly once stdout is flushed: a tool's stray socket must not keep the command alive.
    dispatch(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
        process.stdout.write("", () => exitUnlessStopping(code));
    });
}
