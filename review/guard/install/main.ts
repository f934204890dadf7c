/**
 * `windows-isolation guard install`: installs the guard on a host you run (docs/guard.md). Checks
 * everything first (the address, the settings through the guard's own reader, daemon.json), then
 * writes the plugin spec where dockerd looks, on Windows registers the SYSTEM startup task that
 * starts the guard before dockerd, and names the guard in daemon.json; it prints each change and
 * what is left (restarting dockerd). `--dry-run` prints the same without writing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { GUARD_PIPE_ADDRESS, GUARD_PLUGIN_NAME } from "../../../rules/guard/plugin";
import { describeArgProblem, scanArgs } from "../../cli/args";
import { EXIT_CODES_HELP, ExitCode } from "../../cli/exitCode";
import { parseListenAddress } from "../address";
import { loadSettings } from "../settings";
import { withGuardPlugin } from "./daemonJson";
import { InstallStep, planInstall, Platform } from "./plan";

export const INSTALL_HELP = [
    "usage: windows-isolation guard install [--settings <file.json>] [--listen <address>] [--dry-run]",
    "         [--daemon-json <file>] [--plugin-dir <dir>] [--node <node>] [--guard <script.js>] [--platform windows|linux]",
    "",
    "Installs the guard on a host you run, as an administrator (docs/guard.md): the plugin spec in --plugin-dir,",
    `on Windows a SYSTEM startup task '${GUARD_PLUGIN_NAME}' that starts the guard before dockerd, and`,
    `"authorization-plugins": ["${GUARD_PLUGIN_NAME}"] in daemon.json (other keys kept). Then restart dockerd.`,
    "  --settings     the guard's settings (checked by the guard's reader; default: none, the fail-closed defaults)",
    "  --listen       default npipe:////./pipe/windows-isolation-guard (Windows), unix:///run/windows-isolation-guard.sock (Linux)",
    "  --daemon-json  default %ProgramData%\\docker\\config\\daemon.json (Windows), /etc/docker/daemon.json (Linux)",
    "  --plugin-dir   default %ProgramData%\\docker\\plugins (Windows), /etc/docker/plugins (Linux)",
    "  --node         the node that runs the guard (default: this one); --guard the script (default: this command's)",
    "  --dry-run      print the changes, write nothing",
    "",
    EXIT_CODES_HELP,
].join("\n");

interface Defaults {
    readonly listen: string;
    readonly daemonJson: string;
    readonly pluginDir: string;
}

function defaultsFor(platform: Platform): Defaults {
    if (platform === "linux") return { listen: `unix:///run/${GUARD_PLUGIN_NAME}.sock`, daemonJson: "/etc/docker/daemon.json", pluginDir: "/etc/docker/plugins" };
    // moby pkg/plugins/discovery_windows.go: %ProgramData%\docker\plugins.
    const programData = process.env.ProgramData ?? "C:\\ProgramData";
    return {
        listen: GUARD_PIPE_ADDRESS,
        daemonJson: path.win32.join(programData, "docker", "config", "daemon.json"),
        pluginDir: path.win32.join(programData, "docker", "plugins"),
    };
}

/** The file's text, undefined when it does not exist, or the reason it cannot be read. */
function readIfPresent(flag: string, file: string): { ok: true; text: string | undefined } | { ok: false; problem: string } {
    try {
        return { ok: true, text: fs.readFileSync(file, "utf8") };
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ENOENT") return { ok: true, text: undefined };
        return { ok: false, problem: `${flag} ${file}: cannot be read (${err.code ?? err.message})` };
    }
}

/** Written next to the file, then renamed over it: dockerd never reads half a daemon.json. */
function writeFileAtomically(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    // A file written over keeps its mode (Unix); a new one gets the folder's defaults.
    const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : undefined;
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(tmp, text, { encoding: "utf8", ...(mode === undefined ? {} : { mode }) });
    fs.renameSync(tmp, file);
}

function registerTask(step: Extract<InstallStep, { kind: "task" }>): string | undefined {
    // spawnSync ends the child before it returns, on every path.
    const r = spawnSync("powershell.exe", ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", step.script, ...step.args], { encoding: "utf8", windowsHide: true });
    if (r.error) return `powershell.exe: ${r.error.message}`;
    if (r.status !== 0) return `${path.basename(step.script)} exited ${r.status}: ${`${r.stderr}\n${r.stdout}`.trim().split(/\r?\n/).filter(Boolean).pop() ?? "no output"}`;
    return undefined;
}

export function install(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
    const fail = (message: string): number => (err(`windows-isolation guard install: ${message}`), ExitCode.Error);
    const args = scanArgs(argv, { values: ["--settings", "--listen", "--daemon-json", "--plugin-dir", "--node", "--guard", "--platform"], switches: ["--dry-run"], once: true });
    if (args.help) return (out(INSTALL_HELP), ExitCode.Ok);
    if (args.problem) return fail(`${describeArgProblem(args.problem)} (windows-isolation guard install --help)`);
    const platformArg = args.values.get("--platform") ?? (process.platform === "win32" ? "windows" : "linux");
    if (platformArg !== "windows" && platformArg !== "linux") return fail(`--platform ${JSON.stringify(platformArg)} is not windows or linux`);
    const platform: Platform = platformArg;
    const defaults = defaultsFor(platform);
    const dryRun = args.switches.includes("--dry-run");

    // Everything is checked before anything is written; every problem is reported at once.
    const problems: string[] = [];
    const listen = parseListenAddress(args.values.get("--listen") ?? defaults.listen);
    if (!listen.ok) problems.push(listen.problem);
    const settingsArg = args.values.get("--settings");
    const settingsFile = settingsArg === undefined ? undefined : path.resolve(settingsArg);
    const settings = loadSettings(settingsFile);
    if (!settings.ok) problems.push(settings.problem);
    const daemonJsonFile = args.values.get("--daemon-json") ?? defaults.daemonJson;
    const daemonJson = readIfPresent("--daemon-json", daemonJsonFile);
    if (!daemonJson.ok) problems.push(daemonJson.problem);
    // Checked here too, so that a broken daemon.json is named along with the other problems.
    const merged = daemonJson.ok ? withGuardPlugin(daemonJsonFile, daemonJson.text, GUARD_PLUGIN_NAME) : undefined;
    if (merged && !merged.ok) problems.push(merged.problem);
    const specFile = path.join(args.values.get("--plugin-dir") ?? defaults.pluginDir, `${GUARD_PLUGIN_NAME}.spec`);
    const spec = readIfPresent("--plugin-dir", specFile);
    if (!spec.ok) problems.push(spec.problem);
    const node = path.resolve(args.values.get("--node") ?? process.execPath);
    const guardScript = path.resolve(args.values.get("--guard") ?? process.argv[1] ?? "");
    for (const [flag, file] of [["--node", node], ["--guard", guardScript]] as const) {
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) problems.push(`${flag} ${file}: no such file; give the ${flag === "--node" ? "node executable" : "windows-isolation CLI or guard bundle"} that should run the guard`);
    }
    const taskScript = path.join(__dirname, "guard-task.ps1");
    if (problems.length > 0 || !listen.ok || !settings.ok || !daemonJson.ok || !spec.ok) return fail(problems.join("; "));

    const planned = planInstall({
        platform,
        plugin: GUARD_PLUGIN_NAME,
        listen: listen.address,
        settings: settingsFile === undefined ? undefined : { file: settingsFile, parsed: settings.settings },
        daemonJson: { file: daemonJsonFile, text: daemonJson.text },
        spec: { file: specFile, text: spec.text },
        node,
        guardScript,
        taskScript: fs.existsSync(taskScript) ? taskScript : undefined,
    });
    if (!planned.ok) return fail(planned.problems.join("; "));

    out(`windows-isolation guard install (${platform})${dryRun ? ": dry run, nothing is written" : ""}`);
    for (const step of planned.plan.steps) {
        if (step.kind === "unchanged") {
            out(`  unchanged ${step.file}: ${step.what}`);
        } else if (step.kind === "write") {
            out(`  ${dryRun ? "would write" : "wrote"} ${step.file}: ${step.what}`);
            if (dryRun) continue;
            try {
                writeFileAtomically(step.file, step.text);
            } catch (e) {
                return fail(`writing ${step.file}: ${(e as Error).message}; the lines above were done, nothing after`);
            }
        } else {
            out(`  ${dryRun ? "would register" : "registered"} ${step.what}`);
            if (dryRun) continue;
            const problem = registerTask(step);
            if (problem) return fail(`registering the startup task: ${problem}; daemon.json was not changed`);
        }
    }
    out("left to do:");
    planned.plan.left.forEach((l, n) => out(`  ${n + 1}. ${l}`));
    return ExitCode.Ok;
}
