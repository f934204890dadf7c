/**
 * The pieces of the plan's launch that copy Pulumi's Node.js language host
 * (sdk/nodejs/cmd/pulumi-language-nodejs/main.go): its runtime options, its `nodeargs` word
 * splitting (google/shlex), its argv and environment; and the program's error text as the plan
 * prints it from what Pulumi's runtime logs.
 */
import * as path from "path";
import { languageHostLaunch, nodeOptions } from "../../../review/plan/languageHost";
import { programErrorText } from "../../../review/plan/programError";
import { PlanTarget } from "../../../review/plan/project";
import { splitShellWords } from "../../../review/plan/shellWords";
import * as fs from "fs";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("runtime options, as parseOptions reads them", () => {
    test("typescript defaults to true; tsconfig and nodeargs default empty", () => {
        expect(nodeOptions({})).toEqual({ typescript: true, tsconfigPath: "", nodeargs: "" });
        expect(nodeOptions({ typescript: false, tsconfig: "tsconfig.pulumi.json", nodeargs: "--require ./x.js", packagemanager: "npm" })).toEqual({
            typescript: false,
            tsconfigPath: "tsconfig.pulumi.json",
            nodeargs: "--require ./x.js",
        });
    });

    test("a wrong type is bad input naming the option", () => {
        expect(() => nodeOptions({ typescript: "yes" })).toThrow(/runtime.options.typescript: must be a boolean, got "yes"/);
        expect(() => nodeOptions({ nodeargs: ["--require", "x"] })).toThrow(/runtime.options.nodeargs: must be a string/);
    });
});

test.each([
    ["--require ./telemetry.js", ["--require", "./telemetry.js"]],
    ["  --max-old-space-size=4096\t--require 'a b.js' ", ["--max-old-space-size=4096", "--require", "a b.js"]],
    ['--title "x \\"y\\" \\z"', ["--title", 'x "y" \\z']],
    ["a\\ b c#d # comment", ["a b", "c#d"]],
    ["", []],
])("nodeargs %j splits as shlex does", (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
});

test.each(["'open", '"open', "trailing\\"])("nodeargs %j: an unclosed quote or trailing backslash is refused", (text) => {
    expect(splitShellWords(text)).toBeUndefined();
});

test("argv and environment as constructArguments and execRuntime build them", () => {
    const programDir = path.join(ROOT, "test", "fixtures", "programs", "no-marker");
    const target: PlanTarget = {
        projectDir: programDir,
        programDir,
        entryPoint: "index.ts",
        runtimeOptions: { nodeargs: "--require ./t.js", tsconfig: "tsconfig.x.json" },
        configFile: path.join(programDir, "Pulumi.test.yaml"),
        config: { project: "no-marker", stack: "test", values: { "no-marker:greeting": "hello", "docker:host": "npipe" }, secretKeys: ["no-marker:greeting"], placeholders: [] },
    };
    const launch = languageHostLaunch(target, "127.0.0.1:1");
    try {
        const [pre, runPath, ...rest] = [launch.args.slice(0, 2), launch.args[2], ...launch.args.slice(3)];
        expect(pre).toEqual(["--require", "./t.js"]);
        expect(runPath).toBe(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"));
        expect(rest).toEqual([
            "--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:1", "--sync", launch.syncDir, "--organization", "organization", "--project", "no-marker",
            "--root-directory", programDir, "--stack", "test", "--pwd", programDir, "--dry-run", "--parallel", expect.stringMatching(/^\d+$/), "index.ts",
        ]); // prettier-ignore
        expect(JSON.parse(launch.env.PULUMI_CONFIG!)).toEqual({ "no-marker:config:greeting": "hello", "docker:config:host": "npipe" });
        expect(JSON.parse(launch.env.PULUMI_CONFIG_SECRET_KEYS!)).toEqual(["no-marker:greeting"]);
        expect([launch.env.PULUMI_NODEJS_TYPESCRIPT, launch.env.PULUMI_NODEJS_TSCONFIG_PATH]).toEqual(["true", "tsconfig.x.json"]);
    } finally {
        fs.rmSync(launch.syncDir, { recursive: true, force: true });
    }
});

test.each([
    ["Running program '/p/index.ts' failed with an unhandled exception:\n\u001b[31mError: cannot pull x\u001b[39m\n    at Object.<anonymous> (/p/index.ts:3:7)\n    at Module._compile", "cannot pull x"],
    ["ResourceError: WindowsContainer 'job': trust 'untrusted' requires isolation 'hyperv'\n    at new WindowsContainer (/c.ts:1:1)", "WindowsContainer 'job': trust 'untrusted' requires isolation 'hyperv'"],
    ["a line the program logged", "a line the program logged"],
    ["Running program '/p' failed with an unhandled exception:\nTypeError: x is not a function\n    at f (/p/a.ts:1:1)", "TypeError: x is not a function"],
])("the program's error, one line, no stack: %j", (logged, printed) => {
    expect(programErrorText(logged)).toBe(printed);
});
