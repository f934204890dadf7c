/**
 * `npm run verify` and `windows-isolation verify` (which calls `main`): gather facts from one
 * engine, judge them with rules/attestation, print. Exit 0 all proven, 1 a finding, 2 bad
 * arguments or the engine cannot be reached. Run directly, it exits explicitly so that no stray
 * socket keeps it alive.
 */
import { attest, Attestation } from "../../rules";
import { parseArgs, USAGE } from "./args";
import { dockerFor } from "./connect";
import { describeEngineError, withDeadline } from "./errors";
import { gatherFacts } from "./gather";
import { AzureOptions } from "./azureVm";
import { readWitness, resolveWitnessSource } from "./witnessSource";
import { toSarif } from "./sarif";
import { renderTable } from "./table";
import { resolveNodeTargets, resolveTarget, Target } from "./target";
import { gatherPoolFacts, TargetError } from "./pool";
import { attestationEnvelope, readKeyFile, writeEnvelope } from "./attestFile";
import { checkAttestation } from "./checkAttestation";
import { readBounded } from "./readBounded";
import { textLine } from "../escape";
import { ExitCode } from "../cli/exitCode";
import { toolName } from "../cli/toolName";
import { packageVersion } from "../cli/version";

export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
}

export function render(format: "table" | "json" | "sarif", target: Target, a: Attestation, exitCode: number): string {
    if (format === "table") return renderTable(target.endpoint, a, exitCode);
    if (format === "sarif") return JSON.stringify(toSarif(target.endpoint, a, exitCode, packageVersion()), null, 2) + "\n";
    return JSON.stringify({ tool: toolName("verify"), endpoint: target.endpoint, exitCode, ...a }, null, 2) + "\n";
}

/** The stack outputs file at most (PEMs and a pool's maps: a few kilobytes in practice). */
export const MAX_STACK_OUTPUTS_BYTES = 16 << 20;

/** Any message that reaches the terminal: one line, nothing an engine or a file chose can steer it. */
const say = (io: Io, message: string) => io.stderr(`verify: ${textLine(message)}\n`);

/** `azure`: the SDK's credential and endpoint; tests point it at a local server, production leaves it empty. */
export async function runVerify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, azure: AzureOptions = {}): Promise<number> {
    try {
        return await verifyOnce(argv, env, io, azure);
    } catch (err) {
        // Whatever the input, one line and exit 2: never a stack trace.
        say(io, `internal error: ${String((err as Error)?.message ?? err).split("\n")[0]}`);
        return ExitCode.Error;
    }
}

async function verifyOnce(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, azure: AzureOptions): Promise<number> {
    const parsed = parseArgs(argv);
    if (!parsed.ok) {
        say(io, parsed.error);
        return ExitCode.Error;
    }
    if (parsed.args.help) {
        io.stdout(USAGE + "\n");
        return ExitCode.Ok;
    }
    if (parsed.args.checkAttestation !== undefined) {
        return checkAttestation(parsed.args.checkAttestation, parsed.args.key!, parsed.args.format === "json", io);
    }
    // The signing key is read before any engine is asked: a bad key is bad input, found first.
    const signer = parsed.args.attest !== undefined ? readKeyFile(parsed.args.key!, "private") : undefined;
    if (signer && !signer.ok) {
        say(io, signer.error);
        return ExitCode.Error;
    }
    const { timeoutMs, format } = parsed.args;
    // One deadline over the whole run: every input read, the engine and the witness.
    const started = Date.now();
    const left = () => Math.max(1, timeoutMs - (Date.now() - started));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const deadline = `the run's deadline (--timeout ${timeoutMs / 1000}s)`;
    try {
        let stackOutputsText: string | undefined;
        if (parsed.args.stackOutputs !== undefined) {
            const file = parsed.args.stackOutputs;
            const read = await readBounded(file, `--stack-outputs '${file}'`, MAX_STACK_OUTPUTS_BYTES, abort.signal, deadline);
            if (!read.ok) {
                say(io, read.error);
                return ExitCode.Error;
            }
            stackOutputsText = read.bytes.toString("utf8");
        }
        const resolved = resolveTarget(parsed.args, env, stackOutputsText);
        if (!resolved.ok) {
            say(io, resolved.error);
            return ExitCode.Error;
        }
        const { target } = resolved;
        const nodeTargets = resolveNodeTargets(parsed.args, env, target, stackOutputsText);
        if (!nodeTargets.ok) {
            say(io, nodeTargets.error);
            return ExitCode.Error;
        }
        const witnessSource = resolveWitnessSource(parsed.args, stackOutputsText);
        if (witnessSource && "error" in witnessSource) {
            say(io, witnessSource.error);
            return ExitCode.Error;
        }
        let facts;
        try {
            const gathering =
                nodeTargets.targets.length > 0
                    ? gatherPoolFacts(target, nodeTargets.targets, timeoutMs, witnessSource !== undefined)
                    : gatherFacts(dockerFor(target, timeoutMs), witnessSource !== undefined);
            facts = await withDeadline(gathering, left(), "engine facts", timeoutMs);
        } catch (err) {
            const failed = err instanceof TargetError ? err : new TargetError(target, err);
            say(io, describeEngineError(failed.cause, failed.target, timeoutMs));
            return ExitCode.Error;
        }
        if (witnessSource) {
            // Read after the engine's top lists, so a process-isolated container's processes are still there.
            // The readers stop at the run's deadline themselves (and say which input); the race is a backstop.
            const pids = facts.containers.flatMap((c) => (c.processes ?? []).map((p) => p.pid));
            let list;
            try {
                list = await withDeadline(readWitness(witnessSource, { signal: abort.signal, deadline, pids, azure }), left() + 1000, "host process list", timeoutMs);
            } catch (err) {
                abort.abort();
                say(io, `the host process list: ${(err as Error).message}; give a longer --timeout`);
                return ExitCode.Error;
            }
            if ("error" in list) {
                say(io, list.error);
                return ExitCode.Error;
            }
            facts = { ...facts, hostProcesses: list };
        }
        const attestation = attest(facts, { requireWitness: parsed.args.requireWitness === true, allowUnguarded: parsed.args.allowUnguarded === true });
        const exitCode = attestation.proven ? ExitCode.Ok : ExitCode.Violation;
        if (signer?.ok && parsed.args.attest !== undefined) {
            const run = { tool: toolName("verify"), version: packageVersion(), endpoint: target.endpoint, verifiedAt: new Date().toISOString(), exitCode };
            const failed = writeEnvelope(parsed.args.attest, attestationEnvelope(attestation, run, signer));
            if (failed) {
                say(io, failed);
                return ExitCode.Error;
            }
        }
        io.stdout(render(format, target, attestation, exitCode));
        return exitCode;
    } finally {
        clearTimeout(timer);
        abort.abort();
    }
}

/** The verify tool with this process's environment and standard streams; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
    // An error no promise carries (a stream's, a socket's) is still one line and exit 2, never a stack trace.
    const uncaught = (err: unknown) => {
        process.stderr.write(`verify: internal error: ${textLine(String((err as Error)?.message ?? err).split("\n")[0])}\n`);
        process.exit(ExitCode.Error);
    };
    process.on("uncaughtException", uncaught);
    try {
        return await runVerify(argv, process.env, {
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
        });
    } finally {
        process.off("uncaughtException", uncaught);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
            // Flush stdout before leaving: a pipe may still hold the report.
            process.stdout.write("", () => process.exit(code));
        },
        (err) => {
            process.stderr.write(`verify: internal error: ${textLine(String((err as Error)?.message ?? err).split("\n")[0])}\n`);
            process.exit(ExitCode.Error);
        },
    );
}
