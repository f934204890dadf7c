import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const repositoryRoot = path.resolve(__dirname, "..", "..");

/**
 * A copy of this repository without build output or git data, sharing the installed
 * node_modules (a symlink): what a fresh checkout looks like after `npm ci`, minus the build.
 */
export function freshCheckout(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const skip = new Set(["node_modules", "build", ".git", "coverage", ".test-engine"]);
    for (const entry of fs.readdirSync(repositoryRoot)) {
        if (!skip.has(entry)) fs.cpSync(path.join(repositoryRoot, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(repositoryRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}
