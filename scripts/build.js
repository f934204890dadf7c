// `npm run build`: compiles the library, policy pack and tools into build/ (tsconfig.build.json)
// and copies the files tsc does not emit, at the same relative paths, so that code finds them
// next to itself (path.join(__dirname, ...)) both in the source tree and in the installed package.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { sourcesFingerprint, stampFile } = require("./ensureBuilt");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "build");

/** Non-TypeScript files the package needs at run time: [folder, file name pattern]. */
const ASSETS = [
    ["components/azure/bootstrap", /\.ps1$/],   // host bootstrap scripts read by ContainerHost
    ["review/guard/install", /\.ps1$/],        // the guard's Windows startup task (guard install)
    ["policy", /^PulumiPolicy\.yaml$/],    // the policy pack's manifest (--policy-pack <dir>)
];

// Taken before the build, as ensureBuilt takes it: a source edited during the build makes the next
// run build again.
const fingerprint = sourcesFingerprint();
fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });

for (const [folder, pattern] of ASSETS) {
    const from = path.join(root, folder);
    if (!fs.existsSync(from)) continue;
    for (const name of fs.readdirSync(from).filter((n) => pattern.test(n))) {
        fs.mkdirSync(path.join(out, folder), { recursive: true });
        fs.copyFileSync(path.join(from, name), path.join(out, folder, name));
    }
}

// A policy pack runs with its own folder as working directory, and @pulumi/policy's PolicyPack
// reads the pack's version from `<cwd>/package.json`. So the built pack gets a package.json of
// its own, at the package's version; its dependencies resolve from the installation above it.
const policySource = path.join(root, "policy");
if (fs.existsSync(policySource)) {
    const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const sourceManifestFile = path.join(policySource, "package.json");
    const sourceManifest = fs.existsSync(sourceManifestFile) ? JSON.parse(fs.readFileSync(sourceManifestFile, "utf8")) : {};
    const packManifest = {
        name: sourceManifest.name || "windows-isolation-policy",
        version: rootManifest.version,
        description: sourceManifest.description || "CrossGuard policy pack of windows-isolation",
        private: true,
        main: "index.js",
    };
    fs.mkdirSync(path.join(out, "policy"), { recursive: true });
    fs.writeFileSync(path.join(out, "policy", "package.json"), JSON.stringify(packManifest, null, 2) + "\n");
}

// The guard as one file (scripts/bundleGuard.js), where ContainerHost and ContainerHostPool read
// it at run time (components/azure/guardBundle.ts) to install it on every host they build. Made
// from the build/ just compiled; a bundle that cannot be made fails the build. Only when tsc
// compiled the guard (tsconfig.build.json always does; a reduced config, as in a test, may not):
// bundle() would otherwise run this build again to make it.
const guard = require("./bundleGuard");
if (fs.existsSync(guard.entry)) guard.bundle();

// The fingerprint ensureBuilt checks: without it the first `npm run plan` after `npm ci` (whose
// `prepare` ran this build) would distrust build/ and make it a second time. Written last, so a
// build that failed part-way leaves none.
fs.writeFileSync(stampFile, `${fingerprint}\n`);
