/**
 * The ssh options a Docker provider passes to `ssh` for an `ssh://` endpoint (`sshOpts`,
 * kreuzwerker terraform-provider-docker `ssh_opts`, handed to docker/cli connhelper as extra
 * arguments of the ssh command line). SSH authenticates the engine by its host key; options that
 * turn that check off make the endpoint as open to a man in the middle as plain tcp, and whoever
 * sits there is root on the host.
 */
import { UNKNOWN_UNTIL_DEPLOY } from "../policies/unknownValues";

/** Options whose value turns host key checking off (ssh_config(5)). */
const KNOWN_HOSTS_FILES = ["userknownhostsfile", "globalknownhostsfile"];
/** Places that hold no keys: every host is then unknown, and with StrictHostKeyChecking off, accepted. */
const NO_FILE = /^(\/dev\/null|nul|none)$/i;

/** `-o Key=Value`, `-oKey=Value`, `-o "Key Value"` as [key, value]; undefined for other arguments. */
function option(arg: string): [string, string] | undefined {
    const m = /^(?:-o\s*)?([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/.exec(arg.trim());
    return m ? [m[1].toLowerCase(), m[2].trim().replace(/^"(.*)"$/, "$1")] : undefined;
}

/** Stack config (`docker:sshOpts`) reaches a default provider as JSON text; the provider reads it as the list. */
function fromConfigText(options: unknown): unknown {
    if (typeof options !== "string") return options;
    try {
        return JSON.parse(options);
    } catch {
        return options;
    }
}

/**
 * Why the ssh options weaken host authentication, one message each; none for options that keep
 * ssh's default (a host key that is not known is refused). `-F` (a config file the deploying
 * machine holds, which nobody here can read) and options not known until deploy fail closed.
 */
export function sshOptionsProblems(options: unknown, field = "sshOpts"): string[] {
    const sshOpts = fromConfigText(options);
    if (sshOpts === undefined || sshOpts === null) return [];
    const fix = `remove it (keep ssh's host key check and put the engine host's key in known_hosts)`;
    if (sshOpts === UNKNOWN_UNTIL_DEPLOY) return [`${field} is not known until deploy, so the plan cannot show it keeps ssh's host key check; set ${field} to literal options`];
    if (!Array.isArray(sshOpts)) return [`${field} is not a list of ssh arguments; set it as a list, e.g. ["-o", "ServerAliveInterval=30"]`];
    const problems: string[] = [];
    sshOpts.forEach((arg, i) => {
        const at = `${field}[${i}]`;
        if (typeof arg !== "string") {
            problems.push(`${at} is ${arg === UNKNOWN_UNTIL_DEPLOY ? "not known until deploy" : "not a string"}, so the plan cannot show it keeps ssh's host key check; set it to a literal option`);
            return;
        }
        // The flag and its value may be separate entries ("-o", "Key=Value").
        const text = arg.trim() === "-o" ? undefined : arg;
        if (text === undefined) return;
        if (/^-F/.test(text.trim())) {
            problems.push(`${at} '${arg}' makes ssh read a config file on the deploying machine, which may turn host key checking off; ${fix}`);
            return;
        }
        const o = option(text);
        if (!o) return;
        const [key, value] = o;
        if (key === "stricthostkeychecking" && !/^(yes|ask)$/i.test(value)) {
            problems.push(`${at} '${arg}' lets ssh accept an engine host key it does not know (StrictHostKeyChecking ${value}): a man in the middle becomes root on the host; ${fix}`);
        } else if (KNOWN_HOSTS_FILES.includes(key) && NO_FILE.test(value)) {
            problems.push(`${at} '${arg}' gives ssh no known host keys, so no engine host key is checked: a man in the middle becomes root on the host; ${fix}`);
        }
    });
    return problems;
}
