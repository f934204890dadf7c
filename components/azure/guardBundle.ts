/**
 * The bundled guard (one JavaScript file, scripts/bundleGuard.js) that ContainerHost and
 * ContainerHostPool install on every host they build. `npm run build` (which `prepare` runs) writes
 * it to build/guard/ of this package, shipped with the package; the components read it at run time.
 * Without it a host would have no guard, so its absence is an error before anything is created.
 */
import { existsSync, readFileSync, statSync } from "fs";
import { dirname, join } from "path";

/** The bundle's place inside the package, from the package's root. */
export const GUARD_BUNDLE_RELATIVE = join("build", "guard", "windows-isolation-guard.js");

/**
 * The package's root: the nearest folder above this module with a package.json. The same from the
 * sources (components/azure) and from the compiled package (build/components/azure).
 */
function packageRoot(from: string): string {
    for (let dir = from; ; dir = dirname(dir)) {
        if (existsSync(join(dir, "package.json"))) return dir;
        if (dirname(dir) === dir) return from;
    }
}

/** Where the components read the bundle. */
export const GUARD_BUNDLE_FILE = join(packageRoot(__dirname), GUARD_BUNDLE_RELATIVE);

/** The last bundle read, by file, size and time: every host of a program gets the same text, read once. */
let cached: { file: string; stamp: string; text: string } | undefined;

/** The bundle's text, or why there is none: the file and the fix. */
export function readGuardBundle(file: string = GUARD_BUNDLE_FILE): { ok: true; text: string } | { ok: false; problem: string } {
    let stamp: string;
    try {
        const s = statSync(file);
        stamp = `${s.size}:${s.mtimeMs}`;
    } catch {
        return { ok: false, problem: `the guard bundle ${file} is missing, and every host this component builds installs the guard (docs/guard.md); run \`npm run build\` in the windows-isolation package (its \`prepare\` script does it on install)` };
    }
    if (cached?.file === file && cached.stamp === stamp) return { ok: true, text: cached.text };
    const text = readFileSync(file, "utf8");
    if (text.trim() === "") return { ok: false, problem: `the guard bundle ${file} is empty; run \`npm run build\` in the windows-isolation package` };
    cached = { file, stamp, text };
    return { ok: true, text };
}
