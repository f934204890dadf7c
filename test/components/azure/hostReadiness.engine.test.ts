/**
 * The ContainerHost readiness wait against the REAL test engine over mutual TLS: the same
 * request, TLS checks and judgement a `pulumi up` makes against a new Azure host. The test engine
 * is Linux: it reports no Windows isolation, so "ready" here expects what a Linux engine reports,
 * and the wrong-isolation case shows the judgement refusing an engine that is not Hyper-V by
 * default. A guest restart is played by a TCP hop in front of the engine that resets, goes away
 * and comes back (the shared engine serves every engine test at once and must stay up).
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EngineProbeTarget, waitForEngineReady } from "../../../components/azure/engineReadinessProbe";
import { hostReadinessProvider, HostReadinessInputs } from "../../../components/azure/hostReadiness";
import { EngineReadinessExpectation } from "../../../rules";
import { EngineState, STATE_ENV } from "../../helpers/engine/engine";

const state: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));
const enginePort = Number(new URL(state.tcpEndpoint.replace("tcp://", "https://")).port);

const tlsFrom = (dir: string) => ({
    caPem: fs.readFileSync(path.join(dir, "ca.pem"), "utf8"),
    certPem: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
    keyPem: fs.readFileSync(path.join(dir, "key.pem"), "utf8"),
});
const target = (port: number, dir = state.tls.client): EngineProbeTarget => ({ host: "127.0.0.1", port, ...tlsFrom(dir) });
/** What this (Linux) engine is: the pinned version, no Windows build, no Windows isolation, an active swarm. */
const linuxEngine: EngineReadinessExpectation = { serverVersion: state.dockerdVersion, osBuild: null, defaultIsolation: "none", swarmActive: true };
const GUEST_LOGS = "C:\\ProgramData\\windows-isolation\\bootstrap.log on VM test-vm";
const quick = { guestLogs: GUEST_LOGS, initialDelayMs: 50, maxDelayMs: 200 };

test("ready: the engine answers over mutual TLS and reports what was expected", async () => {
    const facts = await waitForEngineReady(target(enginePort), linuxEngine, { ...quick, timeoutSeconds: 120 });
    expect(facts).toEqual({ serverVersion: state.dockerdVersion, osBuild: null, defaultIsolation: "none", reportedIsolation: "", swarmState: "active" });
});

test("not yet listening: refused until the deadline, then an error with the last thing seen and where the logs are", async () => {
    const seen: string[] = [];
    await expect(waitForEngineReady(target(state.closedPort), linuxEngine, { ...quick, timeoutSeconds: 1, onNotReady: (_n, s) => void seen.push(s) }))
        .rejects.toThrow(/was not ready within 1 s \(\d+ attempts\); last seen: connection to 127\.0\.0\.1:\d+ refused .*Guest logs: C:\\ProgramData\\windows-isolation\\bootstrap\.log on VM test-vm$/);
    expect(seen.length).toBeGreaterThan(0);
});

// A deadline of a few seconds, not one: on a loaded machine one TLS round trip can take longer than a second.
test("wrong CA: the engine's certificate is not trusted, and the message says so", async () => {
    await expect(waitForEngineReady(target(enginePort, state.tls.wrongCa), linuxEngine, { ...quick, timeoutSeconds: 3 }))
        .rejects.toThrow(/last seen: TLS: the certificate 127\.0\.0\.1:\d+ presents is not one the stack's CA signed for this address \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
});

test("wrong default isolation: an engine that does not default to Hyper-V is never ready", async () => {
    const expectHyperv: EngineReadinessExpectation = { ...linuxEngine, defaultIsolation: "hyperv" };
    await expect(waitForEngineReady(target(enginePort), expectHyperv, { ...quick, timeoutSeconds: 3 }))
        .rejects.toThrow(/last seen: the engine reports no Windows default isolation \(OSType 'linux', Isolation ''\), not 'hyperv' \(daemon\.json's exec-opts\)\. Guest logs/);
});

/** A TCP hop in front of the engine: `reset` accepts and drops, `silent` accepts and never answers, `down` listens nowhere, `up` relays. */
class GuestNetwork {
    private server?: net.Server;
    private readonly sockets = new Set<net.Socket>();
    constructor(public port = 0) {}
    async listen(mode: "reset" | "silent" | "up"): Promise<void> {
        await this.down();
        const server = net.createServer((c) => {
            this.sockets.add(c);
            c.on("close", () => this.sockets.delete(c));
            if (mode === "reset") return void c.resetAndDestroy();
            if (mode === "silent") return;
            const u = net.connect(enginePort, "127.0.0.1");
            this.sockets.add(u);
            u.on("close", () => this.sockets.delete(u));
            c.pipe(u);
            u.pipe(c);
            const end = () => { c.destroy(); u.destroy(); };
            c.on("error", end); u.on("error", end); c.on("close", end); u.on("close", end);
        });
        await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(this.port, "127.0.0.1", resolve); });
        this.port = (server.address() as net.AddressInfo).port;
        this.server = server;
    }
    async down(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        const server = this.server;
        this.server = undefined;
        if (server) await new Promise<void>((r) => server.close(() => r()));
    }
}

test("a restart in the middle: reset, then nothing listening, then the engine again: the wait ends ready", async () => {
    const guest = new GuestNetwork();
    try {
        await guest.listen("reset");
        const seen: string[] = [];
        // Each failed attempt moves the guest one step through its restart.
        const facts = await waitForEngineReady(target(guest.port), linuxEngine, {
            ...quick,
            timeoutSeconds: 120,
            onNotReady: async (attempt, s) => {
                seen.push(s);
                if (attempt === 1) await guest.down();
                if (attempt === 2) await guest.listen("up");
            },
        });
        expect(facts.swarmState).toBe("active");
        expect(seen).toHaveLength(2);
        expect(seen[0]).toMatch(/reset|disconnected/);
        expect(seen[1]).toMatch(/refused/);
    } finally {
        await guest.down();
    }
});

test("attempts that get no answer within their own bound are reported: silence is what was last seen", async () => {
    const guest = new GuestNetwork();
    try {
        await guest.listen("reset");
        const seen: string[] = [];
        // The guest goes silent after the first attempt: every later attempt ends at its bound, the last one at the deadline.
        await expect(waitForEngineReady(target(guest.port), linuxEngine, {
            ...quick,
            timeoutSeconds: 2,
            requestTimeoutMs: 300,
            onNotReady: async (attempt, s) => {
                seen.push(s);
                if (attempt === 1) await guest.listen("silent");
            },
        })).rejects.toThrow(/last seen: no answer from 127\.0\.0\.1:\d+ in time/);
        expect(seen[0]).toMatch(/reset|disconnected/);
        // A full-length attempt without an answer is evidence and is reported; only one cut short by the deadline is not.
        expect(seen.slice(1).every((x) => /no answer from/.test(x))).toBe(true);
    } finally {
        await guest.down();
    }
});

test("an answer seen before the deadline is what the error reports, even when the last attempt had too little time to answer", async () => {
    const guest = new GuestNetwork();
    try {
        await guest.listen("up");
        let attempts = 0;
        // A linux engine expected to default to hyperv answers "not ready" at once; then it goes silent, and the deadline cuts the next attempt short.
        await expect(waitForEngineReady(target(guest.port), { ...linuxEngine, defaultIsolation: "hyperv" }, {
            guestLogs: GUEST_LOGS,
            initialDelayMs: 50,
            timeoutSeconds: 3,
            requestTimeoutMs: 60000,
            onNotReady: async () => {
                attempts++;
                await guest.listen("silent");
            },
        })).rejects.toThrow(/last seen: the engine reports no Windows default isolation \(OSType 'linux', Isolation ''\), not 'hyperv'/);
        expect(attempts).toBeGreaterThanOrEqual(1);
    } finally {
        await guest.down();
    }
});

test("the dynamic provider, serialized as Pulumi stores it, waits against the engine and keeps the key out of its outputs and code", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => hostReadinessProvider, { allowSecrets: false });
    const t = target(enginePort);
    expect(serialized.text).not.toContain(t.keyPem.split("\n")[1]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-dynamic-"));
    try {
        const file = path.join(dir, "provider.js");
        fs.writeFileSync(file, serialized.text);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const provider = (require(file) as Record<string, () => typeof hostReadinessProvider>)[serialized.exportName]();
        const inputs: HostReadinessInputs = {
            host: t.host, port: t.port, caPem: t.caPem, clientCertPem: t.certPem, clientKeyPem: t.keyPem,
            expected: linuxEngine, timeoutSeconds: 60, guestLogs: GUEST_LOGS, bootstrapFingerprint: "f1",
        };
        const created = await provider.create(inputs);
        expect(created.id).toBe(`tcp://127.0.0.1:${t.port}`);
        expect(created.outs!.facts.swarmState).toBe("active");
        expect(JSON.stringify(created.outs)).not.toContain("PRIVATE KEY");
        // Unchanged inputs: no diff, so an unchanged `pulumi up` does not wait again; a new bootstrap does.
        expect((await provider.diff!(created.id, created.outs!, inputs)).changes).toBe(false);
        expect((await provider.diff!(created.id, created.outs!, { ...inputs, bootstrapFingerprint: "f2" })).changes).toBe(true);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
