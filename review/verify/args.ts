/**
 * Command line and environment -> one endpoint to verify. Pure (files are read later, in
 * connect.ts) so that every refusal is a plain string naming the flag, value and fix.
 */
import { describeArgProblem, scanArgs } from "../cli/args";

export type OutputFormat = "table" | "json" | "sarif";

export interface VerifyArgs {
    readonly endpoint?: string;
    readonly tlsDir?: string;
    readonly stackOutputs?: string;
    /** With stackOutputs: verify this node's engine (stack output nodeEndpoints.<node>) instead of dockerEndpoint. */
    readonly node?: string;
    /** The host's own process list: a file PowerShell wrote, or "/proc" for this machine. */
    readonly hostProcesses?: string;
    /** An Azure VM resource id, or "stack" for the stack outputs' hostVmId / nodeVmIds.<node>. */
    readonly azureVm?: string;
    /** --require-witness: an untrusted container whose witness is inconclusive is an error (exit 1). */
    readonly requireWitness?: boolean;
    readonly format: OutputFormat;
    /** Whole-run deadline in milliseconds; every request is bounded by it too. */
    readonly timeoutMs: number;
    readonly help: boolean;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;
/** A Run Command takes tens of seconds; with --azure-vm the default deadline is this. */
export const DEFAULT_AZURE_TIMEOUT_SECONDS = 180;

export const USAGE = `Usage: npm run verify -- [--endpoint <url>] [--tls-dir <dir>] [--stack-outputs <file> [--node <name>]]
                        [--host-processes <file> | --host-processes /proc | --azure-vm <resource id> | --azure-vm stack]
                        [--require-witness] [--json | --sarif] [--timeout <seconds>]

Asks a Docker engine which isolation each running container really got and compares it with
the windows-isolation.* labels. Exit 0: all proven; 1: a mismatch or finding; 2: bad arguments
or the engine cannot be reached.

  --endpoint <url>        unix:///var/run/docker.sock | npipe:////./pipe/docker_engine | tcp://host:2376
  --tls-dir <dir>         ca.pem, cert.pem, key.pem for a tcp endpoint (mutual TLS, always verified)
  --stack-outputs <file>  JSON from 'pulumi stack output --json --show-secrets'; reads dockerEndpoint
                          and, for tcp, dockerCaPem, dockerCertPem, dockerKeyPem
  --node <name>           with --stack-outputs of a pool: verify node <name> (output nodeEndpoints.<name>);
                          a swarm task runs on one node, so verify every node of a pool
  --host-processes <file> a second witness: the host's own process list, written on the host with
                          Get-Process | Select-Object Id, ProcessName, StartTime | ConvertTo-Json -Compress
                          | Set-Content -Encoding utf8 host-processes.json; each container's docker top
                          PIDs are looked up in it (shares-host-kernel / kernel-isolated / inconclusive)
  --host-processes /proc  the same witness from this machine's /proc (a local Linux engine)
  --azure-vm <id>         the same witness from an Azure VM: one fixed, read-only Run Command through
                          Azure's SDK (default credential chain); 'stack' reads the stack output
                          hostVmId, or nodeVmIds.<node> with --node
  --require-witness       with a witness: an untrusted container the host list does not prove is an
                          error (exit 1), not a warning
  --json | --sarif        machine-readable output instead of the table (SARIF 2.1.0)
  --timeout <seconds>     the whole run's deadline: reading every input, the engine and the witness (default ${DEFAULT_TIMEOUT_SECONDS}; ${DEFAULT_AZURE_TIMEOUT_SECONDS} with --azure-vm)

Without --endpoint/--stack-outputs: DOCKER_HOST, with DOCKER_CERT_PATH for tcp (DOCKER_TLS_VERIFY
is implied: verify never talks to a tcp engine without verifying its certificate); without
DOCKER_HOST: unix:///var/run/docker.sock.`;

export type Parsed = { readonly ok: true; readonly args: VerifyArgs } | { readonly ok: false; readonly error: string };

const VALUE_FLAGS = ["--endpoint", "--tls-dir", "--stack-outputs", "--node", "--timeout", "--host-processes", "--azure-vm"] as const;

export function parseArgs(argv: readonly string[]): Parsed {
    const scanned = scanArgs(argv, { values: VALUE_FLAGS, switches: ["--json", "--sarif", "--require-witness"], once: true });
    if (scanned.problem) {
        return { ok: false, error: describeArgProblem(scanned.problem) + (scanned.problem.kind === "twice" ? "" : "; see --help") };
    }
    const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = Object.fromEntries(scanned.values);
    const requireWitness = scanned.switches.includes("--require-witness");
    const formats = scanned.switches.filter((s) => s !== "--require-witness").map((s) => (s === "--json" ? "json" : "sarif") as OutputFormat);
    const help = scanned.help;
    if (formats.length > 1) return { ok: false, error: "--json and --sarif exclude each other; pick one" };
    if (values["--endpoint"] !== undefined && values["--stack-outputs"] !== undefined) {
        return { ok: false, error: "--endpoint and --stack-outputs exclude each other; the stack outputs already name the endpoint" };
    }
    if (values["--tls-dir"] !== undefined && values["--stack-outputs"] !== undefined) {
        return { ok: false, error: "--tls-dir and --stack-outputs exclude each other; the stack outputs carry the certificates" };
    }
    if (values["--node"] !== undefined && values["--stack-outputs"] === undefined) {
        return { ok: false, error: "--node picks a node's engine from the stack output nodeEndpoints; give --stack-outputs <file> too (or --endpoint with --tls-dir)" };
    }
    if (values["--host-processes"] !== undefined && values["--azure-vm"] !== undefined) {
        return { ok: false, error: "--host-processes and --azure-vm exclude each other; give the host's process list one way" };
    }
    if (values["--azure-vm"] === "stack" && values["--stack-outputs"] === undefined) {
        return { ok: false, error: "--azure-vm stack reads the stack output hostVmId (or nodeVmIds.<node>); give --stack-outputs <file> too, or the VM's resource id" };
    }
    if (requireWitness && values["--host-processes"] === undefined && values["--azure-vm"] === undefined) {
        return { ok: false, error: "--require-witness asks the host's process list for proof; give --host-processes <file> or --azure-vm <id> too" };
    }
    let timeoutMs = (values["--azure-vm"] !== undefined ? DEFAULT_AZURE_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS) * 1000;
    if (values["--timeout"] !== undefined) {
        const seconds = Number(values["--timeout"]);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
            return { ok: false, error: `--timeout '${values["--timeout"]}' is not a number of seconds between 0 and 600; e.g. --timeout 10` };
        }
        timeoutMs = Math.round(seconds * 1000);
    }
    return {
        ok: true,
        args: {
            endpoint: values["--endpoint"],
            tlsDir: values["--tls-dir"],
            stackOutputs: values["--stack-outputs"],
            node: values["--node"],
            hostProcesses: values["--host-processes"],
            azureVm: values["--azure-vm"],
            ...(requireWitness ? { requireWitness } : {}),
            format: formats[0] ?? "table",
            timeoutMs,
            help,
        },
    };
}
