/**
 * The directory SARIF artifact URIs are relative to: code scanning maps a result to a file by
 * its path from the repository root, so that is the git root of the program (a `.git` directory,
 * or the `.git` file of a worktree or submodule), or what `--source-root` names.
 */
import * as fs from "fs";
import * as path from "path";
import { PlanInputError } from "./project";

const outside = (rel: string) => rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);

export function gitRoot(start: string): string | undefined {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, ".git"))) return dir;
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** `--source-root` when given (it must contain the program), else the program's git root, else its project directory. */
export function sourceRoot(explicit: string | undefined, programDir: string, projectDir: string): string {
    if (explicit === undefined) return gitRoot(programDir) ?? projectDir;
    const root = path.resolve(explicit);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new PlanInputError(`--source-root ${explicit}: ${root} is not a directory`);
    const rel = path.relative(root, programDir);
    if (outside(rel)) throw new PlanInputError(`--source-root ${explicit}: the program ${programDir} is not inside ${root}; SARIF locations must be relative to the repository root that holds the program`);
    return root;
}

/** A file's SARIF artifact URI relative to `root` (percent-encoded, `/`-separated), or undefined outside it. */
export function relativeUri(root: string, file: string): string | undefined {
    const rel = path.relative(root, file);
    if (rel === "" || outside(rel)) return undefined;
    return rel.split(path.sep).map(encodeURIComponent).join("/");
}
