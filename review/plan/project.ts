/* eslint-disable @typescript-eslint/no-explicit-any -- recorded inputs are engine JSON of any shape; every read is checked */
/**
 * Finds the Pulumi project, program and stack config the plan runs, the way the Pulumi CLI
 * does: Pulumi.yaml (`name`, `main`, `stackConfigDir`, project `config`) and
 * `<stackConfigDir>/Pulumi.<stack>.yaml`. `secure:` values cannot be decrypted here, so each is
 * replaced by a clearly marked placeholder and kept secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ProgramConfig } from "./recorded";

export class PlanInputError extends Error {}

export interface PlanTarget {
    readonly projectDir: string;
    readonly programDir: string;
    readonly configFile: string;
    readonly config: ProgramConfig;
}

interface ProjectFile {
    readonly name?: unknown;
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
            if (typeof main === "string" && path.resolve(dir, main) === start) return dir;
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
    const programDir = path.resolve(projectDir, typeof project.main === "string" ? project.main : ".");
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
    const stackConfig = ((readYaml(configFile) as { config?: unknown }).config ?? {}) as Record<string, unknown>;
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
    return { projectDir, programDir, configFile, config: { project: project.name, stack, values, secretKeys, placeholders } };
}
