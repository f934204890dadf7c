import fc from "fast-check";
import { gunzipSync } from "zlib";
import {
    BOOTSTRAP_SCRIPTS, bootstrapBundle, bootstrapFingerprint, bootstrapScript, bundleFiles, customScriptCommand,
    daemonConfig, daemonJson, HOST_CERT_DIR, loaderScript, phase2Settings, WINDOWS_DAEMON_CONFIG_KEYS,
} from "../../components/bootstrap";
import { DEFAULT_DOCKER_RELEASE } from "../../components/dockerRelease";
import { parsePowerShell } from "../helpers/powershell";

// Shaped like what @pulumi/tls emits for ECDSA P-256 (sizes matter for the command-line bound).
const pem = (label: string, base64Chars: number) => `-----BEGIN ${label}-----\n${"A".repeat(base64Chars).replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END ${label}-----\n`;
const material = {
    caPem: pem("CERTIFICATE", 700),
    serverCertPem: pem("CERTIFICATE", 760),
    serverKeyPem: pem("EC PRIVATE KEY", 160) + "SECRET-KEY-MARKER\n",
    docker: DEFAULT_DOCKER_RELEASE,
};

describe("the .ps1 files parse as PowerShell", () => {
    test("the bootstrap folder has exactly the three scripts the component uses", () => {
        expect([...BOOTSTRAP_SCRIPTS]).toEqual(["phase1.ps1", "phase2.ps1", "wait-ready.ps1"]);
    });

    test.each([...BOOTSTRAP_SCRIPTS])("%s parses without an error node", async (name) => {
        const parsed = await parsePowerShell(bootstrapScript(name));
        expect(parsed.problems).toEqual([]);
        expect(parsed.ok).toBe(true);
    });

    test.each([...BOOTSTRAP_SCRIPTS])("%s with its last block-closing line removed no longer parses (the check can fail)", async (name) => {
        const lines = bootstrapScript(name).split("\n");
        const last = lines.map((l) => /^\s*\}\s*$/.test(l)).lastIndexOf(true);
        expect(last).toBeGreaterThan(0);
        lines.splice(last, 1);
        expect((await parsePowerShell(lines.join("\n"))).ok).toBe(false);
    });

    test("the generated bundle and the loader parse too", async () => {
        const bundle = bootstrapBundle(material);
        expect((await parsePowerShell(bundle)).problems).toEqual([]);
        expect((await parsePowerShell(loaderScript("SGVsbG8="))).problems).toEqual([]);
    });
});

describe("what the scripts do (the design's traps)", () => {
    const phase1 = bootstrapScript("phase1.ps1");
    const phase2 = bootstrapScript("phase2.ps1");
    const wait = bootstrapScript("wait-ready.ps1");

    test("phase 1 installs Hyper-V and Containers, registers a startup task and schedules one delayed restart", () => {
        expect(phase1).toMatch(/\$wanted = @\('Hyper-V', 'Containers'\)/);
        expect(phase1).toMatch(/Install-WindowsFeature -Name \$missing/);
        expect(phase1).toMatch(/New-ScheduledTaskTrigger -AtStartup/);
        expect(phase1).toMatch(/New-ScheduledTaskPrincipal -UserId 'SYSTEM'/);
        expect(phase1.match(/shutdown\.exe \/r \/t 60/g)).toHaveLength(1);
        // Never an inline restart: the extension would not report success.
        expect(phase1).not.toMatch(/Restart-Computer|-Restart\b|shutdown\.exe \/r \/t 0/i);
        expect(phase1).not.toMatch(/AtLogOn/i);
    });

    test("phase 2 verifies the SHA-256 before installing, and swarm-inits on the private IP", () => {
        const hash = phase2.indexOf("Get-FileHash -LiteralPath $zip -Algorithm SHA256");
        const expand = phase2.indexOf("Expand-Archive");
        expect(hash).toBeGreaterThan(0);
        expect(expand).toBeGreaterThan(hash);
        expect(phase2).toMatch(/if \(\$actual -ne \$settings\.dockerSha256\.ToUpperInvariant\(\)\) \{/);
        expect(phase2).toMatch(/swarm init --advertise-addr \$ip/);
        expect(phase2).toMatch(/New-NetFirewallRule -Name \$FirewallRule .*-LocalPort 2376/);
        expect(phase2).toMatch(/--register-service/);
        expect(phase2).toMatch(/isolation\s+= \$info\.Isolation/);
    });

    test("every state-changing step of phase 2 is guarded, so re-runs converge", () => {
        expect(phase2).toMatch(/if \(\$installed -ne \$settings\.dockerVersion\)/);
        expect(phase2).toMatch(/if \(-not \(Get-NetFirewallRule -Name \$FirewallRule/);
        expect(phase2).toMatch(/if \(-not \$service\)/);
        expect(phase2).toMatch(/if \(\$swarmState -eq 'inactive'\)/);
    });

    test("the wait is bounded, requires default isolation hyperv, and prints the log tail on failure", () => {
        expect(wait).toMatch(/\[int\]\$TimeoutSeconds/);
        expect(wait).toMatch(/while \(\(Get-Date\) -lt \$deadline\)/);
        expect(wait).toMatch(/\$facts\.isolation -ne 'hyperv'/);
        expect(wait).toMatch(/Get-Content -LiteralPath \$Log -Tail 40/);
        expect(wait.match(/exit 1/g)!.length).toBe(3);
    });
});

describe("daemon.json", () => {
    test("is valid JSON with exactly the design's settings", () => {
        const parsed = JSON.parse(daemonJson());
        expect(parsed).toEqual({
            hosts: ["npipe://", "tcp://0.0.0.0:2376"],
            tlsverify: true,
            tlscacert: "C:\\ProgramData\\docker\\certs.d\\ca.pem",
            tlscert: "C:\\ProgramData\\docker\\certs.d\\server-cert.pem",
            tlskey: "C:\\ProgramData\\docker\\certs.d\\server-key.pem",
            "exec-opts": ["isolation=hyperv"],
        });
        expect(daemonConfig()).toEqual(parsed);
    });

    test("uses only keys dockerd accepts on Windows (docker/cli dockerd.md, Windows example)", () => {
        const keys = Object.keys(JSON.parse(daemonJson()));
        expect(keys.filter((k) => !WINDOWS_DAEMON_CONFIG_KEYS.includes(k))).toEqual([]);
        // Linux-only keys a copy-paste could bring in are not on the Windows list.
        for (const linuxOnly of ["iptables", "userns-remap", "live-restore", "tls", "runtimes", "exec-root", "log-opts"]) {
            expect(WINDOWS_DAEMON_CONFIG_KEYS).not.toContain(linuxOnly);
        }
    });

    test("never listens on 2375 and never without TLS verification", () => {
        const cfg = daemonConfig();
        expect(cfg.hosts.some((h) => h.includes(":2375"))).toBe(false);
        expect(cfg.tlsverify).toBe(true);
        expect(cfg.hosts.filter((h) => h.startsWith("tcp://"))).toEqual(["tcp://0.0.0.0:2376"]);
    });

    test("paths follow the cert folder", () => {
        expect(daemonConfig("D:\\certs").tlskey).toBe("D:\\certs\\server-key.pem");
        expect(HOST_CERT_DIR).toBe("C:\\ProgramData\\docker\\certs.d");
    });
});

describe("the extension's command", () => {
    test("phase 2 settings carry the pin and the default download URL, no key", () => {
        expect(JSON.parse(phase2Settings(DEFAULT_DOCKER_RELEASE))).toEqual({
            dockerVersion: "29.4.3",
            dockerSha256: "993b582d09f511a5a260f69a97163472459ecf8ac11a209e87ef6ea0cdb4203b",
            dockerUrl: "https://download.docker.com/win/static/stable/x86_64/docker-29.4.3.zip",
        });
        expect(JSON.parse(phase2Settings({ version: "1.2.3", sha256: "AB".repeat(32), url: "https://mirror.example/d.zip" })).dockerUrl).toBe("https://mirror.example/d.zip");
    });

    test("the bundle writes each file verbatim and runs phase 1 with its exit code", () => {
        const bundle = bootstrapBundle(material);
        for (const [name, text] of bundleFiles(material)) {
            expect(bundle).toContain(`'${name}' = @'\n${text.replace(/\n$/, "")}\n'@`);
        }
        expect(bundle).toMatch(/& \(Join-Path \$dir 'phase1\.ps1'\) -BootstrapDir \$dir\nexit \$LASTEXITCODE\n$/);
        expect(bundle).toContain("/inheritance:r");
    });

    test("a file that would close its here-string early is refused", () => {
        expect(() => bootstrapBundle({ ...material, caPem: "x\n'@\ny" })).toThrow(/line starting with '@/);
    });

    test("the command line round-trips to the bundle and stays under cmd.exe's 8191-character limit", () => {
        const bundle = bootstrapBundle(material);
        const command = customScriptCommand(bundle);
        const payload = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(command)![1];
        expect(gunzipSync(Buffer.from(payload, "base64")).toString("utf8")).toBe(bundle);
        expect(command.length).toBeLessThan(8191);
        expect(command).toMatch(/^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "[^"%]+"$/);
        expect(command).not.toContain("SECRET-KEY-MARKER");
    });

    test("the fingerprint follows every public input and ignores the private key", () => {
        const base = bootstrapFingerprint(material);
        expect(bootstrapFingerprint({ ...material, serverKeyPem: "other" } as typeof material)).toBe(base);
        expect(bootstrapFingerprint({ ...material, serverCertPem: material.serverCertPem + "x" })).not.toBe(base);
        expect(bootstrapFingerprint({ ...material, docker: { ...material.docker, version: "29.4.4" } })).not.toBe(base);
        expect(base).toMatch(/^[0-9a-f]{16}$/);
    });

    test("property: any PEM-like material round-trips through the command", () => {
        const b64 = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"), minLength: 1, maxLength: 900 });
        fc.assert(fc.property(b64, b64, b64, (a, b, c) => {
            const m = { ...material, caPem: pem("CERTIFICATE", 0) + a, serverCertPem: b, serverKeyPem: c };
            const bundle = bootstrapBundle(m);
            const payload = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(customScriptCommand(bundle))![1];
            return gunzipSync(Buffer.from(payload, "base64")).toString("utf8") === bundle;
        }), { numRuns: 100 });
    });
});
