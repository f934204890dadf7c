/**
 * The guard as the daemon talks to it: the built command listening on a unix socket, the plugin
 * protocol's three endpoints over HTTP, base64 bodies, malformed messages, the audit line (bounded,
 * no secrets), and a clean exit on SIGTERM that removes the socket.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_CLI } from "../../helpers/build/builtTools";

let dir: string;
let sock: string;
let guard: ChildProcess;
let stderr = "";
const auditFile = () => path.join(dir, "audit.log");

function post(p: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
        const r = http.request({ socketPath: sock, path: p, method: "POST", headers: { "Content-Type": "application/vnd.docker.plugins.v1.2+json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
        });
        r.on("error", reject);
        r.end(body);
    });
}

const authz = (m: Record<string, unknown>) => post("/AuthZPlugin.AuthZReq", JSON.stringify(m));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-guard-"));
    sock = path.join(dir, "guard.sock");
    fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({ auditLog: auditFile(), trustedIdentities: ["ops"] }));
    guard = spawn(process.execPath, [BUILT_CLI, "guard", "--listen", `unix://${sock}`, "--settings", path.join(dir, "settings.json")], { stdio: ["ignore", "pipe", "pipe"] });
    guard.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
        guard.stdout!.once("data", () => resolve());
        guard.once("exit", (code) => reject(new Error(`guard exited ${code}: ${stderr}`)));
    });
});

afterAll(() => {
    if (guard.exitCode === null && guard.signalCode === null) guard.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
});

test("Plugin.Activate answers that the plugin implements authz", async () => {
    expect(await post("/Plugin.Activate", "")).toEqual({ status: 200, json: { Implements: ["authz"] } });
});

test("an untrusted process-isolated create is refused with the rule's message; its denial is audited without secrets", async () => {
    const secretEnv = "DB_PASSWORD=hunter2-secret";
    const res = await authz({
        User: "ci-job",
        UserAuthNMethod: "TLS",
        RequestMethod: "POST",
        RequestUri: "/v1.41/containers/create?name=job",
        RequestBody: b64({ Image: "x", Env: [secretEnv], HostConfig: { Isolation: "process" } }),
        RequestHeaders: { "Content-Type": "application/json" },
    });
    expect(res.json.Allow).toBe(false);
    expect(res.json.Msg).toMatch(/^untrusted-requires-hyperv: trust 'untrusted' requires HostConfig.Isolation 'hyperv', got 'process'/);
    const lines = fs.readFileSync(auditFile(), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    const last = lines[lines.length - 1];
    expect(Object.keys(last)).toEqual(["time", "user", "method", "path", "rule", "message"]);
    expect(last).toMatchObject({ user: "ci-job", method: "POST", path: "/v1.41/containers/create", rule: "untrusted-requires-hyperv" });
    expect(fs.readFileSync(auditFile(), "utf8")).not.toMatch(/hunter2|name=job/);
});

test("an allowed create is not audited; AuthZRes always allows", async () => {
    const before = fs.readFileSync(auditFile(), "utf8");
    const res = await authz({ RequestMethod: "POST", RequestUri: "/containers/create", RequestBody: b64({ Image: "x", HostConfig: { Isolation: "hyperv" } }) });
    expect(res.json).toEqual({ Allow: true });
    expect(fs.readFileSync(auditFile(), "utf8")).toBe(before);
    expect((await post("/AuthZPlugin.AuthZRes", JSON.stringify({ RequestMethod: "GET", RequestUri: "/info", ResponseStatusCode: 200 }))).json).toEqual({ Allow: true });
});

test("a create that arrives without its body (CVE-2024-41110) is refused", async () => {
    const res = await authz({ RequestMethod: "POST", RequestUri: "/containers/create", RequestHeaders: { "Content-Length": "0" } });
    expect(res.json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/^guard-unreadable-request: POST \/containers\/create reached the guard without a body/) });
});

test("a plugin message that is not JSON, or with a body that is not base64, is a denial", async () => {
    expect((await post("/AuthZPlugin.AuthZReq", "{nope")).json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/not JSON/) });
    expect((await authz({ RequestMethod: "POST", RequestUri: "/containers/create", RequestBody: "%%%" })).json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/not base64/) });
    expect((await authz({ RequestMethod: 7, RequestUri: "/info" })).json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/RequestMethod is number/) });
});

test("audit lines are bounded", async () => {
    await authz({ User: "u".repeat(5000), UserAuthNMethod: "TLS", RequestMethod: "POST", RequestUri: `/containers/create`, RequestBody: b64({ Labels: { "windows-isolation.trust": "x".repeat(10000) } }) });
    const lines = fs.readFileSync(auditFile(), "utf8").trim().split("\n");
    expect(Buffer.byteLength(lines[lines.length - 1])).toBeLessThan(3000);
});

test("SIGTERM: the guard closes, removes its socket and exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => guard.once("exit", (code) => resolve(code)));
    guard.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(sock)).toBe(false);
});
