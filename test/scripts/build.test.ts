/**
 * `npm run build` (scripts/build.js, also what `npm ci` runs through `prepare`) records the
 * fingerprint of the sources it built from, so that the first `npm run plan` after it trusts
 * build/ and starts at once, where it used to print "build/ is older than the sources" and build a
 * second time. Runs in a fresh copy of the repository's sources whose tsconfig.build.json includes
 * only the command and the plan tool (a part of the package's type check, not all of it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
let copy: string;

function run(command: string, args: string[]) {
    const r = spawnSync(command, args, { cwd: copy, encoding: "utf8", env: { ...process.env, INIT_CWD: copy } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
    const include: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")).include;
    const tops = new Set([...include.map((p) => p.split("/")[0]), "scripts", "tsconfig.json", "tsconfig.build.json", "package.json"]);
    for (const top of tops) {
        fs.cpSync(path.join(ROOT, top), path.join(copy, top), { recursive: true, filter: (src) => !src.split(path.sep).includes("node_modules") && !src.endsWith(`${path.sep}build`) });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const buildConfig = path.join(copy, "tsconfig.build.json");
    fs.writeFileSync(buildConfig, JSON.stringify({ ...JSON.parse(fs.readFileSync(buildConfig, "utf8")), include: ["bin/**/*.ts", "review/plan/main.ts"] }, null, 2));
});

afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

test("after npm run build, the first npm run plan runs the built tool without building again", () => {
    expect(fs.existsSync(path.join(copy, "build"))).toBe(false);
    const build = run("npm", ["run", "build", "--silent"]);
    expect(build.code).toBe(0);
    const stamp = path.join(copy, "build", ".sources.sha256");
    expect(fs.readFileSync(stamp, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);

    const plan = run("npm", ["run", "plan", "--silent", "--", "--help"]);
    expect(plan.stderr).not.toMatch(/older than the sources/);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^usage: npm run plan -- --stack <name>/);
});

test("a build that fails leaves no fingerprint, so the next run builds again", () => {
    // Only the command's entry and the broken file: the failure needs no type check of the plan tool.
    const buildConfig = path.join(copy, "tsconfig.build.json");
    fs.writeFileSync(buildConfig, JSON.stringify({ ...JSON.parse(fs.readFileSync(buildConfig, "utf8")), include: ["bin/**/*.ts"] }, null, 2));
    const broken = path.join(copy, "bin", "broken.ts");
    fs.writeFileSync(broken, "export const broken: number = 'not a number';\n");
    try {
        const build = run(process.execPath, [path.join(copy, "scripts", "build.js")]);
        expect(build.code).not.toBe(0);
        expect(fs.existsSync(path.join(copy, "build", ".sources.sha256"))).toBe(false);
    } finally {
        fs.rmSync(broken);
    }
});
