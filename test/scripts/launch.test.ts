/**
 * scripts/launch.js (behind `npm run plan` and `npm run verify`) runs the built tool, and must
 * never run code older than the sources: it rebuilds when any source's content differs from what
 * build/ was made from, whatever the files' times say. Runs in a copy of the repository's sources
 * whose tsconfig.build.json includes only the command's entry (bin/, which loads each tool when it
 * is asked for), so each of the three builds below is a second, not a whole package's type check;
 * the whole build is what every other test runs (the unit global setup makes it with the same
 * ensureBuilt).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
let copy: string;

function launch(...args: string[]) {
    const r = spawnSync(process.execPath, [path.join(copy, "scripts", "launch.js"), ...args], { cwd: copy, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "launch-test-"));
    const include: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")).include;
    const tops = new Set([...include.map((p) => p.split("/")[0]), "scripts", "tsconfig.json", "tsconfig.build.json", "package.json"]);
    for (const top of tops) {
        fs.cpSync(path.join(ROOT, top), path.join(copy, top), { recursive: true, filter: (src) => !src.split(path.sep).includes("node_modules") });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const buildConfig = path.join(copy, "tsconfig.build.json");
    fs.writeFileSync(buildConfig, JSON.stringify({ ...JSON.parse(fs.readFileSync(buildConfig, "utf8")), include: ["bin/**/*.ts"] }, null, 2));
});

afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

test("builds when build/ is missing, runs the built command, and does not build again while the sources are unchanged", () => {
    const first = launch("--help");
    expect(first.stderr).toMatch(/^build\/ is older than the sources: npm run build/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^usage: windows-isolation <tool>/);
    expect(fs.existsSync(path.join(copy, "build", "bin", "windows-isolation.js"))).toBe(true);

    const second = launch("--help");
    expect(second).toEqual({ code: 0, stdout: first.stdout, stderr: "" });
});

test("a changed source is rebuilt before it runs, even when the edit keeps an old modification time", () => {
    const bin = path.join(copy, "bin", "windows-isolation.ts");
    const before = fs.statSync(bin);
    fs.writeFileSync(bin, fs.readFileSync(bin, "utf8").replace('"usage: windows-isolation <tool> [args...]"', '"usage: edited-windows-isolation <tool> [args...]"'));
    fs.utimesSync(bin, before.atime, new Date("2001-01-01T00:00:00Z"));

    const after = launch("--help");
    expect(after.stderr).toMatch(/^build\/ is older than the sources: npm run build/);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^usage: edited-windows-isolation <tool>/);
});

test("a build that fails runs nothing and exits 2", () => {
    const broken = path.join(copy, "bin", "broken.ts");
    fs.writeFileSync(broken, "export const broken: number = 'not a number';\n");
    try {
        const failed = launch("--help");
        expect(failed.code).toBe(2);
        expect(failed.stdout).toBe("");
        expect(failed.stderr).toMatch(/bin\/broken\.ts.*TS2322/);
        expect(failed.stderr).toMatch(/the build failed \(see above\)/);
        expect(fs.existsSync(path.join(copy, "build", ".sources.sha256"))).toBe(false);
    } finally {
        fs.rmSync(broken);
    }
});
