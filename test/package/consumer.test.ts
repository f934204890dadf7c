/**
 * The package as a user gets it: `npm pack` of the built package, an empty project with
 * the files of docs/your-own-stack.md, the README's own install commands run against the npm
 * registry, that page's program compiled with `tsc --strict`, run under Pulumi's mocks (the engine
 * is what we cannot run here) and planned with `npx windows-isolation plan`. Everything the project
 * does goes through the package's public entry point.
 *
 * The install is what a stranger does (#11): the commands are parsed from the README's "Install"
 * section (docs/your-own-stack.md's "Install" must hold the same commands), with the packed
 * tarball in place of the name `windows-isolation`; no
 * lockfile of ours, no `--legacy-peer-deps`, no `--force`. npm resolves every version from
 * today's registry (the npm cache only saves downloads). A registry that cannot be reached is a
 * failure of this test, never a skip: then nobody knows whether a user can install the package.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { gunzipSync } from "zlib";
import { bootstrapScript, stripComments } from "../../components/azure/bootstrap";
import { section } from "../helpers/markdown";

const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const config = { dockerCaPem: "test-ca-pem", dockerCertPem: "test-cert-pem", dockerKeyPem: "test-key-pem" };

let work: string;
let project: string;
let packedFiles: string[];
let tarball: string;
/** What the install resolved, for the report: name -> version. */
const resolved: Record<string, string> = {};

/** Child processes get our environment minus npm's per-script variables (npm test sets them). */
function env(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_package_") && !k.startsWith("npm_lifecycle_")));
}

function run(command: string, args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
    try {
        const stdout = execFileSync(command, args, { cwd, env: env(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
        return { status: 0, stdout, stderr: "" };
    } catch (e) {
        const err = e as { status?: number; stdout?: string; stderr?: string };
        return { status: err.status ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
    }
}

function mustRun(command: string, args: string[], cwd: string): string {
    const r = run(command, args, cwd);
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
}

const README = "README.md";
/** The page a user follows to set up a project. */
const GUIDE = "docs/your-own-stack.md";
const readDoc = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");

/** The install commands of a page's "Install" section: every `npm install ...` line of its first `sh` block, as argument lists. */
export function installCommands(markdown: string, file: string): string[][] {
    const block = /^```sh\n([\s\S]*?)^```$/m.exec(section(markdown, "Install", file));
    if (!block) throw new Error(`${file}'s 'Install' section has no sh block`);
    const commands = block[1]
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter((line) => /^npm (install|i) /.test(line))
        .map((line) => line.split(/\s+/).slice(1));
    if (commands.length === 0) throw new Error(`${file}'s first sh block in 'Install' has no npm install command`);
    return commands;
}

/** The files of the guide's "The project files" section: fenced blocks with `title=<file>`. */
export function projectFiles(markdown: string, file: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const m of section(markdown, "The project files", file).matchAll(/^```\w+ title=(\S+)\n([\s\S]*?)^```$/gm)) files[m[1]] = m[2];
    if (Object.keys(files).length === 0) throw new Error(`${file}'s 'The project files' section has no \`\`\`<lang> title=<file> block`);
    return files;
}

beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "wi-consumer-"));
    const packDir = path.join(work, "pack");
    fs.mkdirSync(packDir);
    // build/ is what `prepare` (npm run build) makes from the current sources: the unit project's
    // global setup rebuilds it, from an empty folder, whenever a source differs from what it was
    // built from. So the pack skips `prepare` instead of building a second copy (a fresh clone's
    // `prepare` runs in CI's `npm ci`).
    const packed = mustRun("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packDir], root);
    const info = JSON.parse(packed.slice(packed.indexOf("[")))[0];
    packedFiles = info.files.map((f: { path: string }) => f.path).sort();
    tarball = path.join(packDir, info.filename);

    // An empty project with the guide's files, then the README's install commands, as written.
    project = path.join(work, "windows-workloads");
    fs.mkdirSync(project);
    for (const [name, text] of Object.entries(projectFiles(readDoc(GUIDE), GUIDE))) fs.writeFileSync(path.join(project, name), text);
    for (const args of installCommands(readDoc(README), README)) {
        const withTarball = args.map((a) => (a === manifest.name ? tarball : a));
        const r = run("npm", [...withTarball, "--no-audit", "--no-fund"], project);
        if (r.status !== 0) {
            const unreachable = /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|network|request to .* failed/i.test(r.stderr);
            throw new Error(
                `the README's install command failed: npm ${args.join(" ")} (exit ${r.status})` +
                    (unreachable ? "\nThe npm registry could not be reached: this test needs it, it installs the package the way a user does.\n" : "\n") +
                    `${r.stderr}\n${r.stdout}`,
            );
        }
    }
    for (const name of ["typescript", "@pulumi/pulumi", "@types/node", manifest.name]) {
        resolved[name] = JSON.parse(fs.readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8")).version;
    }
    fs.writeFileSync(path.join(work, "resolved.json"), JSON.stringify(resolved, null, 2));
    console.log(`README install resolved from the registry: ${Object.entries(resolved).map(([k, v]) => `${k}@${v}`).join(", ")}`);
}, 600_000);

afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the README's Install commands are the ones the guide gives, and the guide's files are index.ts, tsconfig.json, Pulumi.yaml", () => {
    expect(installCommands(readDoc(GUIDE), GUIDE)).toEqual(installCommands(readDoc(README), README));
    expect(Object.keys(projectFiles(readDoc(GUIDE), GUIDE)).sort()).toEqual(["Pulumi.yaml", "index.ts", "tsconfig.json"]);
});

describe("the packed tarball", () => {
    test("holds the compiled library, declarations, the command and the docs, and nothing from the repository's sources, tests or stacks", () => {
        for (const f of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "build/index.js", "build/index.d.ts", "build/bin/windows-isolation.js", "build/components/workload/windowsContainer.js", "build/components/workload/windowsContainer.d.ts"]) {
            expect(packedFiles).toContain(f);
        }
        const outside = packedFiles.filter((f) => !f.startsWith("build/") && !f.startsWith("docs/") && !["package.json", "README.md", "LICENSE", "CHANGELOG.md"].includes(f));
        expect(outside).toEqual([]);
        // The README's links to docs/ resolve in the installed package too: every page ships, and nothing else from docs/.
        expect(packedFiles.filter((f) => f.startsWith("docs/"))).toEqual(fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`).sort());
        expect(packedFiles.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
        expect(packedFiles.filter((f) => /^build\/(test|stacks|bench)\//.test(f))).toEqual([]);
    });

    test("carries every bootstrap script and the policy pack's manifest at their source-relative paths", () => {
        const list = (dir: string, pattern: RegExp) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((n) => pattern.test(n)).map((n) => `build/${dir}/${n}`) : []);
        // The bootstrap's scripts, and the startup task `guard install` registers on a host you run.
        expect(packedFiles.filter((f) => f.endsWith(".ps1"))).toEqual([...list("components/azure/bootstrap", /\.ps1$/), ...list("review/guard/install", /\.ps1$/)].sort());
        // The guard's single bundled file, which ContainerHost and ContainerHostPool install on every host.
        expect(packedFiles.filter((f) => f.startsWith("build/guard/"))).toEqual(["build/guard/windows-isolation-guard.js"]);
        // The policy pack's own files: its manifest and the package.json the build writes for it.
        const packFiles = fs.existsSync(path.join(root, "policy")) ? ["build/policy/PulumiPolicy.yaml", "build/policy/package.json"] : [];
        expect(packedFiles.filter((f) => f.startsWith("build/policy/") && !/\.(js|d\.ts)$/.test(f))).toEqual(packFiles);
    });
});

describe("a fresh project that installed the tarball", () => {
    test("depends on the tarball and shares the project's single @pulumi/pulumi", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
        expect(pkg.dependencies["windows-isolation"]).toBe(`file:${path.relative(project, tarball)}`);
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "windows-isolation", "package.json"), "utf8"));
        expect(installed.version).toBe(manifest.version);
        expect(fs.existsSync(path.join(project, "node_modules", "windows-isolation", "node_modules", "@pulumi", "pulumi"))).toBe(false);
        expect(fs.existsSync(path.join(project, "node_modules", "@pulumi", "pulumi", "package.json"))).toBe(true);
    });

    test("the README's install leaves a consistent tree: every peer met, TypeScript in the supported range", () => {
        // npm ls exits non-zero on a missing, invalid or extraneous package (an unmet peer included).
        const ls = run("npm", ["ls", "--all", "--json"], project);
        expect([ls.status, ls.stderr]).toEqual([0, ""]);
        const [major] = resolved.typescript.split(".").map(Number);
        expect(major).toBe(5); // peerDependencies.typescript ">=5.0.0 <6.0.0"
        expect(manifest.peerDependencies.typescript).toBe(">=5.0.0 <6.0.0");
        expect(resolved["@pulumi/pulumi"]).toMatch(/^3\./);
        // The plan runs the program under Pulumi's runtime, which brings its own ts-node when the project has none: no ts-node installed.
        expect(fs.existsSync(path.join(project, "node_modules", "ts-node"))).toBe(false);
    });

    test("the guide's program imports only the package root and @pulumi/pulumi, and deep imports are refused", () => {
        const program = fs.readFileSync(path.join(project, "index.ts"), "utf8");
        expect([...program.matchAll(/from "([^"]+)"/g)].map((m) => m[1])).toEqual(["@pulumi/pulumi", "windows-isolation"]);
        const deep = run(process.execPath, ["-e", "require('windows-isolation/build/components/host')"], project);
        expect(deep.status).not.toBe(0);
        expect(deep.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    });

    test("compiles with tsc --strict, with node and with node16 (package exports) module resolution", () => {
        const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
        expect(run(process.execPath, [tsc, "-p", ".", "--strict"], project)).toMatchObject({ status: 0, stdout: "" });
        expect(fs.existsSync(path.join(project, "bin", "index.js"))).toBe(true);
        // The declarations were checked by the run above; this one checks what node16 resolves through the package's exports.
        expect(run(process.execPath, [tsc, "-p", ".", "--strict", "--noEmit", "--skipLibCheck", "--module", "node16", "--moduleResolution", "node16"], project)).toMatchObject({ status: 0, stdout: "" });
    }, 180_000);

    test("the compiled program declares the host and both workloads under Pulumi's mocks", () => {
        const harness = `
const pulumi = require("@pulumi/pulumi");
const resources = [];
pulumi.runtime.setMocks({
    newResource: (a) => { resources.push({ type: a.type, name: a.name, inputs: a.inputs, provider: a.provider }); return { id: a.name + "-id", state: a.inputs }; },
    call: (a) => a.inputs,
}, "windows-workloads", "test", false);
const config = ${JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [`windows-workloads:${k}`, v])))};
pulumi.runtime.setAllConfig(config, Object.keys(config));
const program = require("./bin/index.js");
(async () => {
    let last = -1, stable = 0;
    while (stable < 10) { await new Promise((r) => setTimeout(r, 10)); if (resources.length === last) stable++; else { stable = 0; last = resources.length; } }
    const outputs = {};
    for (const [k, v] of Object.entries(program)) outputs[k] = await new Promise((r) => pulumi.output(v).apply(r));
    process.stdout.write(JSON.stringify({ resources, outputs }));
})();
`;
        // The compiled program must exist (previous test); compile again if this test runs alone.
        if (!fs.existsSync(path.join(project, "bin", "index.js"))) mustRun(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project);
        fs.writeFileSync(path.join(project, "run-under-mocks.js"), harness);
        const { resources, outputs } = JSON.parse(mustRun(process.execPath, ["run-under-mocks.js"], project));
        type R = { type: string; name: string; inputs: Record<string, any>; provider?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any
        const all = resources as R[];
        expect(all.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "docker:index/service:Service customer-job-service",
            "docker:index/service:Service web-service",
            "pulumi:providers:docker winhost-docker",
            "windows-isolation:index:ExistingDockerHost winhost",
            "windows-isolation:index:WindowsContainer customer-job",
            "windows-isolation:index:WindowsContainer web",
        ]);
        expect(outputs).toEqual({ webIsolation: "process", jobIsolation: "hyperv" });

        const provider = all.find((r) => r.type === "pulumi:providers:docker")!;
        expect(provider.inputs.host).toBe("tcp://winhost.corp.example:2376");
        expect(provider.inputs.caMaterial).toEqual({ [rpc.specialSigKey]: rpc.specialSecretSig, value: config.dockerCaPem });
        expect(provider.inputs.keyMaterial).toEqual({ [rpc.specialSigKey]: rpc.specialSecretSig, value: config.dockerKeyPem });

        const service = (name: string) => all.find((r) => r.name === `${name}-service`)!;
        for (const [name, trust, isolation] of [["web", "trusted", "process"], ["customer-job", "untrusted", "hyperv"]]) {
            const s = service(name);
            expect(s.provider).toMatch(/::winhost-docker::winhost-docker-id$/);
            expect(s.inputs.taskSpec.containerSpec.isolation).toBe(isolation);
            expect(s.inputs.labels).toEqual(expect.arrayContaining([
                { label: "windows-isolation.trust", value: trust },
                { label: "windows-isolation.isolation", value: isolation },
                { label: "windows-isolation.workload", value: name },
            ]));
            expect(s.inputs.taskSpec.placement.constraints).toEqual(["node.platform.os==windows"]);
        }
        expect(service("web").inputs.endpointSpec).toEqual({ ports: [{ targetPort: 80, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" }] });
    });

    test("a ContainerHost from the installed package reads its bootstrap scripts from the package", () => {
        // Not the guide's program: a second program, only to show the .ps1 files are found next to
        // the installed code (build/components/azure/bootstrap/) and are the repository's scripts.
        const harness = `
const pulumi = require("@pulumi/pulumi");
const resources = [];
const computed = (a) => {
    switch (a.type) {
        case "azure-native:network:NetworkInterface": return { ipConfigurations: [{ ...a.inputs.ipConfigurations[0], privateIPAddress: "10.40.0.4" }] };
        case "tls:index/privateKey:PrivateKey": return { privateKeyPem: "PRIVATE-KEY-OF-" + a.name };
        case "tls:index/certRequest:CertRequest": return { certRequestPem: "CSR-OF-" + a.name };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert": return { certPem: "CERT-OF-" + a.name };
        case "random:index/randomPassword:RandomPassword": return { result: "GENERATED-PASSWORD-1a!" };
        default: return {};
    }
};
pulumi.runtime.setMocks({
    newResource: (a) => { resources.push({ type: a.type, name: a.name, inputs: a.inputs }); return { id: a.name + "-id", state: { ...a.inputs, ...computed(a) } }; },
    call: (a) => a.inputs,
}, "windows-workloads", "test", false);
const { ContainerHost } = require("windows-isolation");
new ContainerHost("azhost", { resourceGroupName: "rg", location: "westeurope", windowsVersion: "ltsc2022" });
(async () => {
    let last = -1, stable = 0;
    while (stable < 10) { await new Promise((r) => setTimeout(r, 10)); if (resources.length === last) stable++; else { stable = 0; last = resources.length; } }
    process.stdout.write(JSON.stringify(resources));
})();
`;
        fs.writeFileSync(path.join(project, "run-container-host.js"), harness);
        type R = { type: string; name: string; inputs: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
        const all = JSON.parse(mustRun(process.execPath, ["run-container-host.js"], project)) as R[];
        const vm = all.find((r) => r.type === "azure-native:compute:VirtualMachine")!;
        const bundle = gunzipSync(Buffer.from(vm.inputs.userData, "base64")).toString("utf8");
        for (const script of ["phase1.ps1", "phase2.ps1"] as const) {
            expect(bundle).toContain(`'${script}' = @'\n${stripComments(bootstrapScript(script)).replace(/\r\n/g, "\n").replace(/\n$/, "")}\n'@`);
        }
        // The guard, read from the installed package's build/guard/ (what `prepare` built), as a host gets it.
        const guard = fs.readFileSync(path.join(project, "node_modules", "windows-isolation", "build", "guard", "windows-isolation-guard.js"), "utf8");
        expect(bundle).toContain(`'guard.js' = @'\n${guard.replace(/\n$/, "")}\n'@`);
        // The readiness wait's dynamic provider, serialized from the installed package.
        const wait = all.find((r) => r.type === "pulumi-nodejs:dynamic/windows-isolation:HostReadiness")!;
        expect(typeof wait.inputs.__provider).toBe("string");
        expect(fs.readdirSync(path.join(project, "node_modules", "windows-isolation", "build", "components", "azure", "bootstrap")).filter((f) => f.endsWith(".ps1")).sort())
            .toEqual(fs.readdirSync(path.join(root, "components", "azure", "bootstrap")).filter((f) => f.endsWith(".ps1")).sort());
    });

    test("npx windows-isolation runs the installed command", () => {
        expect(run("npx", ["--no-install", "windows-isolation", "--version"], project)).toMatchObject({ status: 0, stdout: `${manifest.version}\n` });
        const help = run("npx", ["--no-install", "windows-isolation", "--help"], project);
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/^ {2}plan {2}/m);
        expect(help.stdout).toMatch(/^ {2}verify {2}/m);
        // The verify tool ships: its own --help is exit 0, and an engine that is not there is exit 2.
        const verifyHelp = run("npx", ["--no-install", "windows-isolation", "verify", "--help"], project);
        expect(verifyHelp.status).toBe(0);
        expect(verifyHelp.stdout).toMatch(/Asks a Docker engine which isolation each running container really got/);
        const noEngine = run("npx", ["--no-install", "windows-isolation", "verify", "--endpoint", `unix://${path.join(work, "no-engine.sock")}`, "--timeout", "2"], project);
        expect(noEngine.status).toBe(2);
    });

    test("npx windows-isolation plan --program . plans the guide's program through the packaged policy pack", () => {
        // What `pulumi config set --secret` leaves in the stack file; plan replaces secure values by placeholders.
        const secure = (k: string) => `  windows-workloads:${k}:\n    secure: v1:not-decryptable-offline-${k}\n`;
        fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), `config:\n${Object.keys(config).map(secure).join("")}`);
        const plan = run("npx", ["--no-install", "windows-isolation", "plan", "--program", ".", "--stack", "dev", "--out", "plan-out"], project);
        expect([plan.status, plan.stderr]).toEqual([0, expect.any(String)]);
        expect(plan.stdout).toMatch(/^web\s+winhost\s+\S+ltsc2022\s+20348\s+20348\s+trusted\s+\(not set\)\s+process\s+ok\s*$/m);
        expect(plan.stdout).toMatch(/^customer-job\s+winhost\s+\S+ltsc2022\s+20348\s+20348\s+untrusted\s+\(not set\)\s+hyperv\s+ok\s*$/m);
        expect(plan.stdout).toMatch(/Result: 0 mandatory violation\(s\)/);
        const report = JSON.parse(fs.readFileSync(path.join(project, "plan-out", "plan.json"), "utf8"));
        expect(report.policyPack).toMatchObject({ name: "windows-isolation" });
        expect(fs.existsSync(path.join(project, "plan-out", "plan.sarif"))).toBe(true);
    }, 180_000);
});
