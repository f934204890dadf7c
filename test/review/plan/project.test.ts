import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { placeholderFor, PlanInputError, resolveTarget } from "../../../review/plan/project";

function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    for (const [f, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
    }
    return dir;
}

const YAML = "name: demo\nruntime: nodejs\nmain: app/\nstackConfigDir: stacks\nconfig:\n  region: westeurope\n  size:\n    type: string\n  tier:\n    default: basic\n";

describe("resolveTarget", () => {
    test("honours main and stackConfigDir; project defaults, then stack values; secure values become marked placeholders", () => {
        const dir = project({ "Pulumi.yaml": YAML, "app/index.ts": "", "stacks/Pulumi.prod.yaml": "config:\n  demo:tier: premium\n  other:flag: true\n  demo:token:\n    secure: v1:abc\n" });
        const t = resolveTarget({ stack: "prod", cwd: dir });
        expect(t.programDir).toBe(path.join(dir, "app"));
        expect(t.configFile).toBe(path.join(dir, "stacks", "Pulumi.prod.yaml"));
        expect(t.config).toEqual({
            project: "demo",
            stack: "prod",
            values: { "demo:region": "westeurope", "demo:tier": "premium", "other:flag": "true", "demo:token": placeholderFor("demo:token") },
            secretKeys: ["demo:token"],
            placeholders: ["demo:token"],
        });
        expect(placeholderFor("demo:token")).toMatch(/placeholder.*not the real value/);
    });

    test("--program may name the program directory below Pulumi.yaml", () => {
        const dir = project({ "Pulumi.yaml": YAML, "app/index.ts": "", "stacks/Pulumi.dev.yaml": "config: {}\n" });
        expect(resolveTarget({ program: path.join(dir, "app"), cwd: "/" }).projectDir).toBe(dir);
    });

    test("the only stack is the default; two stacks need --stack; a missing stack is named", () => {
        const dir = project({ "Pulumi.yaml": YAML, "app/index.ts": "", "stacks/Pulumi.dev.yaml": "config: {}\n" });
        expect(resolveTarget({ cwd: dir }).config.stack).toBe("dev");
        fs.writeFileSync(path.join(dir, "stacks", "Pulumi.prod.yaml"), "config: {}\n");
        expect(() => resolveTarget({ cwd: dir })).toThrow(new PlanInputError(`--stack is required: ${path.join(dir, "stacks")} has stacks dev, prod`));
        expect(() => resolveTarget({ cwd: dir, stack: "qa" })).toThrow(/--stack qa: no Pulumi.qa.yaml in/);
    });

    test("no Pulumi.yaml: a clear input error", () => {
        const dir = project({ "index.ts": "" });
        expect(() => resolveTarget({ cwd: dir })).toThrow(/no Pulumi.yaml found/);
    });

    test("main as a file: its folder is the working directory and the file the entry point, as the CLI's getPwdMain; no main: the project folder and '.'", () => {
        const dir = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nmain: app/deploy.ts\n", "app/deploy.ts": "", "Pulumi.dev.yaml": "config: {}\n" });
        expect(resolveTarget({ cwd: dir })).toMatchObject({ programDir: path.join(dir, "app"), entryPoint: "deploy.ts" });
        expect(resolveTarget({ program: path.join(dir, "app"), cwd: "/" }).projectDir).toBe(dir);
        const plain = project({ "Pulumi.yaml": "name: demo\nruntime:\n  name: nodejs\n  options:\n    nodeargs: --require ./t.js\n", "Pulumi.dev.yaml": "config: {}\n" });
        expect(resolveTarget({ cwd: plain })).toMatchObject({ programDir: plain, entryPoint: ".", runtimeOptions: { nodeargs: "--require ./t.js" } });
    });

    test("a runtime other than nodejs, or a main that is not there: a clear input error", () => {
        const python = project({ "Pulumi.yaml": "name: demo\nruntime: python\n", "Pulumi.dev.yaml": "config: {}\n" });
        expect(() => resolveTarget({ cwd: python })).toThrow(/runtime "python" is not supported; the plan runs only 'nodejs' programs/);
        const missing = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nmain: gone.ts\n", "Pulumi.dev.yaml": "config: {}\n" });
        expect(() => resolveTarget({ cwd: missing })).toThrow(/project 'main' could not be read/);
    });

    test.each([
        ["environment:\n  - team/prod\nconfig: {}\n", /'environment:' imports Pulumi ESC environment\(s\) \["team\/prod"\] whose config the plan cannot resolve; judge this stack with `pulumi preview --policy-pack policy` instead/],
        ["config:\n  demo:db:\n    password:\n      secure: v1:abc\n", /config 'demo:db' holds a 'secure:' value inside structured config, which the plan cannot resolve; judge this stack with `pulumi preview --policy-pack policy` instead/],
    ])("a stack file the plan cannot see through is refused: %j", (stackFile, message) => {
        const dir = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\n", "Pulumi.dev.yaml": stackFile });
        expect(() => resolveTarget({ cwd: dir })).toThrow(PlanInputError);
        expect(() => resolveTarget({ cwd: dir })).toThrow(message);
    });
});
