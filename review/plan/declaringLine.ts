/**
 * Where the program declares a resource: the first stack frame inside the program directory (and
 * outside node_modules), at its TypeScript line. Runs in the program runner for every
 * registration, so it reads V8's call sites instead of a formatted stack, and maps only that one
 * frame through the source map typescriptHook kept for the file (Node's own source-map support
 * is off: it would map every stack Pulumi's SDK formats).
 */
import { SourceMap } from "module";
import * as path from "path";
import { SourceLocation } from "../analyzer/resource";

const SOURCE_MAPS = Symbol.for("windows-isolation.plan.sourceMaps");

const DECLARING_FRAMES = 10;

/** The call stack below `below` (not itself), as V8 call sites. */
function callSites(below: (...args: never[]) => unknown): NodeJS.CallSite[] {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = (_err, sites) => sites;
    // The runner keeps stacks empty everywhere else (runProgram.ts); V8's default depth here.
    Error.stackTraceLimit = DECLARING_FRAMES;
    try {
        const holder: { stack?: NodeJS.CallSite[] } = {};
        Error.captureStackTrace(holder, below);
        return Array.isArray(holder.stack) ? holder.stack : [];
    } finally {
        Error.prepareStackTrace = prepare;
        Error.stackTraceLimit = limit;
    }
}

const parsed = new Map<string, SourceMap | null>();

/** A generated position of a transpiled file at its source position, as Node's source-map support maps it. */
function mapped(file: string, line: number, column: number): SourceLocation {
    let map = parsed.get(file);
    if (map === undefined) {
        const text = ((globalThis as Record<symbol, unknown>)[SOURCE_MAPS] as Map<string, string> | undefined)?.get(file);
        map = text ? new SourceMap(JSON.parse(text)) : null;
        parsed.set(file, map);
    }
    const entry = map?.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number; originalSource?: string } | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return { file, line, column };
    return { file, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** The declaring line of whatever called `caller` (frames from `caller`'s caller on). */
export function declaringLine(programDir: string, caller: (...args: never[]) => unknown): SourceLocation | undefined {
    for (const site of callSites(caller)) {
        const name = site.getFileName();
        const line = site.getLineNumber();
        const column = site.getColumnNumber();
        if (!name || line === null || column === null || !path.isAbsolute(name)) continue;
        const file = path.resolve(name);
        if (!file.startsWith(programDir + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
        return mapped(file, line, column);
    }
    return undefined;
}
