#!/usr/bin/env node
/**
 * `windows-isolation <tool> [args...]`: the one command the npm package installs. It only
 * dispatches: each tool is a module under `review/` (see TOOLS) that exports
 * `main(argv: string[]): number | Promise<number>` returning the exit code
 * (0 ok, 1 policy violation or isolation mismatch, 2 bad input or error), and runs itself only
 * when it is the entry point (`require.main === module`).
 */
import * as fs from "fs";
import * as path from "path";

/** The tools, by command name, with the module each one lives in (relative to `review/`). */
export const TOOLS: Readonly<Record<string, { readonly module: string; readonly summary: string }>> = {
    plan: { module: "plan/main", summary: "offline preview of a Pulumi program + policy report (--stack <name> | --program <dir>)" },
    verify: { module: "verify/cli", summary: "runtime attestation: running workloads against their declared isolation" },
};

export interface Output {
    out(text: string): void;
    err(text: string): void;
}

const consoleOutput: Output = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

/** The package's own package.json, found by walking up (source: ../, build: ../../). */
export function packageManifest(from: string = __dirname): { name: string; version: string } {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
            if (manifest.name === "windows-isolation") return manifest;
        }
        if (path.dirname(dir) === dir) throw new Error(`windows-isolation: no package.json named windows-isolation above ${from}`);
    }
}

function usage(): string {
    const width = Math.max(...Object.keys(TOOLS).map((t) => t.length));
    return [
        "usage: windows-isolation <tool> [args...]",
        "",
        ...Object.entries(TOOLS).map(([name, tool]) => `  ${name.padEnd(width)}  ${tool.summary}`),
        "",
        "exit codes: 0 ok, 1 policy violation or isolation mismatch, 2 bad input or error",
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
        return 0;
    }
    if (command === "--version" || command === "-v") {
        io.out(packageManifest().version);
        return 0;
    }
    if (command === undefined) {
        io.err(usage());
        return 2;
    }
    const tool = Object.prototype.hasOwnProperty.call(TOOLS, command) ? TOOLS[command] : undefined;
    if (!tool) {
        io.err(`windows-isolation: unknown tool '${command}'; use one of ${Object.keys(TOOLS).join(", ")} (windows-isolation --help)`);
        return 2;
    }
    let modulePath: string;
    try {
        modulePath = require.resolve(path.join(reviewDir, tool.module));
    } catch {
        io.err(`windows-isolation ${command}: this installation has no ${command} tool (review/${tool.module} is missing from ${reviewDir}); upgrade windows-isolation to a version that ships it`);
        return 2;
    }
    let main: unknown;
    try {
        main = ((await import(modulePath)) as { main?: unknown }).main;
    } catch (e) {
        io.err(`windows-isolation ${command}: could not load ${modulePath}: ${(e as Error).message}`);
        return 2;
    }
    if (typeof main !== "function") {
        io.err(`windows-isolation ${command}: ${modulePath} does not export main(argv) returning the exit code`);
        return 2;
    }
    try {
        const code: unknown = await main(rest);
        if (typeof code !== "number" || !Number.isInteger(code)) {
            io.err(`windows-isolation ${command}: the tool returned ${JSON.stringify(code)} instead of an exit code`);
            return 2;
        }
        return code;
    } catch (e) {
        io.err(`windows-isolation ${command}: ${(e as Error).stack ?? String(e)}`);
        return 2;
    }
}

if (require.main === module) {
    // Exit explicitly once stdout is flushed: a tool's stray socket must not keep the command alive.
    dispatch(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
        process.stdout.write("", () => process.exit(code));
    });
}
