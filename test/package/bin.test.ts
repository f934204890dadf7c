/**
 * The `windows-isolation` command: dispatch to the tool modules under review/ (TOOLS). The tools themselves
 * are separate work; here each one is a small fixture module in a temporary review folder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dispatch, TOOLS } from "../../bin/windows-isolation";
import { packageManifest } from "../../review/cli/version";

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

let reviewDir: string;

beforeAll(() => {
    reviewDir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-review-"));
    fs.mkdirSync(path.join(reviewDir, "plan"));
    // A plan tool that records its arguments and reports a policy violation (exit 1).
    fs.writeFileSync(path.join(reviewDir, "plan", "main.js"), `exports.main = async (argv) => { require("fs").writeFileSync(${JSON.stringify(path.join(reviewDir, "plan-args.json"))}, JSON.stringify(argv)); return 1; };\n`);
});

afterAll(() => fs.rmSync(reviewDir, { recursive: true, force: true }));

describe("windows-isolation <tool>", () => {
    test("passes the remaining arguments to the tool's main and returns its exit code", async () => {
        const c = capture();
        expect(await dispatch(["plan", "--program", "./infra", "--format", "sarif"], reviewDir, c.io)).toBe(1);
        expect(JSON.parse(fs.readFileSync(path.join(reviewDir, "plan-args.json"), "utf8"))).toEqual(["--program", "./infra", "--format", "sarif"]);
        expect(c.err).toEqual([]);
    });

    test("a tool missing from the installation is exit 2 with a message naming it", async () => {
        const c = capture();
        expect(await dispatch(["verify", "--stack", "dev"], reviewDir, c.io)).toBe(2);
        expect(c.err).toEqual([`windows-isolation verify: this installation has no verify tool (review/verify/main is missing from ${reviewDir}); upgrade windows-isolation to a version that ships it`]);
    });

    test("a tool module without main(argv), one whose main throws, and a non-integer result are exit 2", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-review-bad-"));
        try {
            fs.mkdirSync(path.join(dir, "plan"));
            fs.writeFileSync(path.join(dir, "plan", "main.js"), "exports.run = () => 0;\n");
            fs.mkdirSync(path.join(dir, "verify"));
            fs.writeFileSync(path.join(dir, "verify", "main.js"), "exports.main = () => { throw new Error('engine unreachable'); };\n");
            const a = capture();
            expect(await dispatch(["plan"], dir, a.io)).toBe(2);
            expect(a.err[0]).toMatch(/^windows-isolation plan: .*plan\/main\.js does not export main\(argv\) returning the exit code$/);
            const b = capture();
            expect(await dispatch(["verify"], dir, b.io)).toBe(2);
            expect(b.err[0]).toMatch(/^windows-isolation verify: Error: engine unreachable/);
            fs.mkdirSync(path.join(dir, "other", "plan"), { recursive: true });
            fs.writeFileSync(path.join(dir, "other", "plan", "main.js"), "exports.main = async () => 'ok';\n");
            const c = capture();
            expect(await dispatch(["plan"], path.join(dir, "other"), c.io)).toBe(2);
            expect(c.err).toEqual(["windows-isolation plan: the tool returned \"ok\" instead of an exit code"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test("unknown tools and no tool are exit 2; --help is exit 0 and lists every tool", async () => {
        const unknown = capture();
        expect(await dispatch(["deploy"], reviewDir, unknown.io)).toBe(2);
        expect(unknown.err).toEqual(["windows-isolation: unknown tool 'deploy'; use one of plan, verify, guard (windows-isolation --help)"]);
        const none = capture();
        expect(await dispatch([], reviewDir, none.io)).toBe(2);
        expect(none.err[0]).toMatch(/^usage: windows-isolation <tool> \[args\.\.\.\]/);
        const help = capture();
        expect(await dispatch(["--help"], reviewDir, help.io)).toBe(0);
        expect(Object.keys(TOOLS)).toEqual(["plan", "verify", "guard"]);
        for (const tool of Object.keys(TOOLS)) expect(help.out[0]).toMatch(new RegExp(`^  ${tool} `, "m"));
    });

    test("--version prints the package version", async () => {
        const c = capture();
        expect(await dispatch(["--version"], reviewDir, c.io)).toBe(0);
        expect(c.out).toEqual([JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).version]);
        expect(packageManifest().name).toBe("windows-isolation");
    });
});
