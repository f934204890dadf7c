import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from "crypto";
import fc from "fast-check";
import { gunzipSync } from "zlib";
import {
    BOOTSTRAP_SCRIPTS, bootstrapBundle, bootstrapFingerprint, bootstrapPrelude, bootstrapScript, bootstrapSource, PRELUDE_MARKER, bootstrapUserData, bundleFiles, customScriptCommand,
    daemonConfig, daemonJson, HOST_CERT_DIR, IMDS_USER_DATA_URL, parseSwarmTokens, phase2Settings, stripComments, SWARM_TOKENS_MARKER, tokenRecipient, WINDOWS_DAEMON_CONFIG_KEYS,
} from "../../../../components/azure/bootstrap";
import { DEFAULT_DOCKER_RELEASE } from "../../../../components/azure/dockerRelease";
import { AZURE_USER_DATA_LIMIT, GUARD_PIPE_PATH } from "../../../../components/azure/bootstrap";
import { DEFAULT_NODE_RELEASE } from "../../../../components/azure/nodeRelease";
import { readFileSync } from "fs";

// Sized like what @pulumi/tls emits for ECDSA P-256: a real P-256 key, and certificates of random
// bytes at a generous DER size (random: they must not compress better than real ones).
const pem = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END ${label}-----\n`;
const ecKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
const material = {
    caPem: pem("CERTIFICATE", randomBytes(600)),
    serverCertPem: pem("CERTIFICATE", randomBytes(750)),
    serverKeyPem: ecKey + "SECRET-KEY-MARKER\n",
    docker: DEFAULT_DOCKER_RELEASE,
};

// What the scripts do is tested by running them under real PowerShell (the *.Tests.ps1 Pester
// suites beside this file, run by pester.test.ts), and their Windows PowerShell 5.1 syntax by
// the real parser there. Here: the TypeScript side that ships them.
describe("the scripts the components ship", () => {
    test("the bootstrap folder has exactly the scripts the components use", () => {
        expect([...BOOTSTRAP_SCRIPTS]).toEqual(["phase1.ps1", "phase2.ps1", "swarm-tokens.ps1", "swarm-join.ps1", "swarm-nodes.ps1"]);
    });

    test("one prelude: Invoke-Native is written once (prelude.ps1) and each generated script holds it once, in place of its marker", () => {
        expect(bootstrapPrelude()).toMatch(/^function Invoke-Native \{$/m);
        for (const name of BOOTSTRAP_SCRIPTS) {
            const source = bootstrapSource(name);
            expect(source).not.toMatch(/^function Invoke-Native/m);
            expect(source.split("\n").filter((l) => l.startsWith(PRELUDE_MARKER))).toHaveLength(1);
            const generated = bootstrapScript(name);
            expect(generated.match(/^function Invoke-Native \{$/gm)).toHaveLength(1);
            expect(generated).not.toContain(`\n${PRELUDE_MARKER}`);
            // Everything else is the source, line for line.
            expect(generated.replace(bootstrapPrelude().replace(/\n+$/, ""), PRELUDE_MARKER)).toBe(source.replace(/^# windows-isolation:prelude.*$/m, PRELUDE_MARKER));
        }
    });

    test("comment stripping keeps every code line, in order, and drops every comment line", () => {
        for (const name of ["phase1.ps1", "phase2.ps1"] as const) {
            const original = bootstrapScript(name).split("\n");
            const stripped = stripComments(bootstrapScript(name)).split("\n");
            expect(stripped.length).toBeLessThan(original.length);
            let i = 0;
            for (const line of stripped) {
                while (original[i] !== line) i++;
                i++;
            }
            expect(i).toBeLessThanOrEqual(original.length);
            expect(stripped.some((l) => l.trim().startsWith("#"))).toBe(false);
            expect(stripped.some((l) => l.includes("<#") || l.includes("#>"))).toBe(false);
        }
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

describe("what the extension and the user data carry", () => {
    const { serverKeyPem, ...publicMaterial } = material;
    const userDataBundle = (userData: string) => gunzipSync(Buffer.from(userData, "base64")).toString("utf8");

    test("phase 2 settings carry the pin, the default download URL and the swarm's overlay pool (outside 10.0.0.0/8), no key", () => {
        expect(JSON.parse(phase2Settings(DEFAULT_DOCKER_RELEASE))).toEqual({
            dockerVersion: "29.4.3",
            dockerSha256: "993b582d09f511a5a260f69a97163472459ecf8ac11a209e87ef6ea0cdb4203b",
            dockerUrl: "https://download.docker.com/win/static/stable/x86_64/docker-29.4.3.zip",
            swarmAddressPool: "172.30.0.0/16",
            swarmAddressPoolMaskLength: 24,
        });
        expect(JSON.parse(phase2Settings({ version: "1.2.3", sha256: "AB".repeat(32), url: "https://mirror.example/d.zip" })).dockerUrl).toBe("https://mirror.example/d.zip");
    });

    test("a pool node's settings add its swarm role, the pool subnet and the swarm ports; a ContainerHost's have none of them", () => {
        expect(JSON.parse(phase2Settings(DEFAULT_DOCKER_RELEASE, { role: "join", subnetCidr: "10.40.0.0/24" }))).toEqual({
            dockerVersion: "29.4.3",
            dockerSha256: "993b582d09f511a5a260f69a97163472459ecf8ac11a209e87ef6ea0cdb4203b",
            dockerUrl: "https://download.docker.com/win/static/stable/x86_64/docker-29.4.3.zip",
            swarmAddressPool: "172.30.0.0/16",
            swarmAddressPoolMaskLength: 24,
            swarmRole: "join",
            swarmSubnet: "10.40.0.0/24",
            swarmPorts: [{ port: 2377, protocol: "TCP" }, { port: 7946, protocol: "TCP" }, { port: 7946, protocol: "UDP" }, { port: 4789, protocol: "UDP" }],
        });
        expect(Object.keys(JSON.parse(phase2Settings(DEFAULT_DOCKER_RELEASE)))).toEqual(["dockerVersion", "dockerSha256", "dockerUrl", "swarmAddressPool", "swarmAddressPoolMaskLength"]);
        const host = bootstrapFingerprint(publicMaterial);
        expect(bootstrapFingerprint({ ...publicMaterial, swarm: { role: "init", subnetCidr: "10.40.0.0/24" } })).not.toBe(host);
        expect(bootstrapFingerprint({ ...publicMaterial, swarm: { role: "join", subnetCidr: "10.40.0.0/24" } }))
            .not.toBe(bootstrapFingerprint({ ...publicMaterial, swarm: { role: "init", subnetCidr: "10.40.0.0/24" } }));
    });

    test("the bundle writes each public file verbatim, no key, and runs phase 1 with its exit code", () => {
        const bundle = bootstrapBundle(publicMaterial);
        expect(bundleFiles(publicMaterial).map(([name]) => name)).toEqual(["phase1.ps1", "phase2.ps1", "settings.json", "daemon.json", "ca.pem", "server-cert.pem"]);
        for (const [name, text] of bundleFiles(publicMaterial)) {
            expect(bundle).toContain(`'${name}' = @'\n${text.replace(/\n$/, "")}\n'@`);
        }
        expect(bundle).toMatch(/& \(Join-Path \$dir 'phase1\.ps1'\) -BootstrapDir \$dir\nexit \$LASTEXITCODE\n$/);
        expect(bundle).not.toContain("PRIVATE KEY");
    });

    describe("with the guard", () => {
        // The real bundled guard (scripts/bundleGuard.js), as a host gets it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript build script
        const { bundle: buildGuard } = require("../../../../scripts/bundleGuard.js") as { bundle(): { out: string } };
        const script = readFileSync(buildGuard().out, "utf8");
        const guarded = { ...publicMaterial, guard: { node: DEFAULT_NODE_RELEASE, script, trustedIdentities: ["windows-isolation-deployer"] } };

        test("the bundle adds the guard's script, settings and spec; daemon.json names the plugin; settings.json pins Node.js", () => {
            const files = new Map(bundleFiles(guarded));
            expect([...files.keys()]).toEqual(["phase1.ps1", "phase2.ps1", "settings.json", "daemon.json", "ca.pem", "server-cert.pem", "guard.js", "guard-settings.json", "guard.spec"]);
            expect(files.get("guard.js")).toBe(script);
            expect(JSON.parse(files.get("daemon.json")!)).toEqual({ ...daemonConfig(), "authorization-plugins": ["windows-isolation-guard"] });
            expect(JSON.parse(files.get("guard-settings.json")!)).toMatchObject({ daemonDefaultIsolation: "hyperv", trustedIdentities: ["windows-isolation-deployer"], localTrusted: false });
            expect(files.get("guard.spec")).toBe("npipe:////./pipe/windows-isolation-guard\n");
            expect(JSON.parse(files.get("settings.json")!)).toMatchObject({
                nodeVersion: DEFAULT_NODE_RELEASE.version,
                nodeSha256: DEFAULT_NODE_RELEASE.sha256,
                nodeUrl: `https://nodejs.org/dist/v${DEFAULT_NODE_RELEASE.version}/node-v${DEFAULT_NODE_RELEASE.version}-win-x64.zip`,
                guardListen: "npipe:////./pipe/windows-isolation-guard",
                guardPipe: GUARD_PIPE_PATH,
            });
            expect(GUARD_PIPE_PATH).toBe("\\\\.\\pipe\\windows-isolation-guard");
            expect(bootstrapFingerprint(guarded)).not.toBe(bootstrapFingerprint(publicMaterial));
            // Without the guard nothing changes: no plugin in daemon.json, no Node.js in the settings.
            expect(JSON.parse(new Map(bundleFiles(publicMaterial)).get("daemon.json")!)).not.toHaveProperty("authorization-plugins");
        });

        test("the user data with the guard's bundled script round-trips and stays under Azure's documented 64 KB", () => {
            const bundle = bootstrapBundle(guarded);
            const userData = bootstrapUserData(bundle);
            expect(userDataBundle(userData)).toBe(bundle);
            expect(AZURE_USER_DATA_LIMIT).toBe(65536);
            expect(userData.length).toBeLessThan(AZURE_USER_DATA_LIMIT);
            expect(bundle).toContain(`'guard.js' = @'\n${script.replace(/\n$/, "")}\n'@`);
        });

        test("a joining pool node's user data (the biggest: swarm settings, allowLocalSwarmJoin) also stays under 64 KB", () => {
            const joining = { ...guarded, swarm: { role: "join" as const, subnetCidr: "10.40.0.0/24" } };
            const files = new Map(bundleFiles(joining));
            expect(JSON.parse(files.get("guard-settings.json")!)).toMatchObject({ allowLocalSwarmJoin: true, allowSwarmJoin: false });
            expect(JSON.parse(new Map(bundleFiles({ ...guarded, swarm: { role: "init", subnetCidr: "10.40.0.0/24" } })).get("guard-settings.json")!)).toMatchObject({ allowLocalSwarmJoin: false });
            const userData = bootstrapUserData(bootstrapBundle(joining));
            expect(userData.length).toBeGreaterThan(bootstrapUserData(bootstrapBundle(guarded)).length);
            expect(userData.length).toBeLessThan(AZURE_USER_DATA_LIMIT);
        });
    });

    test("a file that would close its here-string early is refused", () => {
        expect(() => bootstrapBundle({ ...publicMaterial, caPem: "x\n'@\ny" })).toThrow(/line starting with '@/);
    });

    test("the user data round-trips to the bundle and fits Azure's 64 KiB", () => {
        const bundle = bootstrapBundle(publicMaterial);
        const userData = bootstrapUserData(bundle);
        expect(userDataBundle(userData)).toBe(bundle);
        expect(userData.length).toBeLessThan(64 * 1024);
        expect(userData).toMatch(/^[A-Za-z0-9+/=]+$/);
    });

    test("the command carries only the key, locks the folder first, and stays far below cmd.exe's 8191 characters", () => {
        const command = customScriptCommand(serverKeyPem);
        expect(command).toMatch(/^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "[^"%]+"$/);
        const key = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(command)![1];
        expect(Buffer.from(key, "base64").toString("utf8")).toBe(serverKeyPem);
        expect(command.length).toBeLessThan(2000);
        expect(command.indexOf("icacls.exe")).toBeLessThan(command.indexOf("server-key.pem"));
        // windows-isolation itself is locked, then its bootstrap folder, before the first write.
        expect(command).toContain("$r=Join-Path $env:ProgramData 'windows-isolation';$d=Join-Path $env:ProgramData 'windows-isolation\\bootstrap';foreach($x in $r,$d){New-Item -ItemType Directory -Force -Path $x|Out-Null;& icacls.exe $x /inheritance:r");
        expect(command.indexOf("foreach($x in $r,$d)")).toBeLessThan(command.indexOf("WriteAllBytes"));
        expect(command).toContain(IMDS_USER_DATA_URL);
        expect(command).not.toContain("BEGIN CERTIFICATE");
    });

    test("the fingerprint follows every public input", () => {
        const base = bootstrapFingerprint(publicMaterial);
        expect(bootstrapFingerprint({ ...publicMaterial })).toBe(base);
        expect(bootstrapFingerprint({ ...publicMaterial, serverCertPem: publicMaterial.serverCertPem + "x" })).not.toBe(base);
        expect(bootstrapFingerprint({ ...publicMaterial, caPem: "other" })).not.toBe(base);
        expect(bootstrapFingerprint({ ...publicMaterial, docker: { ...publicMaterial.docker, version: "29.4.4" } })).not.toBe(base);
        expect(base).toMatch(/^[0-9a-f]{16}$/);
    });

    test("property: any PEM-like material round-trips through user data and command", () => {
        const b64 = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-\n "), minLength: 1, maxLength: 900 });
        fc.assert(fc.property(b64, b64, b64, (a, b, c) => {
            const bundle = bootstrapBundle({ ...publicMaterial, caPem: a, serverCertPem: b });
            const key = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(customScriptCommand(c))![1];
            return userDataBundle(bootstrapUserData(bundle)) === bundle && Buffer.from(key, "base64").toString("utf8") === c;
        }), { numRuns: 100 });
    });
});

describe("the swarm join tokens from the leader's output", () => {
    const key = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const privatePem = key.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicPem = key.publicKey.export({ type: "spki", format: "pem" }).toString();
    /** What swarm-tokens.ps1 prints: the marker and the text encrypted to the token key. */
    const sealed = (text: string) => `${SWARM_TOKENS_MARKER}${publicEncrypt({ key: publicPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(text)).toString("base64")}`;
    const v1 = (c: string) => `SWMTKN-1-${c.repeat(50)}-${"x".repeat(25)}`;
    const ok = `log line\r\n${sealed(`{"manager":"${v1("a")}","worker":"${v1("b")}"}`)}\r\n`;

    test("decrypts the marked line (CRLF as Run Command returns it) and accepts v2 (FIPS) tokens", () => {
        expect(parseSwarmTokens(ok, privatePem, "rc")).toEqual({ manager: v1("a"), worker: v1("b") });
        const v2 = `SWMTKN-2-1-${"c".repeat(50)}-${"d".repeat(25)}`;
        expect(parseSwarmTokens(sealed(`{"manager":"${v2}","worker":"${v2}"}`), privatePem, "rc").worker).toBe(v2);
    });

    test("the recipient parameters are the public key's modulus and exponent; small keys are refused", () => {
        const jwk = key.publicKey.export({ format: "jwk" });
        expect(tokenRecipient(publicPem)).toEqual({ modulus: Buffer.from(jwk.n!, "base64url").toString("base64"), exponent: "AQAB" });
        const small = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
        expect(() => tokenRecipient(small)).toThrow("the swarm token key has 2048 bits; at least 3072 are needed");
        expect(() => tokenRecipient(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString())).toThrow("must be an RSA key");
    });

    test.each([
        ["no output", undefined, /the Run Command rc returned no output \(Azure returns it with \$expand=instanceView\)/],
        ["empty output", "  \n", /returned no output/],
        ["no marker", `this node is not an active swarm manager ${v1("a")}`, /printed no 'WI-SWARM-TOKENS-RSA-OAEP-SHA256' line/],
        ["plain tokens (the old, readable form)", `WI-SWARM-TOKENS {"manager":"${v1("a")}","worker":"${v1("b")}"}`, /printed no 'WI-SWARM-TOKENS-RSA-OAEP-SHA256' line/],
        ["not ciphertext", `${SWARM_TOKENS_MARKER}${v1("a")}`, /cannot decrypt/],
        ["not JSON", () => sealed(`{manager: ${v1("a")}`), /decrypt to something that is not JSON/],
        ["missing worker", () => sealed(`{"manager":"${v1("a")}"}`), /printed no valid worker join token/],
        ["short token", () => sealed(`{"manager":"SWMTKN-1-abc-def","worker":"${v1("b")}"}`), /printed no valid manager join token/],
        ["upper case", () => sealed(`{"manager":"${v1("A")}","worker":"${v1("b")}"}`), /printed no valid manager join token/],
    ])("%s is an error that never repeats the output", (_label, output, message) => {
        let error: Error | undefined;
        try {
            parseSwarmTokens(typeof output === "function" ? output() : (output as string | undefined), privatePem, "rc");
        } catch (e) {
            error = e as Error;
        }
        expect(error?.message).toMatch(message);
        expect(error?.message).not.toMatch(/SWMTKN-1-[a-zA-Z]{5}/);
    });
});
