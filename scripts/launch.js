// `npm run plan` / `npm run verify`: runs a tool from build/, after rebuilding build/ when any of its
// sources differs from what build/ was compiled from. Compiling the tools' TypeScript on every run
// (ts-node) cost more than the plan itself, and the policy pack's runner type-checks a TypeScript
// pack on every start; the built JavaScript starts at once. The check is by content, not by time
// stamps: a checkout, a copy that keeps old times or a clock skew cannot make build/ look current.
// Usage: node scripts/launch.js <tool> [args...]
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const build = path.join(root, "build");
const stampFile = path.join(build, ".sources.sha256");

/** The folders and files tsconfig.build.json compiles from (the first segment of each include), plus what shapes the build. */
function sourceRoots() {
    const config = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.build.json"), "utf8"));
    const tops = new Set(config.include.map((pattern) => pattern.split("/")[0]));
    return [...tops, "tsconfig.json", "tsconfig.build.json", "package.json", "scripts/build.js"];
}

/** Every file under `rel` (node_modules excepted), as sorted relative paths. */
function filesUnder(rel) {
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) return [];
    if (!fs.statSync(full).isDirectory()) return [rel];
    return fs
        .readdirSync(full, { withFileTypes: true })
        .filter((e) => e.name !== "node_modules")
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(rel, e.name)) : e.isFile() ? [path.join(rel, e.name)] : []));
}

/** A hash of the names and contents of every source build/ is made from. */
function sourcesFingerprint() {
    const hash = crypto.createHash("sha256");
    for (const file of sourceRoots().flatMap(filesUnder).sort()) {
        hash.update(`${file}\0`);
        hash.update(fs.readFileSync(path.join(root, file)));
        hash.update("\0");
    }
    return hash.digest("hex");
}

function builtFingerprint() {
    try {
        return fs.readFileSync(stampFile, "utf8").trim();
    } catch {
        return undefined;
    }
}

function ensureBuilt() {
    const wanted = sourcesFingerprint();
    if (builtFingerprint() === wanted) return;
    process.stderr.write("build/ is older than the sources: npm run build ...\n");
    try {
        // The build's own output goes to stderr: a tool's stdout (a report, JSON) stays its own.
        execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: ["ignore", 2, 2] });
    } catch {
        fs.rmSync(stampFile, { force: true });
        process.stderr.write("the build failed (see above): fix the sources and run the command again\n");
        process.exit(2);
    }
    // The fingerprint taken before the build: a source edited during it makes the next run build again.
    fs.writeFileSync(stampFile, `${wanted}\n`);
}

ensureBuilt();
// The built command, in this process: one Node start-up less than spawning it.
const { dispatch } = require(path.join(build, "bin", "windows-isolation.js"));
dispatch(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    process.stdout.write("", () => process.exit(code));
});
