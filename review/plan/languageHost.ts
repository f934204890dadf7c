/**
 * The command line and environment Pulumi's Node.js language host gives a program
 * (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go: Run, execRuntime,
 * constructArguments, constructConfig, parseOptions), with the plan's own monitor and engine as
 * the addresses. The program then runs under Pulumi's own runtime, `@pulumi/pulumi/cmd/run` of the
 * program's own SDK: its entry point (Pulumi.yaml `main`, package.json `exports`/`main`), its
 * TypeScript compile (ts-node with the project's or the vendored TypeScript, the working
 * directory's tsconfig or Pulumi's defaults) and its module loading are Pulumi's code, not ours.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanInputError, PlanTarget } from "./project";
import { splitShellWords } from "./shellWords";

export interface Launch {
    /** node, then `nodeargs`, then the runtime's path and its arguments. */
    readonly args: string[];
    readonly env: NodeJS.ProcessEnv;
    /** The empty folder passed as `--sync` (removed by the caller). */
    readonly syncDir: string;
}

/** The language host's parseOptions: `typescript` (default true), `tsconfig`, `nodeargs`; `packagemanager` only installs. */
interface NodeOptions {
    readonly typescript: boolean;
    readonly tsconfigPath: string;
    readonly nodeargs: string;
}

export function nodeOptions(options: Readonly<Record<string, unknown>>): NodeOptions {
    const field = <T>(name: string, kind: "boolean" | "string", fallback: T): T => {
        if (!(name in options)) return fallback;
        if (typeof options[name] !== kind) throw new PlanInputError(`Pulumi.yaml runtime.options.${name}: must be a ${kind}, got ${JSON.stringify(options[name])}`);
        return options[name] as T;
    };
    return { typescript: field("typescript", "boolean", true), tsconfigPath: field("tsconfig", "string", ""), nodeargs: field("nodeargs", "string", "") };
}

/** The program's own `@pulumi/pulumi/cmd/run`, found as the language host's locateModule finds it (require.resolve from the program directory). */
export function runtimePath(programDir: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
    } catch {
        throw new PlanInputError(`no @pulumi/pulumi found from ${programDir}: it looks like the Pulumi SDK has not been installed (npm install)`);
    }
}

/** The CLI's default `--parallel` (pkg/cmd/pulumi/operations/up.go defaultParallel: 4 per CPU, or PULUMI_PARALLEL). */
function defaultParallel(): number {
    const fromEnv = Number(process.env.PULUMI_PARALLEL);
    return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism() * 4;
}

/**
 * npm's own variables when the plan was started by `npm run plan` (not the user's environment a
 * `pulumi preview` would pass on): the program would see them only under the plan.
 */
function withoutNpmScriptVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (env.npm_lifecycle_event === undefined) return { ...env };
    const out: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(env)) if (!/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "NODE") out[k] = v;
    // npm puts each node_modules/.bin from the package up to / (and its node-gyp-bin) before the user's PATH.
    if (env.PATH) out.PATH = env.PATH.split(path.delimiter).filter((d) => !/[/\\]node_modules[/\\]\.bin$/.test(d) && !/[/\\]node-gyp-bin$/.test(d)).join(path.delimiter);
    return out;
}

/** The config as constructConfig writes it: `<namespace>:config:<name>` keys (the SDK reads both forms). */
function configJson(values: Record<string, string>): string {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
        const at = key.indexOf(":");
        out[`${key.slice(0, at)}:config:${key.slice(at + 1)}`] = value;
    }
    return JSON.stringify(out);
}

export function languageHostLaunch(target: PlanTarget, address: string): Launch {
    const opts = nodeOptions(target.runtimeOptions);
    const nodeargs = splitShellWords(opts.nodeargs);
    if (nodeargs === undefined) throw new PlanInputError(`Pulumi.yaml runtime.options.nodeargs: ${JSON.stringify(opts.nodeargs)} has an unclosed quote`);
    const runPath = runtimePath(target.programDir);
    const syncDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-node-pipes"));
    const args = [
        ...nodeargs,
        runPath,
        "--monitor",
        address,
        "--engine",
        address,
        "--sync",
        syncDir,
        // The plan has no backend: the organization a diy backend (`pulumi login --local`) gives.
        "--organization",
        "organization",
        "--project",
        target.config.project,
        "--root-directory",
        target.projectDir,
        "--stack",
        target.config.stack,
        "--pwd",
        target.programDir,
        "--dry-run",
        "--parallel",
        String(defaultParallel()),
        target.entryPoint,
    ];
    const env: NodeJS.ProcessEnv = {
        ...withoutNpmScriptVariables(process.env),
        PULUMI_CONFIG: configJson(target.config.values),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(target.config.secretKeys),
    };
    if (opts.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (opts.tsconfigPath !== "") env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfigPath;
    return { args, env, syncDir };
}
