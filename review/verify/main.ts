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

/** `azure`: the SDK's credential and endpoint; tests point it at a local server, production leaves it empty. */
export async function runVerify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, azure: AzureOptions = {}): Promise<number> {
    const parsed = parseArgs(argv);
    if (!parsed.ok) {
        io.stderr(`verify: ${parsed.error}\n`);
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
        io.stderr(`verify: ${signer.error}\n`);
        return ExitCode.Error;
    }
    const resolved = resolveTarget(parsed.args, env);
    if (!resolved.ok) {
        io.stderr(`verify: ${resolved.error}\n`);
        return ExitCode.Error;
    }
    const { target } = resolved;
    const nodeTargets = resolveNodeTargets(parsed.args, env, target);
    if (!nodeTargets.ok) {
        io.stderr(`verify: ${nodeTargets.error}\n`);
        return ExitCode.Error;
    }
    const witnessSource = resolveWitnessSource(parsed.args);
    if (witnessSource && "error" in witnessSource) {
        io.stderr(`verify: ${witnessSource.error}\n`);
        return ExitCode.Error;
    }
    const { timeoutMs, format } = parsed.args;
    const started = Date.now();
    let facts;
    try {
        const gathering =
            nodeTargets.targets.length > 0
                ? gatherPoolFacts(target, nodeTargets.targets, timeoutMs, witnessSource !== undefined)
                : gatherFacts(dockerFor(target, timeoutMs), witnessSource !== undefined);
        facts = await withDeadline(gathering, timeoutMs, "engine facts");
    } catch (err) {
        const failed = err instanceof TargetError ? err : new TargetError(target, err);
        io.stderr(`verify: ${describeEngineError(failed.cause, failed.target, timeoutMs)}\n`);
        return ExitCode.Error;
    }
    if (witnessSource) {
        // Read after the engine's top lists, so a process-isolated container's processes are still there.
        const left = Math.max(1, timeoutMs - (Date.now() - started));
        const abort = new AbortController();
        let list;
        try {
            list = await withDeadline(readWitness(witnessSource, { ...azure, abortSignal: abort.signal }), left, "host process list");
        } catch (err) {
            abort.abort();
            io.stderr(`verify: the host process list: ${(err as Error).message}; give a longer --timeout\n`);
            return ExitCode.Error;
        }
        if ("error" in list) {
            io.stderr(`verify: ${list.error}\n`);
            return ExitCode.Error;
        }
        facts = { ...facts, hostProcesses: list };
    }
    const attestation = attest(facts);
    const exitCode = attestation.proven ? ExitCode.Ok : ExitCode.Violation;
    if (signer?.ok && parsed.args.attest !== undefined) {
        const run = { tool: toolName("verify"), version: packageVersion(), endpoint: target.endpoint, verifiedAt: new Date().toISOString(), exitCode };
        const failed = writeEnvelope(parsed.args.attest, attestationEnvelope(attestation, run, signer));
        if (failed) {
            io.stderr(`verify: ${failed}\n`);
            return ExitCode.Error;
        }
    }
    io.stdout(render(format, target, attestation, exitCode));
    return exitCode;
}

/** The verify tool with this process's environment and standard streams; returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
    return runVerify(argv, process.env, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    });
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
            // Flush stdout before leaving: a pipe may still hold the report.
            process.stdout.write("", () => process.exit(code));
        },
        (err) => {
            process.stderr.write(`verify: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
            process.exit(ExitCode.Error);
        },
    );
}
