/**
 * What `windows-isolation guard install` changes on a host, decided before anything is written:
 * every problem at once, or the ordered steps. Pure (the files' texts come in, the steps go out),
 * so that `--dry-run` prints exactly what a real run does.
 *
 * The order matters: daemon.json names the guard LAST, once its spec is in place and (on Windows)
 * its startup task runs it, because a dockerd restarted while its authorization plugin cannot be
 * reached refuses every request.
 */
import { statedDefaultHolds } from "../../../rules/guard/daemonDefaultIsolation";
import { ListenAddress, specFileContent } from "../address";
import { GuardSettings } from "../settings";
import { withGuardPlugin } from "./daemonJson";

export type Platform = "windows" | "linux";

export interface InstallInputs {
    readonly platform: Platform;
    readonly plugin: string;
    readonly listen: ListenAddress;
    /** The settings file (absolute) and what the guard's own reader made of it; none: the guard's defaults. */
    readonly settings?: { readonly file: string; readonly parsed: GuardSettings };
    readonly daemonJson: { readonly file: string; readonly text: string | undefined };
    /** The spec file's path (`<plugin dir>/<plugin>.spec`) and its current text, if any. */
    readonly spec: { readonly file: string; readonly text: string | undefined };
    /** The node executable and the script that runs `guard` (the package's CLI or the bundle). */
    readonly node: string;
    readonly guardScript: string;
    /** Windows: the PowerShell script that registers the startup task (undefined: not shipped here). */
    readonly taskScript: string | undefined;
}

export type InstallStep =
    | { readonly kind: "write"; readonly file: string; readonly text: string; readonly what: string }
    | { readonly kind: "unchanged"; readonly file: string; readonly what: string }
    | { readonly kind: "task"; readonly script: string; readonly args: readonly string[]; readonly what: string };

export interface InstallPlan {
    readonly steps: readonly InstallStep[];
    /** What the administrator still does, in order. */
    readonly left: readonly string[];
}

export const TASK_NAME = "windows-isolation-guard";

const SCHEMES: Record<Platform, readonly ListenAddress["scheme"][]> = { windows: ["npipe", "tcp"], linux: ["unix", "tcp"] };

/** The command line that runs the guard, as the startup task (or a unit) runs it. */
export function guardCommand(i: Pick<InstallInputs, "node" | "guardScript" | "listen" | "settings">): string[] {
    return [i.node, i.guardScript, "guard", "--listen", i.listen.url, ...(i.settings ? ["--settings", i.settings.file] : [])];
}

export function planInstall(i: InstallInputs): { ok: true; plan: InstallPlan } | { ok: false; problems: string[] } {
    const problems: string[] = [];
    if (!SCHEMES[i.platform].includes(i.listen.scheme)) {
        problems.push(`--listen ${i.listen.url}: dockerd on ${i.platform} does not dial ${i.listen.scheme} plugin addresses; use ${SCHEMES[i.platform].map((s) => (s === "npipe" ? "npipe:////./pipe/<name>" : s === "unix" ? "unix:///path.sock" : "tcp://127.0.0.1:<port>")).join(" or ")}`);
    }
    const merged = withGuardPlugin(i.daemonJson.file, i.daemonJson.text, i.plugin);
    if (!merged.ok) problems.push(merged.problem);
    const stated = i.settings?.parsed.daemonDefaultIsolation;
    if (merged.ok && !statedDefaultHolds(stated, merged.merged.defaultIsolation)) {
        const configured = merged.merged.defaultIsolation;
        problems.push(`--settings ${i.settings?.file}: daemonDefaultIsolation '${stated}' but ${i.daemonJson.file} ${configured ? `sets exec-opts isolation=${configured}` : "sets no exec-opts isolation (Windows Server's default is process)"}; add "exec-opts": ["isolation=${stated}"] to daemon.json or leave daemonDefaultIsolation out`);
    }
    if (i.platform === "windows" && i.taskScript === undefined) {
        problems.push("the startup task's script guard-task.ps1 is missing next to this install command; reinstall the npm package (npm install -g windows-isolation)");
    }
    if (problems.length > 0 || !merged.ok) return { ok: false, problems };

    const command = guardCommand(i);
    const steps: InstallStep[] = [];
    const spec = specFileContent(i.listen);
    steps.push(i.spec.text === spec
        ? { kind: "unchanged", file: i.spec.file, what: `plugin spec already ${spec.trim()}` }
        : { kind: "write", file: i.spec.file, text: spec, what: `plugin spec ${spec.trim()}${i.spec.text === undefined ? "" : ` (was ${JSON.stringify(i.spec.text.trim())})`}` });
    if (i.platform === "windows") {
        steps.push({
            kind: "task",
            script: i.taskScript!,
            args: ["-TaskName", TASK_NAME, "-Node", i.node, "-Guard", i.guardScript, "-Listen", i.listen.url, ...(i.settings ? ["-Settings", i.settings.file] : [])],
            what: `startup task ${TASK_NAME} (SYSTEM, at startup): runs ${command.join(" ")}, waits until it answers on ${i.listen.url}, then starts the docker service (set to start manually, so never before the guard); started now`,
        });
    }
    const plugins = JSON.stringify(merged.merged.plugins);
    steps.push(merged.merged.text === undefined
        ? { kind: "unchanged", file: i.daemonJson.file, what: `daemon.json already names ${i.plugin}: authorization-plugins ${plugins}` }
        : { kind: "write", file: i.daemonJson.file, text: merged.merged.text, what: `daemon.json authorization-plugins ${plugins}${i.daemonJson.text === undefined ? " (new file)" : " (other keys kept)"}` });

    const left: string[] = [];
    if (i.platform === "linux") left.push(`start the guard before dockerd at every boot, as root (e.g. a systemd unit with Before=docker.service): ${command.join(" ")}`);
    left.push(i.platform === "windows"
        ? "restart dockerd (Restart-Service docker)"
        : "restart dockerd (systemctl restart docker)");
    left.push(`check that \`docker info\` lists ${i.plugin} under Plugins > Authorization (verify reports engine-unguarded until it does)`);
    return { ok: true, plan: { steps, left } };
}
