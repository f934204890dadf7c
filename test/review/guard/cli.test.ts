/** `windows-isolation guard` arguments, settings and the spec file, through main() (no server started). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseListenAddress, specFileContent } from "../../../review/guard/address";
import { loadSettings, main } from "../../../review/guard/main";
import { parseSettings } from "../../../review/guard/settings";

function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const o = jest.spyOn(process.stdout, "write").mockImplementation((t) => ((out += String(t)), true));
    const e = jest.spyOn(process.stderr, "write").mockImplementation((t) => ((err += String(t)), true));
    return fn().then((code) => {
        o.mockRestore();
        e.mockRestore();
        return { code, out, err };
    });
}

test("guard spec prints the address the daemon dials, one line", async () => {
    expect(await capture(() => main(["spec", "--name", "windows-isolation-guard", "--listen", "npipe:////./pipe/windows-isolation-guard"]))).toEqual({ code: 0, out: "npipe:////./pipe/windows-isolation-guard\n", err: "" });
    expect((await capture(() => main(["spec", "--listen", "tcp://127.0.0.1:9323"]))).out).toBe("tcp://127.0.0.1:9323\n");
});

test.each([
    [["spec", "--name", "a/b", "--listen", "unix:///x.sock"], /--name "a\/b" is not a plugin name/],
    [["spec", "--name", "g"], /spec needs --listen/],
    [[], /--listen <address> is required/],
    [["--listen", "tcp://0.0.0.0:9000"], /loopback only/],
    [["--listen", "http://127.0.0.1:9000"], /is not an address the daemon's plugin client dials/],
    [["--listen", "unix:///x.sock", "--bogus"], /unknown argument '--bogus'/],
])("bad input exits 2 with one line: %j", async (argv, why) => {
    const r = await capture(() => main(argv));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(why);
    expect(r.err.trim().split("\n")).toHaveLength(1);
});

test("addresses: the three schemes", () => {
    expect(parseListenAddress("npipe:////./pipe/g")).toEqual({ ok: true, address: { scheme: "npipe", pipe: "\\\\.\\pipe\\g", url: "npipe:////./pipe/g" } });
    expect(parseListenAddress("unix:///run/g.sock")).toMatchObject({ ok: true, address: { scheme: "unix", path: "/run/g.sock" } });
    const tcp = parseListenAddress("tcp://127.0.0.1:9323");
    expect(tcp).toMatchObject({ ok: true, address: { scheme: "tcp", host: "127.0.0.1", port: 9323 } });
    if (tcp.ok) expect(specFileContent(tcp.address)).toBe("tcp://127.0.0.1:9323\n");
});

test("settings: defaults fail closed; every problem is named at once", () => {
    expect(parseSettings({})).toEqual({ ok: true, settings: { trustedIdentities: [], localTrusted: false, allowPluginInstall: false, allowSwarmJoin: false, allowLocalSwarmJoin: false, auditMaxBytes: 10485760 } });
    const bad = parseSettings({ trustedIdentites: ["x"], daemonDefaultIsolation: "default", localTrusted: "yes", auditMaxBytes: 5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
        expect(bad.problems).toHaveLength(4);
        expect(bad.problems.join("\n")).toMatch(/unknown field 'trustedIdentites'/);
        expect(bad.problems.join("\n")).toMatch(/daemonDefaultIsolation "default" is not an isolation mode/);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-settings-"));
    try {
        fs.writeFileSync(path.join(dir, "s.json"), "{nope");
        expect(loadSettings(path.join(dir, "s.json"))).toEqual({ ok: false, problem: `--settings ${path.join(dir, "s.json")}: not JSON` });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("guard install is reached through guard's main (loaded by path): its help, and its one-line refusals", async () => {
    const help = await capture(() => main(["install", "--help"]));
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: windows-isolation guard install /);
    const bad = await capture(() => main(["install", "--platform", "beos"]));
    expect(bad).toEqual({ code: 2, out: "", err: "windows-isolation guard install: --platform \"beos\" is not windows or linux\n" });
});
