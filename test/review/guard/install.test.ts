/**
 * `windows-isolation guard install` through install() on real files in a temp folder: what it
 * writes (spec, daemon.json merged), what it refuses before writing anything, --dry-run, and the
 * Windows plan (its startup task, run by guard-task.ps1, is tested in guardTask.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { install } from "../../../review/guard/install/main";
import { parseListenAddress } from "../../../review/guard/address";
import { withGuardPlugin } from "../../../review/guard/install/daemonJson";
import { planInstall } from "../../../review/guard/install/plan";

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-install-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const guardScript = path.join(__dirname, "../../../bin/windows-isolation.ts");

function run(...argv: string[]): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const platform = argv.includes("--platform") ? [] : ["--platform", "linux"];
    const code = install([...platform, "--daemon-json", path.join(dir, "daemon.json"), "--plugin-dir", path.join(dir, "plugins"), ...(argv.includes("--guard") ? [] : ["--guard", guardScript]), ...argv], (l) => out.push(l), (l) => err.push(l));
    return { code, out, err };
}

const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
const read = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const files = () => fs.readdirSync(dir, { recursive: true }).map(String).sort();

test("installs on Linux: the spec in the plugin dir, the guard added to daemon.json with every other key kept; a second run changes nothing", () => {
    write("daemon.json", JSON.stringify({ debug: true, "authorization-plugins": ["site-authz"], "exec-opts": ["isolation=hyperv"], hosts: ["unix:///var/run/docker.sock"] }));
    fs.chmodSync(path.join(dir, "daemon.json"), 0o600);
    write("guard.json", JSON.stringify({ daemonDefaultIsolation: "hyperv", trustedIdentities: ["ops-deployer"] }));
    const first = run("--settings", path.join(dir, "guard.json"), "--listen", "unix:///run/wi-guard.sock");
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(read("plugins/windows-isolation-guard.spec")).toBe("unix:///run/wi-guard.sock\n");
    expect(read("daemon.json")).toBe(`${JSON.stringify({ debug: true, "authorization-plugins": ["site-authz", "windows-isolation-guard"], "exec-opts": ["isolation=hyperv"], hosts: ["unix:///var/run/docker.sock"] }, null, 2)}\n`);
    expect(fs.statSync(path.join(dir, "daemon.json")).mode & 0o777).toBe(0o600);
    expect(first.out).toEqual([
        "windows-isolation guard install (linux)",
        `  wrote ${dir}/plugins/windows-isolation-guard.spec: plugin spec unix:///run/wi-guard.sock`,
        `  wrote ${dir}/daemon.json: daemon.json authorization-plugins ["site-authz","windows-isolation-guard"] (other keys kept)`,
        "left to do:",
        `  1. start the guard before dockerd at every boot, as root (e.g. a systemd unit with Before=docker.service): ${process.execPath} ${guardScript} guard --listen unix:///run/wi-guard.sock --settings ${dir}/guard.json`,
        "  2. restart dockerd (systemctl restart docker)",
        "  3. check that `docker info` lists windows-isolation-guard under Plugins > Authorization (verify reports engine-unguarded until it does)",
    ]);
    const before = files().map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? read(f) : ""]);
    const again = run("--settings", path.join(dir, "guard.json"), "--listen", "unix:///run/wi-guard.sock");
    expect(again.code).toBe(0);
    expect(again.out.slice(1, 3)).toEqual([
        `  unchanged ${dir}/plugins/windows-isolation-guard.spec: plugin spec already unix:///run/wi-guard.sock`,
        `  unchanged ${dir}/daemon.json: daemon.json already names windows-isolation-guard: authorization-plugins ["site-authz","windows-isolation-guard"]`,
    ]);
    expect(files().map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? read(f) : ""])).toEqual(before);
});

test("without daemon.json it writes a new one; the Linux default address is a unix socket", () => {
    const r = run();
    expect(r.code).toBe(0);
    expect(JSON.parse(read("daemon.json"))).toEqual({ "authorization-plugins": ["windows-isolation-guard"] });
    expect(read("plugins/windows-isolation-guard.spec")).toBe("unix:///run/windows-isolation-guard.sock\n");
    expect(r.out[2]).toMatch(/daemon.json authorization-plugins \["windows-isolation-guard"\] \(new file\)$/);
});

test("--dry-run prints the same changes and writes nothing", () => {
    write("daemon.json", "{\"debug\":true}\n");
    const r = run("--dry-run");
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe("windows-isolation guard install (linux): dry run, nothing is written");
    expect(r.out[1]).toBe(`  would write ${dir}/plugins/windows-isolation-guard.spec: plugin spec unix:///run/windows-isolation-guard.sock`);
    expect(r.out[2]).toBe(`  would write ${dir}/daemon.json: daemon.json authorization-plugins ["windows-isolation-guard"] (other keys kept)`);
    expect(files()).toEqual(["daemon.json"]);
    expect(read("daemon.json")).toBe("{\"debug\":true}\n");
});

test("on Windows: npipe by default, and the startup task comes before daemon.json names the guard", () => {
    const r = run("--platform", "windows", "--dry-run");
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.slice(1)).toEqual([
        `  would write ${dir}/plugins/windows-isolation-guard.spec: plugin spec npipe:////./pipe/windows-isolation-guard`,
        `  would register startup task windows-isolation-guard (SYSTEM, at startup): runs ${process.execPath} ${guardScript} guard --listen npipe:////./pipe/windows-isolation-guard, waits until it answers on npipe:////./pipe/windows-isolation-guard, then starts the docker service (set to start manually, so never before the guard); started now`,
        `  would write ${dir}/daemon.json: daemon.json authorization-plugins ["windows-isolation-guard"] (new file)`,
        "left to do:",
        "  1. restart dockerd (Restart-Service docker)",
        "  2. check that `docker info` lists windows-isolation-guard under Plugins > Authorization (verify reports engine-unguarded until it does)",
    ]);
    expect(files()).toEqual([]);
});

test.each([
    ["a settings field the guard does not know", () => write("s.json", "{\"trustedIdentites\":[\"x\"]}"), ["--settings", "s.json"], /--settings .*s\.json: unknown field 'trustedIdentites'/],
    ["settings that are not JSON", () => write("s.json", "{"), ["--settings", "s.json"], /s\.json: not JSON/],
    ["a missing settings file", () => undefined, ["--settings", "none.json"], /none\.json: ENOENT/],
    ["daemon.json that is not JSON", () => write("daemon.json", "{\"debug\": true,}"), [], /--daemon-json .*daemon\.json: not JSON/],
    ["daemon.json that is no object", () => write("daemon.json", "[]"), [], /must hold a JSON object/],
    ["authorization-plugins that is no list", () => write("daemon.json", "{\"authorization-plugins\":\"x\"}"), [], /authorization-plugins "x" is not a list of plugin names/],
    ["a stated default the daemon does not set", () => (write("s.json", "{\"daemonDefaultIsolation\":\"hyperv\"}"), write("daemon.json", "{}")), ["--settings", "s.json"], /daemonDefaultIsolation 'hyperv' but .*daemon\.json sets no exec-opts isolation .*add "exec-opts": \["isolation=hyperv"\]/],
    ["a stated default the daemon contradicts", () => (write("s.json", "{\"daemonDefaultIsolation\":\"hyperv\"}"), write("daemon.json", "{\"exec-opts\":[\"isolation=process\"]}")), ["--settings", "s.json"], /sets exec-opts isolation=process/],
    ["a named pipe on Linux", () => undefined, ["--listen", "npipe:////./pipe/g"], /dockerd on linux does not dial npipe plugin addresses; use unix:\/\/\/path\.sock or tcp:\/\/127\.0\.0\.1:<port>/],
    ["a unix socket on Windows", () => undefined, ["--platform", "windows", "--listen", "unix:///g.sock"], /dockerd on windows does not dial unix plugin addresses/],
    ["an address that is not loopback", () => undefined, ["--listen", "tcp://0.0.0.0:9000"], /loopback only/],
    ["a guard script that does not exist", () => undefined, ["--guard", "/nonexistent/guard.js"], /--guard \/nonexistent\/guard\.js: no such file/],
    ["an unknown platform", () => undefined, ["--platform", "macos"], /--platform "macos" is not windows or linux/],
    ["an unknown flag", () => undefined, ["--force"], /unknown argument '--force'/],
])("refuses %s with one line, exit 2, before writing anything", (_what, setup, argv, why) => {
    setup();
    const before = files();
    const r = run(...argv.map((a) => (a.endsWith(".json") ? path.join(dir, a) : a)));
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^windows-isolation guard install: /);
    expect(r.err[0]).toMatch(why);
    expect(r.out).toEqual([]);
    expect(files()).toEqual(before);
});

test("every problem is named at once", () => {
    write("s.json", "{\"localTrusted\":\"yes\"}");
    write("daemon.json", "nope");
    const r = run("--settings", path.join(dir, "s.json"), "--listen", "http://x");
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/--listen "http:\/\/x" is not an address.*; --settings .*localTrusted "yes" must be true or false; --daemon-json .*not JSON/);
});

test("daemon.json merge: the plugin once, at the end, other keys in their order", () => {
    expect(withGuardPlugin("d", undefined, "g")).toEqual({ ok: true, merged: { text: "{\n  \"authorization-plugins\": [\n    \"g\"\n  ]\n}\n", plugins: ["g"], defaultIsolation: undefined } });
    const merged = withGuardPlugin("d", "{\"b\":1,\"authorization-plugins\":[],\"a\":2,\"exec-opts\":[\"ISOLATION=HyperV\"]}", "g");
    expect(merged.ok && Object.keys(JSON.parse(merged.merged.text!))).toEqual(["b", "authorization-plugins", "a", "exec-opts"]);
    expect(merged.ok && merged.merged.defaultIsolation).toBe("hyperv");
    expect(withGuardPlugin("d", "{\"authorization-plugins\":[\"g\",\"x\"]}", "g")).toEqual({ ok: true, merged: { text: undefined, plugins: ["g", "x"], defaultIsolation: undefined } });
    expect(withGuardPlugin("d", "{\"exec-opts\":\"isolation=hyperv\"}", "g")).toEqual({ ok: false, problem: "--daemon-json d: exec-opts \"isolation=hyperv\" is not a list of strings; fix the file first" });
});

test("on Windows without the startup task's script nothing is planned", () => {
    const listen = parseListenAddress("npipe:////./pipe/windows-isolation-guard");
    if (!listen.ok) throw new Error(listen.problem);
    const inputs = { platform: "windows" as const, plugin: "windows-isolation-guard", listen: listen.address, daemonJson: { file: "d.json", text: undefined }, spec: { file: "g.spec", text: undefined }, node: "node.exe", guardScript: "wi.js" };
    expect(planInstall({ ...inputs, taskScript: undefined })).toEqual({ ok: false, problems: ["the startup task's script guard-task.ps1 is missing next to this install command; reinstall the npm package (npm install -g windows-isolation)"] });
    expect(planInstall({ ...inputs, taskScript: "guard-task.ps1" }).ok).toBe(true);
});
