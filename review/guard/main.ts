/**
 * `windows-isolation guard --listen <address> [--settings <file.json>]`: serves Docker's authz
 * plugin protocol until SIGTERM or SIGINT, then closes and exits 0.
 * `windows-isolation guard spec --name <plugin> --listen <address>`: prints the plugin spec file.
 */
import * as fs from "node:fs";
import { describeArgProblem, scanArgs } from "../cli/args";
import { EXIT_CODES_HELP, ExitCode } from "../cli/exitCode";
import { parseListenAddress, specFileContent } from "./address";
import { fileAudit, streamAudit } from "./audit";
import { PLUGIN_NAME } from "./protocol";
import { startGuardServer } from "./server";
import { DEFAULT_SETTINGS, GuardSettings, parseSettings } from "./settings";

const HELP = [
    "usage: windows-isolation guard --listen <address> [--settings <file.json>]",
    "       windows-isolation guard spec --name <plugin> --listen <address>",
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

export function loadSettings(file: string | undefined): { ok: true; settings: GuardSettings } | { ok: false; problem: string } {
    if (file === undefined) return { ok: true, settings: DEFAULT_SETTINGS };
    let json: unknown;
    try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        return { ok: false, problem: `--settings ${file}: ${e instanceof SyntaxError ? "not JSON" : (e as Error).message}` };
    }
    const parsed = parseSettings(json);
    return parsed.ok ? parsed : { ok: false, problem: `--settings ${file}: ${parsed.problems.join("; ")}` };
}

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

export async function main(argv: string[]): Promise<number> {
    if (argv[0] === "spec") return spec(argv.slice(1));
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
