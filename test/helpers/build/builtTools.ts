/**
 * The built tools the process-level tests run (build/bin/windows-isolation.js, build/policy), as
 * `npm run plan` runs them. Each jest run's global setup rebuilds build/ first when any source
 * changed (scripts/ensureBuilt.js), so they are never older than the sources. Running the built
 * JavaScript instead of ts-node spares every plan test the TypeScript start-ups and the pack
 * runner's type-check of policy/ (about 10 s of CPU each); `npm test` type-checks with tsc --noEmit.
 */
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const BUILT_CLI = path.join(ROOT, "build", "bin", "windows-isolation.js");
export const BUILT_POLICY_PACK = path.join(ROOT, "build", "policy");

export function ensureBuilt(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript build script
    (require(path.join(ROOT, "scripts", "ensureBuilt.js")) as { ensureBuilt(): void }).ensureBuilt();
}
