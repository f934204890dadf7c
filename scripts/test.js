// `npm test`: the type check (npm run typecheck), the lint (npm run lint) and the tests at the same
// time. tsc and eslint each use one core while jest is still starting, where running them one after
// the other left a core idle for their whole run. The registry test (test/package/consumer.test.ts,
// jest project `registry`) runs in a jest of its own beside the other projects: it spends most of its
// minute or two waiting on npm and the registry, and in the shared pool it held one of the two workers
// for all of that. Jest's output streams as it comes; the other steps' output is printed whole when each
// ends, so their lines do not interleave, and one closing line adds up both jests' counts. Every step
// runs to the end, and the exit code is non-zero when any failed. A signal ends all of them. With
// arguments (`npm test -- <jest args>`) one jest runs with them, over every project.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
const jestArgs = process.argv.slice(2);
/** Where each jest's summary reporter writes its counts (test/helpers/summaryReporter.js). */
const counts = fs.mkdtempSync(path.join(os.tmpdir(), "wi-test-"));
process.on("exit", () => fs.rmSync(counts, { recursive: true, force: true }));
const steps = [
    { name: "typecheck", buffered: true },
    { name: "lint", buffered: true },
    ...(jestArgs.length > 0
        ? [{ name: "jest", script: "jest", buffered: false, args: jestArgs }]
        : [
              { name: "jest", script: "jest", buffered: false, args: ["--selectProjects", "unit", "engine"] },
              { name: "jest registry", script: "jest", buffered: true, args: ["--selectProjects", "registry"] },
          ]),
].map((step, i) => ({ ...step, summary: step.script === "jest" ? path.join(counts, `${i}.json`) : undefined }));

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

function run({ name, script = name, buffered, args = [], summary }) {
    return new Promise((resolve) => {
        const child = spawn(npm[0], [...npm.slice(1), "run", "--silent", script, ...(args.length ? ["--", ...args] : [])], {
            stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit",
            detached: true,
            env: summary ? { ...process.env, WI_JEST_SUMMARY_FILE: summary } : process.env,
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
            const label = `npm run ${script}${args.length ? ` -- ${args.join(" ")}` : ""}`;
            if (buffered) process.stdout.write(`== ${label}: ${ok ? "ok" : `failed (${signal ?? `exit ${code}`})`}\n${output}`);
            resolve({ name, ok });
        });
    });
}

/** Both jests' counts as one closing line; a jest that wrote none (it crashed, or never ran its tests) is a failed step. */
function jestSummary() {
    const total = { passed: 0, failed: 0, skipped: 0 };
    const missing = [];
    for (const step of steps.filter((s) => s.summary)) {
        try {
            const c = JSON.parse(fs.readFileSync(step.summary, "utf8"));
            for (const k of Object.keys(total)) total[k] += c[k];
        } catch {
            missing.push(step.name);
        }
    }
    process.stderr.write(`jest: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${missing.length ? ` (no counts from: ${missing.join(", ")})` : ""}\n`);
    return missing;
}

Promise.all(steps.map(run)).then((results) => {
    if (stopping) return;
    const missing = jestSummary();
    const failed = [...new Set([...results.filter((r) => !r.ok).map((r) => r.name), ...missing])];
    if (failed.length > 0) process.stdout.write(`npm test: ${failed.join(", ")} failed\n`);
    process.exitCode = failed.length > 0 ? 1 : 0;
});
