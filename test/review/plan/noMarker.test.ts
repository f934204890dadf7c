/**
 * Nothing of the plan's in the program's process (issue 21): a program that inspects its own
 * process (test/fixtures/programs/no-marker) finds nothing that tells it apart from a run under
 * Pulumi's Node.js language host. What it checks, each of which told the plan apart on the merge
 * base (a preload, an IPC channel, stack traces off, a marker variable, modules of the plan's):
 * - argv: node and the program's own @pulumi/pulumi/cmd/run, as cmd/run leaves it;
 * - execArgv: empty (no preload; the project sets no nodeargs);
 * - environment: the plan's own, plus exactly the variables the language host (PULUMI_CONFIG,
 *   PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT) and cmd/run (PULUMI_NODEJS_* from its
 *   arguments) set, each other value unchanged;
 * - no IPC channel (process.send, process.channel, process.connected);
 * - Error.stackTraceLimit at Node's default, 10;
 * - every loaded module from the program's folder or the node_modules it resolves from;
 * - no global symbol of the plan's.
 * And what Pulumi's runtime tells the program, as under `pulumi preview` of this stack. The
 * differences docs/plan.md lists are asserted too: the program's own PID namespace (its parent
 * is the namespace's init, PID 1) and the diy backend's organization.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES, planEnv, ROOT, runPlan } from "../../helpers/planCli";

const LANGUAGE_HOST_VARIABLES = [
    "PULUMI_CONFIG",
    "PULUMI_CONFIG_SECRET_KEYS",
    "PULUMI_NODEJS_DRY_RUN",
    "PULUMI_NODEJS_ENGINE",
    "PULUMI_NODEJS_MONITOR",
    "PULUMI_NODEJS_ORGANIZATION",
    "PULUMI_NODEJS_PARALLEL",
    "PULUMI_NODEJS_PROJECT",
    "PULUMI_NODEJS_ROOT_DIRECTORY",
    "PULUMI_NODEJS_STACK",
    "PULUMI_NODEJS_SYNC",
    "PULUMI_NODEJS_TYPESCRIPT",
];
/** What the plan leaves out of the environment it was given: npm's own variables when `npm run` started it. */
const NPM_SCRIPT_VARIABLE = /^(npm_.*|INIT_CWD|NODE|PATH)$/i;

let seen: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the probe's JSON
let given: NodeJS.ProcessEnv;
const program = path.join(FIXTURES, "no-marker");

beforeAll(async () => {
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-probe-")), "seen.json");
    given = planEnv({ PROBE_OUT: probe });
    const run = await runPlan(["--program", program, "--stack", "test"], { env: { PROBE_OUT: probe } });
    expect(run.code).toBe(0);
    seen = JSON.parse(fs.readFileSync(probe, "utf8"));
}, 180_000);

test("argv and execArgv are Pulumi's runtime's: node, the program's own cmd/run, no preload", () => {
    expect(seen.argv).toEqual([expect.stringMatching(/node$/), require.resolve("@pulumi/pulumi/cmd/run", { paths: [program] })]);
    expect(seen.argv[1]).toBe(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"));
    expect(seen.execArgv).toEqual([]);
});

test("the environment is the plan's own plus exactly what the language host and cmd/run set", () => {
    const env = seen.env as Record<string, string>;
    const added = Object.keys(env).filter((k) => !(k in given) && k !== "_").sort();
    expect(added).toEqual(LANGUAGE_HOST_VARIABLES);
    const changed = Object.keys(given).filter((k) => !NPM_SCRIPT_VARIABLE.test(k) && env[k] !== given[k]);
    expect(changed).toEqual([]);
    expect(Object.keys(env).filter((k) => /WINDOWS_ISOLATION|PLAN/i.test(k))).toEqual([]);
    expect(JSON.parse(env.PULUMI_CONFIG)).toEqual({ "no-marker:config:greeting": "hello" });
});

test("no IPC channel, stack traces at Node's default, no module or global symbol of the plan's", () => {
    expect(seen.ipc).toEqual({ send: "undefined", channel: "undefined", connected: "undefined" });
    expect(seen.stackTraceLimit).toBe(10);
    expect(seen.foreignModules).toEqual([]);
    expect(seen.globalSymbols.filter((s: string) => /windows-isolation|plan/i.test(s))).toEqual([]);
});

test("Pulumi's runtime tells the program what `pulumi preview` of the stack would: a dry run, its project, stack, config and folder", () => {
    expect([seen.dryRun, seen.project, seen.stack, seen.config, seen.cwd]).toEqual([true, "no-marker", "test", "hello", program]);
});

test("documented differences (docs/plan.md): its own PID namespace, whose init is its parent; the diy backend's organization", () => {
    expect(seen.ppid).toBe(1);
    expect(seen.organization).toBe("organization");
});
