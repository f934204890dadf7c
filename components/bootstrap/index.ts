/**
 * The ContainerHost bootstrap: real .ps1 files beside this module, plus the pure functions that
 * turn them (and the engine's TLS material) into what the Custom Script Extension runs.
 */
import { createHash } from "crypto";
import { readFileSync } from "fs";
import { join } from "path";
import { gzipSync } from "zlib";
import { DockerRelease, dockerStaticUrl } from "../dockerRelease";
import { DOCKER_TLS_PORT } from "../windows";

export const BOOTSTRAP_SCRIPTS = ["phase1.ps1", "phase2.ps1", "wait-ready.ps1"] as const;
export type BootstrapScript = (typeof BOOTSTRAP_SCRIPTS)[number];

/** The text of one bootstrap script, as committed. */
export function bootstrapScript(name: BootstrapScript): string {
    return readFileSync(join(__dirname, name), "utf8");
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

/** settings.json for phase 2: only public facts (the key travels separately). */
export function phase2Settings(release: DockerRelease): string {
    return JSON.stringify({
        dockerVersion: release.version,
        dockerSha256: release.sha256.toLowerCase(),
        dockerUrl: release.url ?? dockerStaticUrl(release.version),
    }, null, 2) + "\n";
}

export interface BootstrapMaterial {
    readonly caPem: string;
    readonly serverCertPem: string;
    /** The engine's private key: only ever inside the extension's protected settings. */
    readonly serverKeyPem: string;
    readonly docker: DockerRelease;
}

/** A PowerShell single-quoted here-string holding `text` verbatim. */
function hereString(name: string, text: string): string {
    if (/^'@/m.test(text)) throw new Error(`bootstrap file ${name} has a line starting with '@, which would end its here-string`);
    return `@'\n${text.replace(/\r\n/g, "\n").replace(/\n$/, "")}\n'@`;
}

/** The files the bundle writes, in order. */
export function bundleFiles(m: BootstrapMaterial): [string, string][] {
    return [
        ["phase1.ps1", bootstrapScript("phase1.ps1")],
        ["phase2.ps1", bootstrapScript("phase2.ps1")],
        ["settings.json", phase2Settings(m.docker)],
        ["daemon.json", daemonJson()],
        ["ca.pem", m.caPem],
        ["server-cert.pem", m.serverCertPem],
        ["server-key.pem", m.serverKeyPem],
    ];
}

/**
 * The PowerShell program the Custom Script Extension runs: it writes the bootstrap files into a
 * folder only SYSTEM and Administrators can read, then runs phase 1 and passes on its exit code.
 */
export function bootstrapBundle(m: BootstrapMaterial): string {
    const entries = bundleFiles(m).map(([name, text]) => `    '${name}' = ${hereString(name, text)}`);
    return [
        "$ErrorActionPreference = 'Stop'",
        "$dir = Join-Path $env:ProgramData 'windows-isolation\\bootstrap'",
        "New-Item -ItemType Directory -Force -Path $dir | Out-Null",
        "& icacls.exe $dir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null",
        "if ($LASTEXITCODE -ne 0) { throw \"icacls failed on $dir\" }",
        "$files = [ordered]@{",
        ...entries,
        "}",
        "foreach ($name in $files.Keys) {",
        "    [System.IO.File]::WriteAllText((Join-Path $dir $name), ($files[$name] -replace \"`r?`n\", \"`r`n\") + \"`r`n\")",
        "}",
        "& (Join-Path $dir 'phase1.ps1') -BootstrapDir $dir",
        "exit $LASTEXITCODE",
        "",
    ].join("\n");
}

/**
 * The extension's commandToExecute: a one-line loader that un-gzips the bundle and runs it.
 * Everything is base64 or single-quoted, so cmd.exe and PowerShell pass it through unchanged.
 */
export function customScriptCommand(bundle: string): string {
    const payload = gzipSync(Buffer.from(bundle, "utf8"), { level: 9 }).toString("base64");
    return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "${loaderScript(payload)}"`;
}

/** The PowerShell inside customScriptCommand's -Command (exported so tests can parse it). */
export function loaderScript(payloadBase64: string): string {
    return [
        "$ErrorActionPreference='Stop'",
        `$z=New-Object IO.Compression.GZipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String('${payloadBase64}'))),([IO.Compression.CompressionMode]::Decompress))`,
        "$t=(New-Object IO.StreamReader($z,[Text.Encoding]::UTF8)).ReadToEnd()",
        "& ([scriptblock]::Create($t))",
        "exit $LASTEXITCODE",
    ].join(";");
}

/**
 * A fingerprint of the bootstrap's public inputs (scripts, daemon.json, engine pin, certificates):
 * the extension re-runs when it changes. The private key is left out on purpose.
 */
export function bootstrapFingerprint(m: Omit<BootstrapMaterial, "serverKeyPem">): string {
    const h = createHash("sha256");
    for (const [name, text] of bundleFiles({ ...m, serverKeyPem: "" })) {
        if (name !== "server-key.pem") h.update(name).update("\0").update(text).update("\0");
    }
    return h.digest("hex").slice(0, 16);
}
