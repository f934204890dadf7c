/* eslint-disable @typescript-eslint/no-explicit-any -- recorded inputs are engine JSON of any shape; every read is checked */
/**
 * Finds the Pulumi project, program and stack config the plan runs, the way the Pulumi CLI
 * does: Pulumi.yaml (`name`, `runtime`, `main`, `stackConfigDir`, project `config`) and
 * `<stackConfigDir>/Pulumi.<stack>.yaml`. `main` gives the program's working directory and
 * entry point as the CLI's getPwdMain (pkg/engine/project.go) does. `secure:` values cannot be
 * decrypted here, so each is replaced by a clearly marked placeholder and kept secret; config
 * the plan cannot see through (a Pulumi ESC `environment:`, a secure value inside structured
 * config) is refused.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ProgramConfig } from "./recorded";

export class PlanInputError extends Error {}

export interface PlanTarget {
    /** Where Pulumi.yaml is (the language host's root directory). */
    readonly projectDir: string;
    /** The program's working directory (the language host's program directory, `--pwd`). */
    readonly programDir: string;
    /** The entry point the CLI hands the language host: "." (the program directory) or a file name in it. */
    readonly entryPoint: string;
    /** Pulumi.yaml `runtime.options`, as the Node.js language host reads them. */
    readonly runtimeOptions: Readonly<Record<string, unknown>>;
    readonly configFile: string;
    readonly config: ProgramConfig;
}

interface ProjectFile {
    readonly name?: unknown;
    readonly runtime?: unknown;
    readonly main?: unknown;
    readonly stackConfigDir?: unknown;
    readonly config?: unknown;
}

export function placeholderFor(key: string): string {
    return `<plan placeholder for secure config '${key}': not the real value>`;
}

function readYaml(file: string): any {
    try {
        return yaml.load(fs.readFileSync(file, "utf8")) ?? {};
    } catch (e) {
        throw new PlanInputError(`cannot read ${file}: ${(e as Error).message}`);
    }
}

function findProjectDir(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "Pulumi.yaml");
        if (fs.existsSync(file)) {
            if (dir === start) return dir;
            // A project further up counts only if its program is the directory we were given.
            const main = (readYaml(file) as ProjectFile).main;
            if (typeof main === "string" && [path.resolve(dir, main), path.dirname(path.resolve(dir, main))].includes(start)) return dir;
        }
        if (path.dirname(dir) === dir) break;
    }
    throw new PlanInputError(`no Pulumi.yaml found for program directory ${start}; pass --program <project or program dir>`);
}

function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A Pulumi.yaml `config:` entry: a plain value, or `{type?, default?, value?}` (a declaration without a default sets nothing). */
function projectConfigValue(v: unknown): unknown {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    if ("value" in o) return o.value;
    if ("default" in o) return o.default;
    if ("type" in o || "description" in o) return undefined;
    return v;
}

export function resolveTarget(opts: { program?: string; stack?: string; cwd: string }): PlanTarget {
    const start = path.resolve(opts.cwd, opts.program ?? ".");
    if (!fs.existsSync(start) || !fs.statSync(start).isDirectory()) throw new PlanInputError(`--program ${opts.program}: ${start} is not a directory`);
    const projectDir = findProjectDir(start);
    const project = readYaml(path.join(projectDir, "Pulumi.yaml")) as ProjectFile;
    if (typeof project.name !== "string" || project.name === "") throw new PlanInputError(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
    const { programDir, entryPoint } = pwdMain(projectDir, project.main);
    const runtimeOptions = nodejsRuntimeOptions(projectDir, project.runtime);
    const configDir = path.resolve(projectDir, typeof project.stackConfigDir === "string" ? project.stackConfigDir : ".");

    let stack = opts.stack;
    if (stack === undefined) {
        const stacks = fs.readdirSync(configDir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined);
        if (stacks.length !== 1) throw new PlanInputError(`--stack is required: ${configDir} has ${stacks.length === 0 ? "no stack files" : `stacks ${stacks.join(", ")}`}`);
        stack = stacks[0];
    }
    const configFile = [".yaml", ".yml"].map((e) => path.join(configDir, `Pulumi.${stack}${e}`)).find((f) => fs.existsSync(f));
    if (!configFile) throw new PlanInputError(`--stack ${stack}: no Pulumi.${stack}.yaml in ${configDir}`);

    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];
    const fullKey = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
    // Project-level defaults first, then the stack file wins.
    for (const [k, v] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        const value = projectConfigValue(v);
        if (value !== undefined) values[fullKey(k)] = configString(value);
    }
    const stackFile = readYaml(configFile) as { config?: unknown; environment?: unknown };
    refuseUnresolvable(configFile, stackFile);
    const stackConfig = (stackFile.config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(stackConfig)) {
        const key = fullKey(k);
        if (v !== null && typeof v === "object" && "secure" in v) {
            values[key] = placeholderFor(key);
            secretKeys.push(key);
            placeholders.push(key);
        } else {
            values[key] = configString(v);
        }
    }
    return { projectDir, programDir, entryPoint, runtimeOptions, configFile, config: { project: project.name, stack, values, secretKeys, placeholders } };
}

const PREVIEW_INSTEAD = "judge this stack with `pulumi preview --policy-pack policy` instead";

/**
 * A stack file whose config the plan cannot see as the program would: an `environment:` (Pulumi
 * ESC, whose values and secrets come from the environment's providers at preview), or a `secure:`
 * value inside structured config (decrypted by the CLI; the plan would hand the program its ciphertext).
 */
function refuseUnresolvable(configFile: string, stackFile: { config?: unknown; environment?: unknown }): void {
    if (stackFile.environment !== undefined && stackFile.environment !== null) {
        throw new PlanInputError(`${configFile}: 'environment:' imports Pulumi ESC environment(s) ${JSON.stringify(stackFile.environment)} whose config the plan cannot resolve; ${PREVIEW_INSTEAD}`);
    }
    const config = stackFile.config;
    if (config === undefined || config === null) return;
    if (typeof config !== "object" || Array.isArray(config)) throw new PlanInputError(`${configFile}: 'config:' must be a map of key to value`);
    for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
        const isTopSecure = v !== null && typeof v === "object" && "secure" in v;
        if (!isTopSecure && hasNestedSecure(v)) throw new PlanInputError(`${configFile}: config '${k}' holds a 'secure:' value inside structured config, which the plan cannot resolve; ${PREVIEW_INSTEAD}`);
    }
}

function hasNestedSecure(v: unknown): boolean {
    if (Array.isArray(v)) return v.some(hasNestedSecure);
    if (v === null || typeof v !== "object") return false;
    if ("secure" in v) return true;
    return Object.values(v).some(hasNestedSecure);
}

/** As the CLI's getPwdMain: `main` a directory is the working directory with entry "."; a file, its directory and its name. */
function pwdMain(projectDir: string, main: unknown): { programDir: string; entryPoint: string } {
    if (main === undefined || main === null || main === "") return { programDir: projectDir, entryPoint: "." };
    if (typeof main !== "string") throw new PlanInputError(`${path.join(projectDir, "Pulumi.yaml")}: 'main' must be a path`);
    const full = path.resolve(projectDir, main);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(full);
    } catch (e) {
        throw new PlanInputError(`${path.join(projectDir, "Pulumi.yaml")}: project 'main' could not be read: ${(e as Error).message}`);
    }
    return stat.isDirectory() ? { programDir: full, entryPoint: "." } : { programDir: path.dirname(full), entryPoint: path.basename(full) };
}

/** Pulumi.yaml `runtime`: the plan runs Node.js programs only; their `options` go to the language host as they are. */
function nodejsRuntimeOptions(projectDir: string, runtime: unknown): Record<string, unknown> {
    const file = path.join(projectDir, "Pulumi.yaml");
    const r = (typeof runtime === "string" ? { name: runtime } : runtime) as { name?: unknown; options?: unknown } | undefined;
    if (!r || typeof r !== "object" || r.name !== "nodejs") {
        throw new PlanInputError(`${file}: runtime ${JSON.stringify(r?.name ?? runtime)} is not supported; the plan runs only 'nodejs' programs (judge others with \`pulumi preview --policy-pack policy\`)`);
    }
    if (r.options === undefined || r.options === null) return {};
    if (typeof r.options !== "object" || Array.isArray(r.options)) throw new PlanInputError(`${file}: runtime.options must be a map`);
    return r.options as Record<string, unknown>;
}
