// `npm run plan` / `npm run verify`: runs a tool from build/, after rebuilding build/ when any of its
// sources changed (scripts/ensureBuilt.js). Compiling the tools' TypeScript on every run (ts-node)
// cost more than the plan itself, and the policy pack's runner type-checks a TypeScript pack on every
// start; the built JavaScript starts at once and can never be older than the sources.
// Usage: node scripts/launch.js <tool> [args...]
"use strict";
const path = require("path");
const { ensureBuilt } = require("./ensureBuilt");

try {
    ensureBuilt();
} catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
}
// The built command, in this process: one Node start-up less than spawning it.
const { dispatch } = require(path.join(__dirname, "..", "build", "bin", "windows-isolation.js"));
dispatch(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    process.stdout.write("", () => process.exit(code));
});
