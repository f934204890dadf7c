/**
 * The guard as one bundled file (scripts/bundleGuard.js), as a host runs it: a bare `node` with no
 * node_modules next to it. Copied to an empty temp dir first, so nothing resolves from the repo.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript build script
const { bundle } = require("../../../scripts/bundleGuard.js") as { bundle(): { out: string; modules: number } };

test("the bundle runs alone: it activates, refuses an untrusted process create and exits 0 on SIGTERM; it is byte-identical when rebuilt", async () => {
    const first = bundle();
    const bytes = fs.readFileSync(first.out);
    expect(fs.readFileSync(bundle().out).equals(bytes)).toBe(true);
    const requires = [...bytes.toString("utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]).filter((s) => !s.startsWith("."));
    expect(requires.every((s) => s.startsWith("node:") || ["fs", "path"].includes(s))).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-bundle-"));
    const file = path.join(dir, "windows-isolation-guard.js");
    fs.copyFileSync(first.out, file);
    const sock = path.join(dir, "g.sock");
    const child = spawn(process.execPath, [file, "guard", "--listen", `unix://${sock}`], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
        await new Promise<void>((resolve, reject) => {
            child.stdout.once("data", () => resolve());
            child.once("exit", (c) => reject(new Error(`bundle exited ${c}`)));
        });
        const post = (p: string, body: string) =>
            new Promise<string>((resolve, reject) => {
                const r = http.request({ socketPath: sock, path: p, method: "POST" }, (res) => {
                    let t = "";
                    res.on("data", (d: Buffer) => (t += d.toString()));
                    res.on("end", () => resolve(t));
                });
                r.on("error", reject);
                r.end(body);
            });
        expect(JSON.parse(await post("/Plugin.Activate", ""))).toEqual({ Implements: ["authz"] });
        const body = Buffer.from(JSON.stringify({ Image: "x", HostConfig: { Isolation: "process" } })).toString("base64");
        const res = JSON.parse(await post("/AuthZPlugin.AuthZReq", JSON.stringify({ RequestMethod: "POST", RequestUri: "/containers/create", RequestBody: body }))) as { Allow: boolean; Msg: string };
        expect(res).toEqual({ Allow: false, Msg: expect.stringMatching(/^untrusted-requires-hyperv: /) });
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
    } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("the bundle does not carry guard install: it says so in one line, exit 2, and writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-bundle-install-"));
    try {
        const file = path.join(dir, "windows-isolation-guard.js");
        fs.copyFileSync(bundle().out, file);
        // spawnSync ends the child before it returns.
        const r = spawnSync(process.execPath, [file, "guard", "install", "--platform", "linux", "--daemon-json", path.join(dir, "daemon.json"), "--plugin-dir", dir], { cwd: dir, encoding: "utf8" });
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 2, stdout: "", stderr: "windows-isolation guard: install runs from the npm package (npm install -g windows-isolation), not from the single-file bundle\n" });
        expect(fs.readdirSync(dir)).toEqual(["windows-isolation-guard.js"]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
