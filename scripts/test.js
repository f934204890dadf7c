// `npm test`: the type check (npm run typecheck), the lint (npm run lint) and the tests (npm run jest)
// at the same time. tsc and eslint each use one core while jest is still starting, where running them
// one after the other left a core idle for their whole run. Jest's output streams as it comes; the
// type check's and the lint's are printed whole when each ends, so their lines do not interleave. Every
// step runs to the end, and the exit code is non-zero when any failed. A signal ends all three.
"use strict";
const { spawn } = require("child_process");

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
const steps = [
    { name: "typecheck", buffered: true },
    { name: "lint", buffered: true },
    { name: "jest", buffered: false, args: process.argv.slice(2) },
];

// Each step leads its own process group; a signal ends every group, and this process exits once all are gone.
const running = new Set();
let stopping = false;
function endGroup(child, signal) {
    try {
        process.kill(-child.pid, signal);
    } catch {
        // already gone
    }
}
for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
        stopping = true;
        for (const child of running) endGroup(child, signal);
        const code = signal === "SIGINT" ? 130 : 143;
        if (running.size === 0) process.exit(code);
        setTimeout(() => {
            for (const child of running) endGroup(child, "SIGKILL");
            process.exit(code);
        }, 10_000).unref();
        process.once("beforeExit", () => process.exit(code));
    });
}

function run({ name, buffered, args = [] }) {
    return new Promise((resolve) => {
        const child = spawn(npm[0], [...npm.slice(1), "run", "--silent", name, ...(args.length ? ["--", ...args] : [])], {
            stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit",
            detached: true,
        });
        running.add(child);
        let output = "";
        if (buffered) {
            child.stdout.on("data", (d) => (output += d));
            child.stderr.on("data", (d) => (output += d));
        }
        child.on("error", (e) => {
            output += `${e.message}\n`;
        });
        child.on("close", (code, signal) => {
            running.delete(child);
            if (stopping) return resolve({ name, ok: false });
            const ok = code === 0;
            if (buffered) process.stdout.write(`== npm run ${name}: ${ok ? "ok" : `failed (${signal ?? `exit ${code}`})`}\n${output}`);
            resolve({ name, ok });
        });
    });
}

Promise.all(steps.map(run)).then((results) => {
    if (stopping) return;
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    if (failed.length > 0) process.stdout.write(`npm test: ${failed.join(", ")} failed\n`);
    process.exitCode = failed.length > 0 ? 1 : 0;
});
