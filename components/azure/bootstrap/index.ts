/**
 * The ContainerHost bootstrap: real .ps1 files beside this module, plus the pure functions that
 * turn them (and the engine's TLS material) into what the Custom Script Extension runs.
 */
import { createHash } from "crypto";
import { readFileSync } from "fs";
import { join } from "path";
import { gzipSync } from "zlib";
import { DockerRelease, dockerStaticUrl } from "../dockerRelease";
import { NodeRelease, nodeWindowsUrl } from "../nodeRelease";
import { GUARD_PIPE_ADDRESS, GUARD_PLUGIN_NAME } from "../../../rules/guard/plugin";
// guard.ts reads daemonConfig from here at call time only, so the two may import each other.
import { guardedDaemonConfig, guardHostSettings, guardSpecFile } from "./guard";
import { DOCKER_TLS_PORT, SWARM_DEFAULT_ADDR_POOL, SWARM_PORTS } from "../../../rules";

export const BOOTSTRAP_SCRIPTS = ["phase1.ps1", "phase2.ps1", "swarm-tokens.ps1", "swarm-join.ps1", "swarm-nodes.ps1"] as const;
export type BootstrapScript = (typeof BOOTSTRAP_SCRIPTS)[number];

/** The line of each script that the shared prelude (prelude.ps1) replaces. */
export const PRELUDE_MARKER = "# windows-isolation:prelude";

/** A script's committed source: it holds the prelude marker, not the prelude. */
export function bootstrapSource(name: BootstrapScript): string {
    return readFileSync(join(__dirname, name), "utf8");
}

/** The shared prelude, as committed. */
export function bootstrapPrelude(): string {
    return readFileSync(join(__dirname, "prelude.ps1"), "utf8");
}

/**
 * One bootstrap script as it runs: its source with the prelude (Invoke-Native) in place of its
 * one marker line. Self-contained, because the bundle and every Run Command run a script alone.
 */
export function bootstrapScript(name: BootstrapScript): string {
    const source = bootstrapSource(name).replace(/\r\n/g, "\n");
    const lines = source.split("\n");
    const at = lines.flatMap((l, i) => (l.startsWith(PRELUDE_MARKER) ? [i] : []));
    if (at.length !== 1) throw new Error(`bootstrap script ${name} must hold the line '${PRELUDE_MARKER}' exactly once (found ${at.length})`);
    const prelude = bootstrapPrelude().replace(/\r\n/g, "\n").replace(/\n+$/, "");
    lines.splice(at[0], 1, prelude);
    return lines.join("\n");
}

/** Where the engine's TLS files live on the host (phase 1 writes them, daemon.json names them). */
export const HOST_CERT_DIR = "C:\\ProgramData\\docker\\certs.d";

/**
 * Keys dockerd accepts in daemon.json on Windows: the "full example of the allowed configuration
 * options on Windows" in docker/cli docs/reference/commandline/dockerd.md (commit fb2f337b), plus
 * `host-gateway-ip` and `log-format` from the newer revision of the same page. dockerd refuses
 * to start on an unknown key ("the following directives don't match any configuration option").
 */
export const WINDOWS_DAEMON_CONFIG_KEYS: readonly string[] = [
    "allow-nondistributable-artifacts", "authorization-plugins", "bridge", "containerd",
    "containerd-namespace", "containerd-plugin-namespace", "data-root", "debug",
    "default-network-opts", "default-runtime", "default-ulimits", "dns", "dns-opts", "dns-search",
    "exec-opts", "experimental", "features", "fixed-cidr", "group", "host-gateway-ip", "hosts",
    "insecure-registries", "labels", "log-driver", "log-format", "log-level",
    "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "mtu", "pidfile",
    "raw-logs", "registry-mirrors", "shutdown-timeout", "storage-driver", "storage-opts",
    "swarm-default-advertise-addr", "tlscacert", "tlscert", "tlskey", "tlsverify",
];

export interface DaemonConfig {
    readonly hosts: readonly string[];
    readonly tlsverify: true;
    readonly tlscacert: string;
    readonly tlscert: string;
    readonly tlskey: string;
    readonly "exec-opts": readonly string[];
}

/**
 * daemon.json for a ContainerHost: the local named pipe plus TCP 2376 with mutual TLS, and
 * `isolation=hyperv` as the engine default so anything started without an explicit mode is
 * Hyper-V isolated (fail closed).
 */
export function daemonConfig(certDir: string = HOST_CERT_DIR): DaemonConfig {
    return {
        hosts: ["npipe://", `tcp://0.0.0.0:${DOCKER_TLS_PORT}`],
        tlsverify: true,
        tlscacert: `${certDir}\\ca.pem`,
        tlscert: `${certDir}\\server-cert.pem`,
        tlskey: `${certDir}\\server-key.pem`,
        "exec-opts": ["isolation=hyperv"],
    };
}

/** daemon.json as the text phase 2 writes. */
export function daemonJson(certDir: string = HOST_CERT_DIR): string {
    return JSON.stringify(daemonConfig(certDir), null, 2) + "\n";
}

/** daemon.json with the guard in `authorization-plugins` (guard.ts), as the text phase 2 writes. */
export function guardedDaemonJson(certDir: string = HOST_CERT_DIR): string {
    return JSON.stringify(guardedDaemonConfig(certDir), null, 2) + "\n";
}

/**
 * A pool node's part in the bootstrap: the first node inits the swarm at boot, the others wait
 * to be joined by the pool's Run Command; every node opens the swarm ports to the pool's subnet
 * only (Windows firewall; the NSG does the same in Azure).
 */
export interface SwarmBootstrap {
    readonly role: "init" | "join";
    /** The pool subnet's address prefix, the only source the swarm ports accept. */
    readonly subnetCidr: string;
}

/**
 * The guard on a host (docs/guard.md): phase 2 installs this Node.js, runs the bundled guard from a
 * startup task before dockerd, and daemon.json names it in `authorization-plugins`.
 */
export interface GuardBootstrap {
    readonly node: NodeRelease;
    /** The bundled guard (build/guard/windows-isolation-guard.js, scripts/bundleGuard.js). */
    readonly script: string;
    /** TLS client CNs allowed to create trusted work (guard settings `trustedIdentities`). */
    readonly trustedIdentities: readonly string[];
}

/** The guard's named pipe as Windows names it (`\\.\pipe\<plugin>`), which phase 2 probes. */
export const GUARD_PIPE_PATH = `\\\\.\\pipe\\${GUARD_PLUGIN_NAME}`;

/** settings.json for phase 2: only public facts (the key travels separately). */
export function phase2Settings(release: DockerRelease, swarm?: SwarmBootstrap, guard?: Pick<GuardBootstrap, "node">): string {
    return JSON.stringify({
        dockerVersion: release.version,
        dockerSha256: release.sha256.toLowerCase(),
        dockerUrl: release.url ?? dockerStaticUrl(release.version),
        // `swarm init --default-addr-pool`: Docker's own default, 10.0.0.0/8, overlaps VNet subnets.
        swarmAddressPool: SWARM_DEFAULT_ADDR_POOL.cidr,
        swarmAddressPoolMaskLength: SWARM_DEFAULT_ADDR_POOL.maskLength,
        // Only for pool nodes, so a ContainerHost's settings (and its fingerprint) stay as they were.
        ...(swarm === undefined ? {} : {
            swarmRole: swarm.role,
            swarmSubnet: swarm.subnetCidr,
            swarmPorts: SWARM_PORTS.map((p) => ({ port: p.port, protocol: p.protocol.toUpperCase() })),
        }),
        // Only with the guard, so a host without it keeps its settings (and fingerprint).
        ...(guard === undefined ? {} : {
            nodeVersion: guard.node.version,
            nodeSha256: guard.node.sha256.toLowerCase(),
            nodeUrl: guard.node.url ?? nodeWindowsUrl(guard.node.version),
            guardPluginName: GUARD_PLUGIN_NAME,
            guardListen: GUARD_PIPE_ADDRESS,
            guardPipe: GUARD_PIPE_PATH,
        }),
    }, null, 2) + "\n";
}

/** Public inputs of the bootstrap: everything except the engine's private key. */
export interface PublicBootstrapMaterial {
    readonly caPem: string;
    readonly serverCertPem: string;
    readonly docker: DockerRelease;
    /** A pool node's swarm part; absent for a ContainerHost. */
    readonly swarm?: SwarmBootstrap;
    /** The authorization guard; absent: no guard, daemon.json without `authorization-plugins`. */
    readonly guard?: GuardBootstrap;
}

/** A PowerShell single-quoted here-string holding `text` verbatim. */
function hereString(name: string, text: string): string {
    if (/^'@/m.test(text)) throw new Error(`bootstrap file ${name} has a line starting with '@, which would end its here-string`);
    return `@'\n${text.replace(/\r\n/g, "\n").replace(/\n$/, "")}\n'@`;
}

/**
 * A script without its comment lines and comment blocks (the VM's user data is bounded and
 * comments are half of the text). Only whole lines go; code lines stay byte for byte.
 */
export function stripComments(script: string): string {
    const out: string[] = [];
    let inBlock = false;
    for (const line of script.replace(/\r\n/g, "\n").split("\n")) {
        const t = line.trim();
        if (inBlock) {
            if (t.endsWith("#>")) inBlock = false;
            continue;
        }
        if (t.startsWith("<#")) {
            inBlock = !t.endsWith("#>");
            continue;
        }
        if (t.startsWith("#") && !/^#requires\b/i.test(t)) continue;
        out.push(line);
    }
    return out.join("\n");
}

/** The public files the bundle writes, in order. */
export function bundleFiles(m: PublicBootstrapMaterial): [string, string][] {
    return [
        ["phase1.ps1", stripComments(bootstrapScript("phase1.ps1"))],
        ["phase2.ps1", stripComments(bootstrapScript("phase2.ps1"))],
        ["settings.json", phase2Settings(m.docker, m.swarm, m.guard)],
        // One daemon.json, one writer (phase 2 step 2): with the guard it names the plugin.
        ["daemon.json", m.guard === undefined ? daemonJson() : guardedDaemonJson()],
        ["ca.pem", m.caPem],
        ["server-cert.pem", m.serverCertPem],
        ...(m.guard === undefined ? [] : ([
            ["guard.js", m.guard.script],
            ["guard-settings.json", guardHostSettings(m.guard.trustedIdentities, undefined, m.swarm?.role === "join")],
            ["guard.spec", guardSpecFile()],
        ] as [string, string][])),
    ];
}

/** The folder on the host that holds the bootstrap files (SYSTEM and Administrators only). */
export const HOST_BOOTSTRAP_DIR = "windows-isolation\\bootstrap";

/**
 * The public bootstrap program, delivered as the VM's user data: it writes the public files
 * into the bootstrap folder, then runs phase 1 and passes on its exit code.
 */
export function bootstrapBundle(m: PublicBootstrapMaterial): string {
    const entries = bundleFiles(m).map(([name, text]) => `    '${name}' = ${hereString(name, text)}`);
    return [
        "$ErrorActionPreference = 'Stop'",
        `$dir = Join-Path $env:ProgramData '${HOST_BOOTSTRAP_DIR}'`,
        "$files = [ordered]@{",
        ...entries,
        "}",
        "foreach ($name in $files.Keys) {",
        // UTF-8 without a byte order mark, said explicitly (daemon.json must not start with one).
        "    [System.IO.File]::WriteAllText((Join-Path $dir $name), ($files[$name] -replace \"`r?`n\", \"`r`n\") + \"`r`n\", (New-Object System.Text.UTF8Encoding -ArgumentList $false))",
        "}",
        "& (Join-Path $dir 'phase1.ps1') -BootstrapDir $dir",
        "exit $LASTEXITCODE",
        "",
    ].join("\n");
}

/**
 * Azure's limit on a VM's user data: "The contents should be base64 encoded before passed to the
 * API. The size can't exceed 64 KB." (learn.microsoft.com/azure/virtual-machines/user-data); held
 * against the encoded text, the stricter reading. With the guard's
 * bundled script (~106 KB, ~27 KB gzipped) the user data is ~42 KB.
 */
export const AZURE_USER_DATA_LIMIT = 64 * 1024;

/** The VM's user data: the bundle, gzipped and base64-encoded (Azure's limit is 64 KiB). */
export function bootstrapUserData(bundle: string): string {
    return gzipSync(Buffer.from(bundle, "utf8"), { level: 9 }).toString("base64");
}

/** Azure's instance metadata endpoint for the VM's user data (reachable only from inside the VM). */
export const IMDS_USER_DATA_URL = "http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text";

/**
 * The PowerShell inside the extension's -Command: it creates the locked-down windows-isolation
 * and bootstrap folders,
 * writes the engine's private key there (the only secret, hence the protected settings), then
 * fetches the public bundle from the VM's user data and runs it.
 */
export function loaderScript(serverKeyPemBase64: string): string {
    return [
        "$ErrorActionPreference='Stop'",
        // windows-isolation first, then its bootstrap folder: each is SYSTEM and Administrators
        // only before anything is written in it (ProgramData lets every user create files).
        `$r=Join-Path $env:ProgramData '${HOST_BOOTSTRAP_DIR.split("\\")[0]}'`,
        `$d=Join-Path $env:ProgramData '${HOST_BOOTSTRAP_DIR}'`,
        "foreach($x in $r,$d){New-Item -ItemType Directory -Force -Path $x|Out-Null;& icacls.exe $x /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F'|Out-Null;if($LASTEXITCODE -ne 0){throw ('icacls failed on '+$x)}}",
        `[IO.File]::WriteAllBytes((Join-Path $d 'server-key.pem'),[Convert]::FromBase64String('${serverKeyPemBase64}'))`,
        `$u=Invoke-RestMethod -UseBasicParsing -Headers @{Metadata='true'} -Uri '${IMDS_USER_DATA_URL}'`,
        "$z=New-Object IO.Compression.GZipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String($u))),([IO.Compression.CompressionMode]::Decompress))",
        "$t=(New-Object IO.StreamReader($z,[Text.Encoding]::UTF8)).ReadToEnd()",
        "& ([scriptblock]::Create($t))",
        "exit $LASTEXITCODE",
    ].join(";");
}

/**
 * The extension's commandToExecute. Everything variable in it is base64, so cmd.exe and
 * PowerShell pass it through unchanged; it stays far below cmd.exe's 8191-character limit.
 */
export function customScriptCommand(serverKeyPem: string): string {
    const key = Buffer.from(serverKeyPem, "utf8").toString("base64");
    return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "${loaderScript(key)}"`;
}

/**
 * A fingerprint of the bootstrap's public inputs (scripts, daemon.json, engine pin, certificates):
 * the extension re-runs when it changes. The private key is not an input of it.
 */
export function bootstrapFingerprint(m: PublicBootstrapMaterial): string {
    const h = createHash("sha256");
    for (const [name, text] of bundleFiles(m)) h.update(name).update("\0").update(text).update("\0");
    return h.digest("hex").slice(0, 16);
}

/** The bootstrap's log and failure marker on the host (phase 1 and 2 write them). */
export const HOST_BOOTSTRAP_LOG = "C:\\ProgramData\\windows-isolation\\bootstrap.log";
export const HOST_FAILED_MARKER = "C:\\ProgramData\\windows-isolation\\failed.json";

/** Where a host's bootstrap logs are and the one command that prints them (readiness failures end with it). */
export function guestLogsHint(resourceGroupName: string, vmName: string): string {
    const script = `Get-Content -Tail 80 ${HOST_BOOTSTRAP_LOG}; Get-Content -ErrorAction SilentlyContinue ${HOST_FAILED_MARKER}`;
    return `${HOST_BOOTSTRAP_LOG} and ${HOST_FAILED_MARKER} on VM ${vmName}; print them with: az vm run-command invoke -g ${resourceGroupName} -n ${vmName} --command-id RunPowerShellScript --scripts "${script}" (and the serial log: az vm boot-diagnostics get-boot-log -g ${resourceGroupName} -n ${vmName})`;
}

/** Base64 of the JSON Run Command parameters carry (no quoting trouble on the way to PowerShell). */
export function base64Json(value: unknown): string {
    return Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}
export { MIN_TOKEN_KEY_BITS, parseSwarmTokens, SWARM_TOKENS_MARKER, tokenRecipient } from "./swarmTokens";
export type { SwarmJoinTokens, TokenRecipient } from "./swarmTokens";
