/**
 * Which engine to ask, and with which credentials: from --endpoint/--tls-dir, from
 * --stack-outputs, or from DOCKER_HOST/DOCKER_CERT_PATH. A tcp engine is only ever spoken to over
 * mutual TLS with its certificate verified: an attestation read over plain HTTP proves nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDockerEndpoint } from "../../rules/docker/endpoint";
import { VerifyArgs } from "./args";

export interface TlsMaterial {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
    /** Where the CA came from, for messages ("/certs/ca.pem", "stack output dockerCaPem"). */
    readonly caSource: string;
    readonly certSource: string;
}

export type Target =
    | { readonly kind: "unix" | "npipe"; readonly endpoint: string; readonly socketPath: string }
    | { readonly kind: "tcp"; readonly endpoint: string; readonly host: string; readonly port: number; readonly tls: TlsMaterial };

export type Resolved = { readonly ok: true; readonly target: Target } | { readonly ok: false; readonly error: string };

/** Keys read from `pulumi stack output --json --show-secrets`. */
export const STACK_OUTPUT_KEYS = {
    endpoint: "dockerEndpoint",
    ca: "dockerCaPem",
    cert: "dockerCertPem",
    key: "dockerKeyPem",
    /** A pool's `{ <node name>: <endpoint> }`, read with --node. */
    nodes: "nodeEndpoints",
} as const;

export const DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";

type Parsed =
    | { ok: true; kind: "unix" | "npipe"; socketPath: string }
    | { ok: true; kind: "tcp"; host: string; port: number }
    | { ok: false; error: string };

/** Docker's endpoint grammar (rules/docker/endpoint.ts), narrowed to what verify dials. */
export function parseEndpoint(endpoint: string, from: string): Parsed {
    const parsed = parseDockerEndpoint(endpoint);
    if (parsed.ok) {
        const e = parsed.endpoint;
        if (e.kind === "unix") return { ok: true, kind: "unix", socketPath: e.socketPath };
        if (e.kind === "npipe") return { ok: true, kind: "npipe", socketPath: e.pipe };
        if (e.kind === "tcp") return { ok: true, kind: "tcp", host: e.host, port: e.port };
    } else if (parsed.reason !== undefined) {
        return { ok: false, error: `${from} '${endpoint}' ${parsed.reason}` };
    }
    return { ok: false, error: `${from} '${endpoint}' is not a Docker endpoint; use tcp://<host>:2376, unix:///path/docker.sock or npipe:////./pipe/docker_engine` };
}

function readTlsDir(dir: string, from: string): TlsMaterial | string {
    const files = { ca: path.join(dir, "ca.pem"), cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
    const read: Partial<Record<keyof typeof files, string>> = {};
    for (const [k, file] of Object.entries(files) as [keyof typeof files, string][]) {
        try {
            read[k] = fs.readFileSync(file, "utf8");
        } catch (e) {
            return `${from} '${dir}': cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); the directory must hold ca.pem, cert.pem and key.pem`;
        }
        if (!read[k]!.includes("-----BEGIN ")) return `${from} '${dir}': ${file} is not a PEM file`;
    }
    return { ca: read.ca!, cert: read.cert!, key: read.key!, caSource: files.ca, certSource: files.cert };
}

type StackOutputs = { readonly ok: true; readonly outputs: Record<string, unknown> } | { readonly ok: false; readonly error: string };

/** `read`: the file as verify already read it (bounded, within the run's deadline). */
function readStackOutputs(file: string, read: string | undefined): StackOutputs {
    let text: string;
    try {
        text = read ?? fs.readFileSync(file, "utf8");
    } catch (e) {
        return { ok: false, error: `--stack-outputs '${file}': cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    let outputs: unknown;
    try {
        outputs = JSON.parse(text);
    } catch {
        return { ok: false, error: `--stack-outputs '${file}' is not JSON; write it with: pulumi stack output --json --show-secrets > ${file}` };
    }
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
        return { ok: false, error: `--stack-outputs '${file}' is not a JSON object of stack outputs` };
    }
    return { ok: true, outputs: outputs as Record<string, unknown> };
}

function fromStackOutputs(file: string, node: string | undefined, text: string | undefined): Resolved {
    const read = readStackOutputs(file, text);
    if (!read.ok) return read;
    const o = read.outputs;
    const get = (key: string): string | { error: string } => {
        const v = o[key];
        if (v === "[secret]") return { error: `--stack-outputs '${file}': output ${key} is '[secret]'; write the file with --show-secrets` };
        if (typeof v !== "string" || v === "") return { error: `--stack-outputs '${file}' has no string output ${key}; export it from the stack (keys read: ${Object.values(STACK_OUTPUT_KEYS).join(", ")})` };
        return v;
    };
    let endpoint: string | { error: string };
    let endpointKey: string = STACK_OUTPUT_KEYS.endpoint;
    if (node === undefined) {
        endpoint = get(STACK_OUTPUT_KEYS.endpoint);
    } else {
        const nodes = o[STACK_OUTPUT_KEYS.nodes];
        endpointKey = `${STACK_OUTPUT_KEYS.nodes}.${node}`;
        if (typeof nodes !== "object" || nodes === null || Array.isArray(nodes)) {
            endpoint = { error: `--stack-outputs '${file}' has no object output ${STACK_OUTPUT_KEYS.nodes}; --node works with a stack whose host is a ContainerHostPool` };
        } else if (typeof (nodes as Record<string, unknown>)[node] !== "string") {
            endpoint = { error: `--stack-outputs '${file}': output ${STACK_OUTPUT_KEYS.nodes} has no node '${node}'; its nodes are ${Object.keys(nodes).join(", ") || "none"}` };
        } else {
            endpoint = (nodes as Record<string, string>)[node];
        }
    }
    if (typeof endpoint !== "string") return { ok: false, error: endpoint.error };
    const parsed = parseEndpoint(endpoint, `--stack-outputs '${file}' output ${endpointKey}`);
    if (!parsed.ok) return parsed;
    if (parsed.kind !== "tcp") return { ok: true, target: { kind: parsed.kind, endpoint, socketPath: parsed.socketPath } };
    const pems: string[] = [];
    for (const key of [STACK_OUTPUT_KEYS.ca, STACK_OUTPUT_KEYS.cert, STACK_OUTPUT_KEYS.key]) {
        const v = get(key);
        if (typeof v !== "string") return { ok: false, error: v.error };
        if (!v.includes("-----BEGIN ")) return { ok: false, error: `--stack-outputs '${file}': output ${key} is not PEM` };
        pems.push(v);
    }
    return {
        ok: true,
        target: {
            kind: "tcp",
            endpoint,
            host: parsed.host,
            port: parsed.port,
            tls: { ca: pems[0], cert: pems[1], key: pems[2], caSource: `stack output ${STACK_OUTPUT_KEYS.ca}`, certSource: `stack output ${STACK_OUTPUT_KEYS.cert}` },
        },
    };
}

/**
 * One target from the arguments, else the stack outputs, else the DOCKER_* environment.
 * `stackOutputsText`: the --stack-outputs file as verify already read it (bounded, within the deadline).
 */
export function resolveTarget(args: VerifyArgs, env: NodeJS.ProcessEnv, stackOutputsText?: string): Resolved {
    if (args.stackOutputs !== undefined) return fromStackOutputs(args.stackOutputs, args.node, stackOutputsText);
    const fromFlag = args.endpoint !== undefined;
    const endpoint = args.endpoint ?? (env.DOCKER_HOST || DEFAULT_ENDPOINT);
    const from = fromFlag ? "--endpoint" : env.DOCKER_HOST ? "DOCKER_HOST" : "default endpoint";
    const parsed = parseEndpoint(endpoint, from);
    if (!parsed.ok) return parsed;
    if (parsed.kind !== "tcp") {
        // A local home with tcp nodes: --tls-dir is for the nodes (resolveNodeTargets).
        const forNodes = (args.nodeEndpoints ?? []).some((e) => e.startsWith("tcp://"));
        if (args.tlsDir !== undefined && !forNodes) return { ok: false, error: `--tls-dir is only for tcp endpoints; ${from} '${endpoint}' is a local ${parsed.kind} endpoint` };
        return { ok: true, target: { kind: parsed.kind, endpoint, socketPath: parsed.socketPath } };
    }
    const dir = args.tlsDir ?? env.DOCKER_CERT_PATH;
    const dirFrom = args.tlsDir !== undefined ? "--tls-dir" : "DOCKER_CERT_PATH";
    if (!dir) {
        return { ok: false, error: `${from} '${endpoint}' is tcp, and verify only talks to a tcp engine over verified mutual TLS; give --tls-dir <dir> (or DOCKER_CERT_PATH) holding ca.pem, cert.pem and key.pem` };
    }
    const tls = readTlsDir(dir, dirFrom);
    if (typeof tls === "string") return { ok: false, error: tls };
    return { ok: true, target: { kind: "tcp", endpoint, host: parsed.host, port: parsed.port, tls } };
}

export type ResolvedNodes = { readonly ok: true; readonly targets: readonly Target[] } | { readonly ok: false; readonly error: string };

/**
 * The other nodes of a pool: each --node-endpoint, and with --all-nodes every stack output
 * nodeEndpoints.<name> but `home`'s. A tcp node is reached with the TLS material `home` uses (a
 * pool's nodes trust one client certificate, docs/pool.md), or --tls-dir / DOCKER_CERT_PATH
 * when `home` is a local socket.
 */
export function resolveNodeTargets(args: VerifyArgs, env: NodeJS.ProcessEnv, home: Target, stackOutputsText?: string): ResolvedNodes {
    const wanted: { endpoint: string; from: string }[] = (args.nodeEndpoints ?? []).map((endpoint) => ({ endpoint, from: "--node-endpoint" }));
    if (args.allNodes) {
        if (args.stackOutputs === undefined) return { ok: false, error: "--all-nodes reads the stack output nodeEndpoints; give --stack-outputs <file> too (or each node with --node-endpoint)" };
        const read = readStackOutputs(args.stackOutputs, stackOutputsText);
        if (!read.ok) return read;
        const nodes = read.outputs[STACK_OUTPUT_KEYS.nodes];
        if (typeof nodes !== "object" || nodes === null || Array.isArray(nodes)) {
            return { ok: false, error: `--stack-outputs '${args.stackOutputs}' has no object output ${STACK_OUTPUT_KEYS.nodes}; --all-nodes works with a stack whose host is a ContainerHostPool` };
        }
        for (const [name, endpoint] of Object.entries(nodes as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
            if (typeof endpoint !== "string" || endpoint === "") {
                return { ok: false, error: `--stack-outputs '${args.stackOutputs}': output ${STACK_OUTPUT_KEYS.nodes}.${name} is not an endpoint string` };
            }
            wanted.push({ endpoint, from: `--stack-outputs '${args.stackOutputs}' output ${STACK_OUTPUT_KEYS.nodes}.${name}` });
        }
    }
    const targets: Target[] = [];
    const seen = new Set([home.endpoint]);
    for (const { endpoint, from } of wanted) {
        if (seen.has(endpoint)) {
            if (from === "--node-endpoint") return { ok: false, error: `--node-endpoint '${endpoint}' is given twice (or is the engine verify asks first); give each node once` };
            continue; // the home node among the stack's nodes
        }
        seen.add(endpoint);
        const parsed = parseEndpoint(endpoint, from);
        if (!parsed.ok) return parsed;
        if (parsed.kind !== "tcp") {
            targets.push({ kind: parsed.kind, endpoint, socketPath: parsed.socketPath });
            continue;
        }
        let tls: TlsMaterial | string;
        if (home.kind === "tcp") {
            tls = home.tls;
        } else {
            const dir = args.tlsDir ?? env.DOCKER_CERT_PATH;
            if (!dir) return { ok: false, error: `${from} '${endpoint}' is tcp, and verify only talks to a tcp engine over verified mutual TLS; give --tls-dir <dir> (or DOCKER_CERT_PATH) holding ca.pem, cert.pem and key.pem` };
            tls = readTlsDir(dir, args.tlsDir !== undefined ? "--tls-dir" : "DOCKER_CERT_PATH");
        }
        if (typeof tls === "string") return { ok: false, error: tls };
        targets.push({ kind: "tcp", endpoint, host: parsed.host, port: parsed.port, tls });
    }
    return { ok: true, targets };
}
