/** The pool and attestation flags: --node-endpoint (repeatable), --all-nodes, --attest/--key, --check-attestation. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, VerifyArgs } from "../../../review/verify/args";
import { resolveNodeTargets, resolveTarget, Target } from "../../../review/verify/target";

const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const args = (over: Partial<VerifyArgs> = {}): VerifyArgs => ({ format: "table", timeoutMs: 10000, help: false, ...over });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-verify-pool-args-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.mkdirSync(path.join(dir, "tls"));
for (const f of ["ca.pem", "cert.pem"]) fs.writeFileSync(path.join(dir, "tls", f), PEM("CERTIFICATE"));
fs.writeFileSync(path.join(dir, "tls", "key.pem"), PEM("PRIVATE KEY"));

describe("parseArgs", () => {
    test("--node-endpoint repeats, in both spellings, and keeps its order", () => {
        expect(parseArgs(["--endpoint", "tcp://a:2376", "--node-endpoint", "tcp://b:2376", "--tls-dir", "/c", "--node-endpoint=tcp://c:2376"])).toMatchObject({
            ok: true,
            args: { endpoint: "tcp://a:2376", tlsDir: "/c", nodeEndpoints: ["tcp://b:2376", "tcp://c:2376"] },
        });
        expect(parseArgs(["--stack-outputs", "o.json", "--all-nodes"])).toMatchObject({ ok: true, args: { stackOutputs: "o.json", allNodes: true, format: "table" } });
        expect(parseArgs(["--attest", "a.json", "--key", "k.pem", "--json"])).toMatchObject({ ok: true, args: { attest: "a.json", key: "k.pem", format: "json" } });
        expect(parseArgs(["--check-attestation", "a.json", "--key", "p.pem", "--json"])).toMatchObject({ ok: true, args: { checkAttestation: "a.json", key: "p.pem" } });
    });

    test.each([
        [["--node-endpoint"], "--node-endpoint needs a value; see --help"],
        [["--node-endpoint", "--json"], "--node-endpoint needs a value; see --help"],
        [["--all-nodes"], "--all-nodes reads the stack output nodeEndpoints; give --stack-outputs <file> too (or each node with --node-endpoint)"],
        [["--check-attestation", "a.json", "--key", "p.pem", "--sarif"], "--check-attestation reads a file and asks no engine; drop --sarif"],
        [["--check-attestation", "a.json", "--key", "p.pem", "--node-endpoint", "tcp://b:2376"], "--check-attestation reads a file and asks no engine; drop --node-endpoint"],
        [["--attest", "a.json", "--key", "k.pem", "--key", "l.pem"], "--key given twice; give it once"],
    ])("%j is refused", (argv, error) => {
        expect(parseArgs(argv)).toEqual({ ok: false, error });
    });
});

describe("resolveNodeTargets", () => {
    const tlsHome = (): Target => {
        const r = resolveTarget(args({ endpoint: "tcp://leader:2376", tlsDir: path.join(dir, "tls") }), {});
        if (!r.ok) throw new Error(r.error);
        return r.target;
    };

    test("a tcp node uses the TLS material of the engine asked first (one pool, one client certificate)", () => {
        const home = tlsHome();
        const r = resolveNodeTargets(args({ nodeEndpoints: ["tcp://worker:2376", "unix:///run/w.sock"] }), {}, home);
        expect(r).toEqual({
            ok: true,
            targets: [
                { kind: "tcp", endpoint: "tcp://worker:2376", host: "worker", port: 2376, tls: home.kind === "tcp" ? home.tls : undefined },
                { kind: "unix", endpoint: "unix:///run/w.sock", socketPath: "/run/w.sock" },
            ],
        });
    });

    test("a local engine first, tcp nodes: --tls-dir is for the nodes", () => {
        const a = args({ endpoint: "unix:///run/d.sock", tlsDir: path.join(dir, "tls"), nodeEndpoints: ["tcp://worker:2376"] });
        const home = resolveTarget(a, {});
        expect(home).toMatchObject({ ok: true, target: { kind: "unix" } });
        expect(resolveNodeTargets(a, {}, (home as { target: Target }).target)).toMatchObject({ ok: true, targets: [{ kind: "tcp", host: "worker", tls: { caSource: path.join(dir, "tls", "ca.pem") } }] });
        const noTls = args({ endpoint: "unix:///run/d.sock", nodeEndpoints: ["tcp://worker:2376"] });
        expect(resolveNodeTargets(noTls, {}, (home as { target: Target }).target)).toEqual({
            ok: false,
            error: "--node-endpoint 'tcp://worker:2376' is tcp, and verify only talks to a tcp engine over verified mutual TLS; give --tls-dir <dir> (or DOCKER_CERT_PATH) holding ca.pem, cert.pem and key.pem",
        });
    });

    test("a node given twice, or the first engine again, is refused; a bad endpoint is named", () => {
        const home = tlsHome();
        expect(resolveNodeTargets(args({ nodeEndpoints: ["tcp://leader:2376"] }), {}, home)).toEqual({ ok: false, error: "--node-endpoint 'tcp://leader:2376' is given twice (or is the engine verify asks first); give each node once" });
        expect(resolveNodeTargets(args({ nodeEndpoints: ["http://worker"] }), {}, home)).toMatchObject({ ok: false, error: expect.stringContaining("--node-endpoint 'http://worker'") });
    });

    test("--all-nodes: every stack output nodeEndpoints.<name> but the first engine's, in name order, with the stack's PEMs", () => {
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify({
            dockerEndpoint: "tcp://10.0.0.4:2376",
            dockerCaPem: PEM("CERTIFICATE"), dockerCertPem: PEM("CERTIFICATE"), dockerKeyPem: PEM("PRIVATE KEY"),
            nodeEndpoints: { "winpool-2": "tcp://10.0.0.6:2376", "winpool-0": "tcp://10.0.0.4:2376", "winpool-1": "tcp://10.0.0.5:2376" },
        }));
        const a = args({ stackOutputs: file, allNodes: true });
        const home = resolveTarget(a, {});
        if (!home.ok) throw new Error(home.error);
        const r = resolveNodeTargets(a, {}, home.target);
        expect(r.ok && r.targets.map((t) => t.endpoint)).toEqual(["tcp://10.0.0.5:2376", "tcp://10.0.0.6:2376"]);
        expect(r.ok && r.targets.every((t) => t.kind === "tcp" && t.tls.caSource === "stack output dockerCaPem")).toBe(true);
        fs.writeFileSync(file, JSON.stringify({ dockerEndpoint: "unix:///run/d.sock" }));
        expect(resolveNodeTargets(a, {}, home.target)).toEqual({ ok: false, error: `--stack-outputs '${file}' has no object output nodeEndpoints; --all-nodes works with a stack whose host is a ContainerHostPool` });
    });
});
