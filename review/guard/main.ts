/**
 * `windows-isolation guard --listen <address> [--settings <file.json>]`: serves Docker's authz
 * plugin protocol until SIGTERM or SIGINT, then closes and exits 0.
 * `windows-isolation guard spec --name <plugin> --listen <address>`: prints the plugin spec file.
 * `windows-isolation guard install ...`: installs it on a host you run (install/main.ts).
 */
import * as path from "node:path";
import { describeArgProblem, scanArgs } from "../cli/args";
import { EXIT_CODES_HELP, ExitCode } from "../cli/exitCode";
import { parseListenAddress, specFileContent } from "./address";
import { fileAudit, streamAudit } from "./audit";
import { PLUGIN_NAME } from "./protocol";
import { startGuardServer } from "./server";
import { loadSettings } from "./settings";

export { loadSettings };

const HELP = [
    "usage: windows-isolation guard --listen <address> [--settings <file.json>]",
    "       windows-isolation guard spec --name <plugin> --listen <address>",
    "       windows-isolation guard install [--settings <file.json>] [--dry-run] (windows-isolation guard install --help)",
    "",
    "A Docker authorization plugin that refuses untrusted work without Hyper-V isolation (docs/guard.md).",
    "  --listen    unix:///path.sock | tcp://127.0.0.1:<port> | npipe:////./pipe/<name>",
    "  --settings  JSON: daemonDefaultIsolation, trustedIdentities, localTrusted, allowPluginInstall,",
    "              allowSwarmJoin, allowLocalSwarmJoin, auditLog, auditMaxBytes (all optional;",
    "              defaults fail closed)",
    `  --name      the plugin's name (default ${PLUGIN_NAME}); the spec file is <name>.spec`,
    "",
    EXIT_CODES_HELP,
].join("\n");

const fail = (message: string): number => {
    process.stderr.write(`windows-isolation guard: ${message}\n`);
    return ExitCode.Error;
};

function spec(argv: readonly string[]): number {
    const args = scanArgs(argv, { values: ["--name", "--listen"], switches: [], once: true });
    if (args.help) return (process.stdout.write(`${HELP}\n`), ExitCode.Ok);
    if (args.problem) return fail(`${describeArgProblem(args.problem)} (windows-isolation guard --help)`);
    const name = args.values.get("--name") ?? PLUGIN_NAME;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return fail(`--name ${JSON.stringify(name)} is not a plugin name (letters, digits, '_', '.', '-')`);
    const listen = args.values.get("--listen");
    if (listen === undefined) return fail("spec needs --listen <address> (windows-isolation guard --help)");
    const address = parseListenAddress(listen);
    if (!address.ok) return fail(address.problem);
    process.stdout.write(specFileContent(address.address));
    return ExitCode.Ok;
}

/**
 * `guard install`, loaded by a computed path so that the single-file bundle the hosts we build run
 * (scripts/bundleGuard.js follows literal requires only) stays without it: those hosts never install.
 */
async function install(argv: readonly string[]): Promise<number> {
    let mod: typeof import("./install/main");
    try {
        mod = (await import(path.join(__dirname, "install", "main"))) as typeof import("./install/main");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
        return fail("install runs from the npm package (npm install -g windows-isolation), not from the single-file bundle");
    }
    return mod.install(argv);
}

export async function main(argv: string[]): Promise<number> {
    if (argv[0] === "spec") return spec(argv.slice(1));
    if (argv[0] === "install") return install(argv.slice(1));
    const args = scanArgs(argv, { values: ["--listen", "--settings"], switches: [], once: true });
    if (args.help) return (process.stdout.write(`${HELP}\n`), ExitCode.Ok);
    if (args.problem) return fail(`${describeArgProblem(args.problem)} (windows-isolation guard --help)`);
    const listen = args.values.get("--listen");
    if (listen === undefined) return fail("--listen <address> is required (windows-isolation guard --help)");
    const address = parseListenAddress(listen);
    if (!address.ok) return fail(address.problem);
    const settings = loadSettings(args.values.get("--settings"));
    if (!settings.ok) return fail(settings.problem);
    const s = settings.settings;
    const audit = s.auditLog ? fileAudit(s.auditLog, s.auditMaxBytes) : streamAudit(process.stderr);
    let guard;
    try {
        guard = await startGuardServer(address.address, s, audit);
    } catch (e) {
        return fail(`cannot listen on ${listen}: ${(e as Error).message}`);
    }
    process.stdout.write(`windows-isolation guard: listening on ${listen}\n`);
    await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
    });
    await guard.close();
    return ExitCode.Ok;
}
