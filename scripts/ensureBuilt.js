// Keeps build/ compiled from the current sources: rebuilds it (scripts/build.js) when the content of
// any source differs from what build/ was made from. By content, not by time stamps: a checkout, a
// copy that keeps old times or a clock skew cannot make build/ look current. Used by scripts/launch.js
// (npm run plan / verify) and by the test suite's global setup, which run the built tools.
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
    return [...tops, "tsconfig.json", "tsconfig.build.json", "package.json", "scripts/build.js", "scripts/bundleGuard.js"];
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

const lockDir = `${build}.lock`;

function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === "EPERM";
    }
}

/** One build at a time (two test runs, or a plan beside a test run): a folder made atomically, holding the builder's pid. */
function withBuildLock(fn) {
    for (;;) {
        try {
            fs.mkdirSync(lockDir);
            break;
        } catch (e) {
            if (e.code !== "EEXIST") throw e;
            let holder;
            try {
                holder = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
            } catch {
                holder = undefined; // just made, pid not written yet
            }
            if (holder && !alive(holder)) fs.rmSync(lockDir, { recursive: true, force: true });
            else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        }
    }
    try {
        fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
        return fn();
    } finally {
        fs.rmSync(lockDir, { recursive: true, force: true });
    }
}

/** Rebuilds build/ unless it was made from exactly the current sources; throws when the build fails. */
function ensureBuilt() {
    if (builtFingerprint() === sourcesFingerprint()) return;
    withBuildLock(() => {
        // Taken again under the lock: another process may have built meanwhile. Taken before the
        // build: a source edited during it makes the next run build again.
        const wanted = sourcesFingerprint();
        if (builtFingerprint() === wanted) return;
        process.stderr.write("build/ is older than the sources: npm run build ...\n");
        try {
            // The build's own output goes to stderr: a tool's stdout (a report, JSON) stays its own.
            execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: ["ignore", 2, 2] });
        } catch {
            fs.rmSync(stampFile, { force: true });
            throw new Error("the build failed (see above): fix the sources and run the command again");
        }
        fs.writeFileSync(stampFile, `${wanted}\n`);
    });
}

module.exports = { ensureBuilt, sourcesFingerprint, stampFile };
