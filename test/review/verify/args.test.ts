import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, USAGE, VerifyArgs } from "../../../review/verify/args";
import { runVerify } from "../../../review/verify/main";
import { resolveTarget, STACK_OUTPUT_KEYS } from "../../../review/verify/target";

const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const args = (over: Partial<VerifyArgs> = {}): VerifyArgs => ({ format: "table", timeoutMs: 10000, help: false, ...over });

let dir: string;
beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-verify-args-"));
    fs.mkdirSync(path.join(dir, "tls"));
    fs.writeFileSync(path.join(dir, "tls", "ca.pem"), PEM("CERTIFICATE"));
    fs.writeFileSync(path.join(dir, "tls", "cert.pem"), PEM("CERTIFICATE"));
    fs.writeFileSync(path.join(dir, "tls", "key.pem"), PEM("PRIVATE KEY"));
    fs.mkdirSync(path.join(dir, "half"));
    fs.writeFileSync(path.join(dir, "half", "ca.pem"), PEM("CERTIFICATE"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("parseArgs", () => {
    test("defaults: table, 10 s", () => {
        expect(parseArgs([])).toEqual({ ok: true, args: { endpoint: undefined, tlsDir: undefined, stackOutputs: undefined, node: undefined, format: "table", timeoutMs: 10000, help: false } });
    });
    test("flags with separate and = values", () => {
        expect(parseArgs(["--endpoint", "tcp://h:2376", "--tls-dir=/c", "--sarif", "--timeout", "2.5"])).toEqual({
            ok: true,
            args: { endpoint: "tcp://h:2376", tlsDir: "/c", stackOutputs: undefined, node: undefined, format: "sarif", timeoutMs: 2500, help: false },
        });
    });
    test.each([
        [["--bogus"], "unknown argument '--bogus'; see --help"],
        [["--endpoint"], "--endpoint needs a value; see --help"],
        [["--endpoint", "--json"], "--endpoint needs a value; see --help"],
        [["--json", "--sarif"], "--json and --sarif exclude each other; pick one"],
        [["--endpoint", "unix:///a", "--endpoint", "unix:///b"], "--endpoint given twice; give it once"],
        [["--endpoint", "unix:///a", "--stack-outputs", "f.json"], "--endpoint and --stack-outputs exclude each other; the stack outputs already name the endpoint"],
        [["--tls-dir", "/c", "--stack-outputs", "f.json"], "--tls-dir and --stack-outputs exclude each other; the stack outputs carry the certificates"],
        [["--node", "winpool-1"], "--node picks a node's engine from the stack output nodeEndpoints; give --stack-outputs <file> too (or --endpoint with --tls-dir)"],
        [["--timeout", "0"], "--timeout '0' is not a number of seconds between 0 and 600; e.g. --timeout 10"],
        [["--timeout", "soon"], "--timeout 'soon' is not a number of seconds between 0 and 600; e.g. --timeout 10"],
        [["--host-processes", "h.json", "--azure-vm", "/subscriptions/s"], "--host-processes and --azure-vm exclude each other; give the host's process list one way"],
        [["--azure-vm", "stack"], "--azure-vm stack reads the stack output hostVmId (or nodeVmIds.<node>); give --stack-outputs <file> too, or the VM's resource id"],
        [["--host-processes"], "--host-processes needs a value; see --help"],
        [["--check-attestation", "a.json", "--key", "k.pem", "--allow-unguarded"], "--check-attestation reads a file and asks no engine; drop --allow-unguarded"],
    ])("%j is refused", (argv, error) => {
        expect(parseArgs(argv)).toEqual({ ok: false, error });
    });
    test("witness sources: a file, /proc, an Azure VM (whose Run Command gets a longer default deadline)", () => {
        expect(parseArgs(["--host-processes", "h.json"])).toMatchObject({ ok: true, args: { hostProcesses: "h.json", timeoutMs: 10000 } });
        expect(parseArgs(["--host-processes=/proc"])).toMatchObject({ ok: true, args: { hostProcesses: "/proc" } });
        expect(parseArgs(["--azure-vm", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v"])).toMatchObject({ ok: true, args: { timeoutMs: 180000 } });
        expect(parseArgs(["--stack-outputs", "o.json", "--azure-vm", "stack", "--timeout", "90"])).toMatchObject({ ok: true, args: { azureVm: "stack", timeoutMs: 90000 } });
        expect(USAGE).toContain("Get-Process | Select-Object Id, ProcessName, StartTime | ConvertTo-Json -Compress");
    });
    test("--allow-unguarded is only set when given (an unguarded engine is an error by default)", () => {
        expect(parseArgs([])).toMatchObject({ ok: true, args: expect.not.objectContaining({ allowUnguarded: expect.anything() }) });
        expect(parseArgs(["--allow-unguarded"])).toMatchObject({ ok: true, args: { allowUnguarded: true } });
    });
});

describe("resolveTarget", () => {
    test("unix and npipe endpoints need no TLS", () => {
        expect(resolveTarget(args({ endpoint: "unix:///run/d.sock" }), {})).toEqual({ ok: true, target: { kind: "unix", endpoint: "unix:///run/d.sock", socketPath: "/run/d.sock" } });
        expect(resolveTarget(args({ endpoint: "npipe:////./pipe/docker_engine" }), {})).toEqual({
            ok: true,
            target: { kind: "npipe", endpoint: "npipe:////./pipe/docker_engine", socketPath: "//./pipe/docker_engine" },
        });
    });

    test("without flags: DOCKER_HOST, else the default socket", () => {
        expect(resolveTarget(args(), {})).toMatchObject({ ok: true, target: { kind: "unix", socketPath: "/var/run/docker.sock" } });
        expect(resolveTarget(args(), { DOCKER_HOST: "unix:///x.sock" })).toMatchObject({ ok: true, target: { socketPath: "/x.sock" } });
    });

    test("tcp needs TLS material, from --tls-dir or DOCKER_CERT_PATH", () => {
        expect(resolveTarget(args({ endpoint: "tcp://10.0.0.4:2376" }), {})).toEqual({
            ok: false,
            error: "--endpoint 'tcp://10.0.0.4:2376' is tcp, and verify only talks to a tcp engine over verified mutual TLS; give --tls-dir <dir> (or DOCKER_CERT_PATH) holding ca.pem, cert.pem and key.pem",
        });
        const viaFlag = resolveTarget(args({ endpoint: "tcp://10.0.0.4:2376", tlsDir: path.join(dir, "tls") }), {});
        expect(viaFlag).toMatchObject({ ok: true, target: { kind: "tcp", host: "10.0.0.4", port: 2376, tls: { ca: PEM("CERTIFICATE"), key: PEM("PRIVATE KEY"), caSource: path.join(dir, "tls", "ca.pem") } } });
        const viaEnv = resolveTarget(args(), { DOCKER_HOST: "tcp://[::1]:2376", DOCKER_CERT_PATH: path.join(dir, "tls"), DOCKER_TLS_VERIFY: "1" });
        expect(viaEnv).toMatchObject({ ok: true, target: { kind: "tcp", host: "::1", port: 2376 } });
    });

    test("a TLS dir missing a file names the file", () => {
        const r = resolveTarget(args({ endpoint: "tcp://h:2376", tlsDir: path.join(dir, "half") }), {});
        expect(r).toEqual({ ok: false, error: `--tls-dir '${path.join(dir, "half")}': cannot read ${path.join(dir, "half", "cert.pem")} (ENOENT); the directory must hold ca.pem, cert.pem and key.pem` });
    });

    test.each([
        ["http://h:2375", "--endpoint 'http://h:2375' is not a Docker endpoint; use tcp://<host>:2376, unix:///path/docker.sock or npipe:////./pipe/docker_engine"],
        ["tcp://h:99999", "--endpoint 'tcp://h:99999' has port 99999, outside 1-65535"],
        ["unix://relative.sock", "--endpoint 'unix://relative.sock' needs an absolute socket path, e.g. unix:///var/run/docker.sock"],
        ["npipe://docker", "--endpoint 'npipe://docker' is not a named pipe; use npipe:////./pipe/docker_engine"],
    ])("bad endpoint %s", (endpoint, error) => {
        expect(resolveTarget(args({ endpoint }), {})).toEqual({ ok: false, error });
    });

    test("--tls-dir with a local endpoint is refused", () => {
        expect(resolveTarget(args({ endpoint: "unix:///a.sock", tlsDir: "/c" }), {})).toEqual({
            ok: false,
            error: "--tls-dir is only for tcp endpoints; --endpoint 'unix:///a.sock' is a local unix endpoint",
        });
    });

    describe("--stack-outputs", () => {
        const write = (name: string, body: string) => {
            const f = path.join(dir, name);
            fs.writeFileSync(f, body);
            return f;
        };
        test("reads dockerEndpoint and the three PEM outputs", () => {
            const f = write("ok.json", JSON.stringify({ isolation: {}, dockerEndpoint: "tcp://20.1.2.3:2376", dockerCaPem: PEM("CERTIFICATE"), dockerCertPem: PEM("CERTIFICATE"), dockerKeyPem: PEM("PRIVATE KEY") }));
            expect(resolveTarget(args({ stackOutputs: f }), { DOCKER_HOST: "unix:///ignored.sock" })).toEqual({
                ok: true,
                target: {
                    kind: "tcp", endpoint: "tcp://20.1.2.3:2376", host: "20.1.2.3", port: 2376,
                    tls: { ca: PEM("CERTIFICATE"), cert: PEM("CERTIFICATE"), key: PEM("PRIVATE KEY"), caSource: "stack output dockerCaPem", certSource: "stack output dockerCertPem" },
                },
            });
            expect(STACK_OUTPUT_KEYS).toEqual({ endpoint: "dockerEndpoint", ca: "dockerCaPem", cert: "dockerCertPem", key: "dockerKeyPem", nodes: "nodeEndpoints" });
        });
        test("--node reads that node's endpoint from a pool's nodeEndpoints, with the pool's TLS material", () => {
            const pems = { dockerCaPem: PEM("CERTIFICATE"), dockerCertPem: PEM("CERTIFICATE"), dockerKeyPem: PEM("PRIVATE KEY") };
            const f = write("pool.json", JSON.stringify({ dockerEndpoint: "tcp://20.1.2.3:2376", nodeEndpoints: { "winpool-0": "tcp://20.1.2.3:2376", "winpool-1": "tcp://10.40.0.5:2376" }, ...pems }));
            expect(parseArgs(["--stack-outputs", f, "--node", "winpool-1"])).toMatchObject({ ok: true, args: { stackOutputs: f, node: "winpool-1" } });
            expect(resolveTarget(args({ stackOutputs: f, node: "winpool-1" }), {})).toMatchObject({ ok: true, target: { kind: "tcp", endpoint: "tcp://10.40.0.5:2376", host: "10.40.0.5", tls: { caSource: "stack output dockerCaPem" } } });
            expect(resolveTarget(args({ stackOutputs: f, node: "winpool-7" }), {})).toEqual({ ok: false, error: `--stack-outputs '${f}': output nodeEndpoints has no node 'winpool-7'; its nodes are winpool-0, winpool-1` });
            const single = write("single.json", JSON.stringify({ dockerEndpoint: "tcp://20.1.2.3:2376", ...pems }));
            expect(resolveTarget(args({ stackOutputs: single, node: "winpool-1" }), {})).toEqual({ ok: false, error: `--stack-outputs '${single}' has no object output nodeEndpoints; --node works with a stack whose host is a ContainerHostPool` });
        });
        test("a local endpoint needs no PEMs", () => {
            const f = write("npipe.json", JSON.stringify({ dockerEndpoint: "npipe:////./pipe/docker_engine" }));
            expect(resolveTarget(args({ stackOutputs: f }), {})).toMatchObject({ ok: true, target: { kind: "npipe" } });
        });
        test.each([
            ["missing.json", null, (f: string) => `--stack-outputs '${f}': cannot read it (ENOENT)`],
            ["text.json", "not json", (f: string) => `--stack-outputs '${f}' is not JSON; write it with: pulumi stack output --json --show-secrets > ${f}`],
            ["array.json", "[]", (f: string) => `--stack-outputs '${f}' is not a JSON object of stack outputs`],
            ["noendpoint.json", "{}", (f: string) => `--stack-outputs '${f}' has no string output dockerEndpoint; export it from the stack (keys read: dockerEndpoint, dockerCaPem, dockerCertPem, dockerKeyPem, nodeEndpoints)`],
            ["secret.json", JSON.stringify({ dockerEndpoint: "tcp://h:2376", dockerCaPem: "[secret]" }), (f: string) => `--stack-outputs '${f}': output dockerCaPem is '[secret]'; write the file with --show-secrets`],
            ["notpem.json", JSON.stringify({ dockerEndpoint: "tcp://h:2376", dockerCaPem: "abc", dockerCertPem: "x", dockerKeyPem: "y" }), (f: string) => `--stack-outputs '${f}': output dockerCaPem is not PEM`],
        ])("%s is refused with a message naming the file", (name, body, error) => {
            const f = body === null ? path.join(dir, name) : write(name, body);
            expect(resolveTarget(args({ stackOutputs: f }), {})).toEqual({ ok: false, error: error(f) });
        });
    });
});

describe("runVerify before any connection", () => {
    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
        let stdout = "";
        let stderr = "";
        const code = await runVerify(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        return { code, stdout, stderr };
    };
    test("--help prints the usage and exits 0", async () => {
        expect(await run(["--help"])).toEqual({ code: 0, stdout: USAGE + "\n", stderr: "" });
        expect(USAGE).toContain("dockerEndpoint");
    });
    test("bad arguments exit 2 with the reason on stderr", async () => {
        expect(await run(["--json", "--sarif"])).toEqual({ code: 2, stdout: "", stderr: "verify: --json and --sarif exclude each other; pick one\n" });
    });
    test("a tcp DOCKER_HOST without certificates exits 2 before connecting", async () => {
        const r = await run([], { DOCKER_HOST: "tcp://127.0.0.1:1" });
        expect(r.code).toBe(2);
        expect(r.stderr).toBe("verify: DOCKER_HOST 'tcp://127.0.0.1:1' is tcp, and verify only talks to a tcp engine over verified mutual TLS; give --tls-dir <dir> (or DOCKER_CERT_PATH) holding ca.pem, cert.pem and key.pem\n");
    });
});
