/**
 * The guard in front of a real dockerd (Debian's 20.10, test/helpers/engine/guardedEngine.ts):
 * requests through dockerode and raw HTTP, each asserting WHO refused it: the guard
 * ("authorization denied by plugin windows-isolation-guard: <rule>: ...") or the Linux daemon
 * itself (which refuses any isolation but default). One guarded engine for the whole file.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { attest } from "../../../rules";
import { gatherFacts } from "../../../review/verify/gather";
import { IMAGE } from "../../helpers/engine/engine";
import { GuardedEngine, startGuardedEngine } from "../../helpers/engine/guardedEngine";

const TRUST = "windows-isolation.trust";
const BY_GUARD = "authorization denied by plugin windows-isolation-guard: ";
let engine: GuardedEngine;

beforeAll(async () => {
    // The engine's client certificate (CN "client") is NOT a trusted identity; local callers are.
    engine = await startGuardedEngine({ trustedIdentities: ["ops-deployer"], localTrusted: true });
});

afterAll(async () => {
    await engine?.stop();
});

/** The error a dockerode call ends with (it must end with one). */
async function refusal(call: Promise<unknown>): Promise<{ statusCode?: number; message: string }> {
    try {
        await call;
    } catch (e) {
        const err = e as { statusCode?: number; json?: { message?: string }; message: string };
        return { statusCode: err.statusCode, message: err.json?.message ?? err.message };
    }
    throw new Error("the call succeeded; a refusal was expected");
}

const auditLines = () => (fs.existsSync(engine.auditFile) ? fs.readFileSync(engine.auditFile, "utf8").trim().split("\n").filter((l) => l !== "") : []);

interface Raw {
    readonly path: string;
    readonly body?: string;
    readonly contentType?: string;
    /** Send the body chunked (no Content-Length). */
    readonly chunked?: boolean;
}

function raw(r: Raw): Promise<{ status: number; message: string }> {
    const sock = engine.state.unixEndpoint.slice("unix://".length);
    const headers: Record<string, string | number> = { "Content-Type": r.contentType ?? "application/json" };
    if (!r.chunked) headers["Content-Length"] = Buffer.byteLength(r.body ?? "");
    return new Promise((resolve, reject) => {
        const req = http.request({ socketPath: sock, path: r.path, method: "POST", headers }, (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => {
                let message = text.trim();
                try {
                    message = (JSON.parse(text) as { message: string }).message;
                } catch {
                    // plain text
                }
                resolve({ status: res.statusCode ?? 0, message });
            });
        });
        req.on("error", reject);
        if (r.chunked && r.body) {
            const half = Math.floor(r.body.length / 2);
            req.write(r.body.slice(0, half));
            req.write(r.body.slice(half));
        } else if (r.body) req.write(r.body);
        req.end();
    });
}

const processCreate = JSON.stringify({ Image: IMAGE, Cmd: ["/bin/sleep", "1"], HostConfig: { Isolation: "process" } });

test("an untrusted isolation=process create is refused by the guard with the rule's message, and audited", async () => {
    const before = auditLines().length;
    const r = await refusal(engine.local().createContainer({ Image: IMAGE, Labels: { [TRUST]: "untrusted" }, HostConfig: { Isolation: "process" } }));
    expect(r.statusCode).toBe(403);
    expect(r.message).toMatch(new RegExp(`^${BY_GUARD}untrusted-requires-hyperv: trust 'untrusted' requires HostConfig.Isolation 'hyperv', got 'process'`));
    const lines = auditLines();
    expect(lines.length).toBe(before + 1);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ user: "", method: "POST", rule: "untrusted-requires-hyperv", path: expect.stringMatching(/\/containers\/create$/) });
});

test("the docker CLI: `docker create --isolation=process` is refused by the guard, exit 1 with the rule's message", async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
        execFile("docker", ["-H", engine.state.unixEndpoint, "create", "--isolation=process", "--label", `${TRUST}=untrusted`, IMAGE], { timeout: 60000, env: { ...process.env, DOCKER_CONFIG: engine.state.dir } }, (err, _out, stderr) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stderr }),
        ),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Error response from daemon: ${BY_GUARD}untrusted-requires-hyperv: trust 'untrusted' requires HostConfig.Isolation 'hyperv', got 'process'`));
});

test("a labelled untrusted hyperv create passes the guard; the Linux daemon refuses the Windows-only value itself", async () => {
    const before = auditLines().length;
    const r = await refusal(engine.local().createContainer({ Image: IMAGE, Labels: { [TRUST]: "untrusted" }, HostConfig: { Isolation: "hyperv" } }));
    expect(r.message).not.toMatch(/authorization denied/);
    expect(r.message).toMatch(/invalid isolation/i);
    expect(r.statusCode).toBe(500); // 20.10 answers this one with 500
    expect(auditLines().length).toBe(before);
});

test("a trusted create from a local caller (localTrusted) passes the guard and the daemon creates it", async () => {
    const docker = engine.local();
    const c = await docker.createContainer({ Image: IMAGE, Cmd: ["/bin/sleep", "1"], Labels: { [TRUST]: "trusted" }, HostConfig: { NetworkMode: "none" } });
    expect((await c.inspect()).Config.Labels[TRUST]).toBe("trusted");
    await c.remove({ force: true });
});

test("a trusted create from a TLS identity the settings do not name is refused (trusted-identity); reads pass", async () => {
    const docker = engine.tls();
    expect((await docker.info()).ID).toBeTruthy();
    const r = await refusal(docker.createContainer({ Image: IMAGE, Labels: { [TRUST]: "trusted" }, HostConfig: { Isolation: "process" } }));
    expect(r.statusCode).toBe(403);
    expect(r.message).toMatch(new RegExp(`^${BY_GUARD}trusted-identity: client identity 'client' \\(TLS\\) may not create workloads labelled ${TRUST}=trusted`));
    expect(JSON.parse(auditLines().slice(-1)[0])).toMatchObject({ user: "client", rule: expect.stringMatching(/trusted-identity/) });
});

test("docker info lists the guard under Plugins.Authorization, so verify reports no engine-unguarded here", async () => {
    const docker = engine.local();
    expect((await docker.info()).Plugins.Authorization).toEqual(["windows-isolation-guard"]);
    const ruleIds = attest(await gatherFacts(docker)).findings.map((f) => f.ruleId);
    expect(ruleIds).toContain("engine-default-isolation"); // a Linux engine still proves nothing
    expect(ruleIds).not.toContain("engine-unguarded");
});

test.each([
    ["/v1.41/containers/create"],
    ["/containers/create?name=x"],
    ["/v1.41/containers%2Fcreate"],
    ["/v1.41/%63ontainers/create"],
])("path variant %s reaches the guard as the create it is and is refused", async (p) => {
    const r = await raw({ path: p, body: processCreate });
    expect(r).toEqual({ status: 403, message: expect.stringMatching(new RegExp(`^${BY_GUARD}untrusted-requires-hyperv: `)) });
});

test("variants the daemon's router does not match (case, doubled slashes) never reach a handler: nothing is created", async () => {
    const before = (await engine.local().listContainers({ all: true })).length;
    const seen: [string, number][] = [];
    for (const p of ["/v1.41/CONTAINERS/create", "/v1.41//containers//create", "/v1.41/containers/create/"]) seen.push([p, (await raw({ path: p, body: processCreate })).status]);
    // 404: no route; 301: gorilla/mux redirects to the cleaned path, which a client must send again
    // (and then the guard judges it). The guard refuses all three too (decide.test.ts).
    expect(seen).toEqual([["/v1.41/CONTAINERS/create", 404], ["/v1.41//containers//create", 301], ["/v1.41/containers/create/", 404]]);
    expect((await engine.local().listContainers({ all: true })).length).toBe(before);
});

test("the daemon reads field names case-insensitively (Go), so the guard does: a lower-case hostconfig is judged", async () => {
    // Passes the guard (local callers may create trusted work here): the daemon applies the lower-case fields.
    const ok = await raw({ path: "/v1.41/containers/create", body: JSON.stringify({ image: IMAGE, cmd: ["/bin/sleep", "1"], labels: { [TRUST]: "trusted", "wi-test": "lower-case" }, hostconfig: { networkmode: "none" } }) });
    expect(ok).toEqual({ status: 201, message: undefined });
    const created = await engine.local().listContainers({ all: true, filters: { label: ["wi-test=lower-case"] } });
    expect(created.map((c) => [c.Labels[TRUST], c.HostConfig.NetworkMode])).toEqual([["trusted", "none"]]);
    await engine.local().getContainer(created[0].Id).remove({ force: true });
    const refused = await raw({ path: "/v1.41/containers/create", body: JSON.stringify({ image: IMAGE, hostconfig: { isolation: "process" } }) });
    expect(refused).toEqual({ status: 403, message: expect.stringMatching(new RegExp(`^${BY_GUARD}untrusted-requires-hyperv: .*got 'process'`)) });
});

test.each([
    ["Content-Length 0 (CVE-2024-41110)", { body: "" }, /reached the guard without a body/],
    ["a body that is not JSON", { body: "{Image:" }, /has a body that is not JSON/],
    ["a key given twice (Go merges both)", { body: `{"Image":"${IMAGE}","HostConfig":{"Isolation":"process"},"HostConfig":{}}` }, /the key "HostConfig" twice in one object/],
    ["a body over the daemon's forward limit", { body: JSON.stringify({ Image: IMAGE, HostConfig: { Isolation: "process" }, Env: ["X=" + "x".repeat(4200 * 1024)] }) }, /reached the guard without a body|too large/],
    ["a JSON body sent as text/plain (not forwarded)", { body: processCreate, contentType: "text/plain" }, /reached the guard without a body/],
])("a create with %s is refused by the guard", async (_, r, why) => {
    const res = await raw({ path: "/v1.41/containers/create", ...r });
    expect(res.status).toBe(403);
    expect(res.message).toMatch(new RegExp(`^${BY_GUARD}guard-unreadable-request: `));
    expect(res.message).toMatch(why);
});

test("a chunked create reaches the guard with its body (Debian's 20.10 carries the CVE-2024-41110 fix) and is judged by the rule", async () => {
    const res = await raw({ path: "/v1.41/containers/create", body: processCreate, chunked: true });
    expect(res).toEqual({ status: 403, message: expect.stringMatching(new RegExp(`^${BY_GUARD}untrusted-requires-hyperv: `)) });
});

test("services: untrusted process refused by the guard; untrusted hyperv passes it", async () => {
    const docker = engine.local();
    await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1:2377" });
    const spec = (isolation: string) => ({ Name: `wi-${isolation}`, TaskTemplate: { ContainerSpec: { Image: IMAGE, Command: ["/bin/sleep", "1"], Labels: { [TRUST]: "untrusted" }, Isolation: isolation as "hyperv" } }, Mode: { Replicated: { Replicas: 0 } } });
    const r = await refusal(docker.createService(spec("process")));
    expect(r.message).toMatch(new RegExp(`^${BY_GUARD}untrusted-requires-hyperv: trust 'untrusted' requires TaskTemplate.ContainerSpec.Isolation 'hyperv', got 'process'`));
    const ok = await docker.createService(spec("hyperv"));
    await docker.getService(ok.id as string).remove();
    const join = await raw({ path: "/swarm/join", body: JSON.stringify({ RemoteAddrs: ["127.0.0.1:1"], JoinToken: "x" }) });
    expect(join).toEqual({ status: 403, message: expect.stringMatching(new RegExp(`^${BY_GUARD}guard-not-allowed: `)) });
});

test("with the guard killed, the daemon refuses every request (reads included)", async () => {
    const pid = engine.guardPid();
    expect(pid).toBeDefined();
    process.kill(pid!, "SIGKILL");
    const r = await refusal(engine.local(120000).info());
    expect(r.message).toMatch(/plugin windows-isolation-guard failed with error: .*(connection refused|no such file)/);
});
