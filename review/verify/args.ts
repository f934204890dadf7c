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
    /** Other nodes of the swarm to verify in the same run (--node-endpoint, repeatable). */
    readonly nodeEndpoints?: readonly string[];
    /** With stackOutputs: every node of the pool (stack output nodeEndpoints). */
    readonly allNodes?: boolean;
    /** Write a signed in-toto attestation (DSSE envelope) of the run to this file. */
    readonly attest?: string;
    /** PEM key: the private key that signs (--attest) or the public key that checks (--check-attestation). */
    readonly key?: string;
    /** Check a signed attestation instead of asking an engine. */
    readonly checkAttestation?: string;
    /** --require-witness: an untrusted container whose witness is inconclusive is an error (exit 1). */
    readonly requireWitness?: boolean;
    /** --allow-unguarded: an engine without the guard is a warning (exit 0 if nothing else), not an error. */
    readonly allowUnguarded?: boolean;
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
                        [--node-endpoint <url> ... | --all-nodes] [--attest <file> --key <private key pem>]
                        [--require-witness] [--allow-unguarded] [--json | --sarif] [--timeout <seconds>]
       npm run verify -- --check-attestation <file> --key <public key pem> [--json]

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
  --node-endpoint <url>   another node of the same swarm (repeat it per node): every task is judged on
                          the node it runs on, its container inspected on that node's engine; a tcp
                          node uses the TLS material of the first endpoint (a pool trusts one client
                          certificate); tasks on nodes not reached are task-not-verified
  --all-nodes             with --stack-outputs of a pool: every node of output nodeEndpoints, as above
  --attest <file>         also write a signed attestation of this run (in-toto Statement v1 in a DSSE
                          envelope) to <file>, signed with --key <private key PEM> (RSA, ECDSA, Ed25519)
  --check-attestation <file> --key <public key PEM>
                          check an attestation's signature and claims instead of asking an engine
                          (exit 0 signature good and every claim keeps the promise, 1 not, 2 bad input)
  --require-witness       with a witness: an untrusted container the host list does not prove is an
                          error (exit 1), not a warning
  --allow-unguarded       an engine that lists no windows-isolation-guard authorization plugin is a
                          warning, not an error (exit 1): only for hosts that cannot have the guard yet
  --json | --sarif        machine-readable output instead of the table (SARIF 2.1.0)
  --timeout <seconds>     the whole run's deadline: reading every input, the engine and the witness (default ${DEFAULT_TIMEOUT_SECONDS}; ${DEFAULT_AZURE_TIMEOUT_SECONDS} with --azure-vm)

Without --endpoint/--stack-outputs: DOCKER_HOST, with DOCKER_CERT_PATH for tcp (DOCKER_TLS_VERIFY
is implied: verify never talks to a tcp engine without verifying its certificate); without
DOCKER_HOST: unix:///var/run/docker.sock.`;

export type Parsed = { readonly ok: true; readonly args: VerifyArgs } | { readonly ok: false; readonly error: string };

const VALUE_FLAGS = ["--endpoint", "--tls-dir", "--stack-outputs", "--node", "--timeout", "--host-processes", "--azure-vm", "--attest", "--key", "--check-attestation"] as const;

/** The one flag that may repeat: taken out before the shared scanner, which refuses repeats. */
const NODE_ENDPOINT = "--node-endpoint";

function takeNodeEndpoints(argv: readonly string[]): { rest: string[]; nodes: string[] } | { error: string } {
    const rest: string[] = [];
    const nodes: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg !== NODE_ENDPOINT && !arg.startsWith(`${NODE_ENDPOINT}=`)) {
            rest.push(arg);
            continue;
        }
        const value = arg === NODE_ENDPOINT ? argv[++i] : arg.slice(NODE_ENDPOINT.length + 1);
        if (value === undefined || value === "" || value.startsWith("--")) return { error: `${NODE_ENDPOINT} needs a value; see --help` };
        nodes.push(value);
    }
    return { rest, nodes };
}

export function parseArgs(argv: readonly string[]): Parsed {
    const taken = takeNodeEndpoints(argv);
    if ("error" in taken) return { ok: false, error: taken.error };
    const scanned = scanArgs(taken.rest, { values: VALUE_FLAGS, switches: ["--json", "--sarif", "--all-nodes", "--require-witness", "--allow-unguarded"], once: true });
    if (scanned.problem) {
        return { ok: false, error: describeArgProblem(scanned.problem) + (scanned.problem.kind === "twice" ? "" : "; see --help") };
    }
    const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = Object.fromEntries(scanned.values);
    const requireWitness = scanned.switches.includes("--require-witness");
    const allowUnguarded = scanned.switches.includes("--allow-unguarded");
    const formats = scanned.switches.filter((s) => s === "--json" || s === "--sarif").map((s) => (s === "--json" ? "json" : "sarif") as OutputFormat);
    const allNodes = scanned.switches.includes("--all-nodes");
    const pool = checkPoolAndAttestFlags(values, taken.nodes, allNodes, formats);
    if (pool) return { ok: false, error: pool };
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
    if (allowUnguarded && values["--check-attestation"] !== undefined) {
        return { ok: false, error: "--check-attestation reads a file and asks no engine; drop --allow-unguarded" };
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
            ...(taken.nodes.length > 0 ? { nodeEndpoints: taken.nodes } : {}),
            ...(allNodes ? { allNodes } : {}),
            ...(values["--attest"] !== undefined ? { attest: values["--attest"] } : {}),
            ...(values["--key"] !== undefined ? { key: values["--key"] } : {}),
            ...(values["--check-attestation"] !== undefined ? { checkAttestation: values["--check-attestation"] } : {}),
            ...(requireWitness ? { requireWitness } : {}),
            ...(allowUnguarded ? { allowUnguarded } : {}),
            format: formats[0] ?? "table",
            timeoutMs,
            help,
        },
    };
}

/** How the pool and attestation flags combine; undefined when they do. */
function checkPoolAndAttestFlags(values: Partial<Record<(typeof VALUE_FLAGS)[number], string>>, nodes: readonly string[], allNodes: boolean, formats: readonly OutputFormat[]): string | undefined {
    if (allNodes && values["--stack-outputs"] === undefined) {
        return "--all-nodes reads the stack output nodeEndpoints; give --stack-outputs <file> too (or each node with --node-endpoint)";
    }
    if (values["--check-attestation"] !== undefined) {
        const other = Object.keys(values).filter((f) => !["--check-attestation", "--key"].includes(f));
        if (other.length > 0 || nodes.length > 0 || allNodes || formats.includes("sarif")) {
            return `--check-attestation reads a file and asks no engine; drop ${[...other, ...(nodes.length > 0 ? [NODE_ENDPOINT] : []), ...(allNodes ? ["--all-nodes"] : []), ...(formats.includes("sarif") ? ["--sarif"] : [])].join(", ")}`;
        }
        if (values["--key"] === undefined) return "--check-attestation needs --key <public key PEM> (the signer's public key, e.g. openssl pkey -pubout)";
        return undefined;
    }
    if (values["--attest"] !== undefined && values["--key"] === undefined) {
        return "--attest needs --key <private key PEM> to sign with (RSA, ECDSA P-256/P-384/P-521 or Ed25519; e.g. the stack's tls.PrivateKey privateKeyPem)";
    }
    if (values["--key"] !== undefined && values["--attest"] === undefined) {
        return "--key signs an attestation (--attest <file>) or checks one (--check-attestation <file>); give one of them";
    }
    return undefined;
}
