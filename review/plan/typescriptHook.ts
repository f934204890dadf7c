/* eslint-disable @typescript-eslint/no-require-imports -- the compiler is the program's own, found at run time */
/**
 * Preloaded (`node -r`) into the plan's child process: lets `require` load the program's `.ts`
 * files, transpiled with the program's own `typescript` (what its `tsc` uses, and what Pulumi's
 * Node.js runtime prefers too), as CommonJS with a source map the runner reads, so the plan's
 * `file:line` is the TypeScript line. Transpile only, like `pulumi preview`
 * with `noCheck`: type checking is the project's `tsc`.
 *
 * Why not ts-node: as a dependency of this package it pulls `typescript` in as a required peer,
 * and in a project without one npm picks the newest TypeScript, which @pulumi/pulumi refuses
 * (#11). This hook needs no package of its own and loads `typescript` only when a `.ts` file is
 * required, so a JavaScript program plans without TypeScript installed.
 *
 * Self-contained on purpose (node built-ins only): the plan transpiles this very file to run it
 * from the source tree. Settings come from WINDOWS_ISOLATION_PLAN_TS (JSON: `projectDir`, where
 * the tsconfig search starts, and `resolveFrom`, where `typescript` is looked up, in order).
 */
import * as fs from "fs";
import * as path from "path";

type TypeScript = typeof import("typescript");

interface HookSettings {
    readonly projectDir: string;
    readonly resolveFrom: readonly string[];
}

const settings: HookSettings = JSON.parse(process.env.WINDOWS_ISOLATION_PLAN_TS ?? "{}");
const projectDir = path.resolve(settings.projectDir ?? process.cwd());
const resolveFrom = settings.resolveFrom?.length ? settings.resolveFrom : [projectDir];

let compiler: { ts: TypeScript; options: import("typescript").CompilerOptions } | undefined;

function load(firstFile: string): NonNullable<typeof compiler> {
    if (compiler) return compiler;
    let ts: TypeScript;
    try {
        ts = require(require.resolve("typescript", { paths: [...resolveFrom] }));
    } catch {
        throw new Error(
            `${path.relative(projectDir, firstFile) || firstFile} is TypeScript and no 'typescript' package was found from ${projectDir}; ` +
                "install it in the project (npm install --save-dev typescript@~5.9)",
        );
    }
    if (typeof ts.transpileModule !== "function") {
        throw new Error(`the project's typescript ${ts.version ?? "(unknown version)"} has no transpileModule API; windows-isolation supports typescript >=5.0.0 <6.0.0`);
    }
    // The program's tsconfig, found the way tsc and ts-node find it (from the project up).
    let options: import("typescript").CompilerOptions = { target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    const configFile = ts.findConfigFile(projectDir, ts.sys.fileExists);
    if (configFile) {
        const read = ts.readConfigFile(configFile, ts.sys.readFile);
        if (read.error) throw new Error(`cannot read ${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
        options = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), undefined, configFile).options;
    }
    options = {
        ...options,
        // Always CommonJS (the runner `require`s the program), with a source map kept for the runner.
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        verbatimModuleSyntax: false,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: false,
        declaration: false,
        declarationMap: false,
        composite: false,
        noEmit: false,
        emitDeclarationOnly: false,
        incremental: false,
        tsBuildInfoFile: undefined,
        outDir: undefined,
        outFile: undefined,
        rootDir: undefined,
    };
    compiler = { ts, options };
    return compiler;
}

function transpile(source: string, fileName: string): string {
    const { ts, options } = load(fileName);
    const out = ts.transpileModule(source, { fileName, compilerOptions: options, reportDiagnostics: true });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        const first = errors[0];
        const where = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
        throw new Error(`${fileName}${where ? `:${where.line + 1}:${where.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(first.messageText, "\n")}`);
    }
    if (out.sourceMapText) sourceMaps.set(fileName, out.sourceMapText);
    return out.outputText;
}

/**
 * Each transpiled file's source map, for the runner to map the one frame it reports (the
 * declaring line) to the TypeScript line. Not Node's own source-map support: with it on, every
 * stack trace is mapped, and Pulumi's SDK formats a stack for every resource and promise it
 * makes, which made mapping most of a large program's run time.
 */
const sourceMaps = new Map<string, string>();
(globalThis as Record<symbol, unknown>)[Symbol.for("windows-isolation.plan.sourceMaps")] = sourceMaps;

type CompilingModule = NodeJS.Module & { _compile(code: string, filename: string): void };
const extensions = require("module")._extensions as Record<string, (m: NodeJS.Module, filename: string) => void>;
for (const ext of [".ts", ".cts"]) {
    const previous = extensions[ext];
    extensions[ext] = (m, filename) => {
        // Packages ship JavaScript; a .ts file inside node_modules is left to whoever handled it before.
        if (filename.split(path.sep).includes("node_modules") && previous) return previous(m, filename);
        (m as CompilingModule)._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
}
