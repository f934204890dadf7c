/**
 * `npm run verify`: gather facts from one engine, judge them with rules/attestation,
 * print. Exit 0 all proven, 1 a finding, 2 bad arguments or the engine cannot be reached.
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
import { resolveTarget, Target } from "./target";
import { version } from "../../package.json";

export const EXIT_PROVEN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
}

export function render(format: "table" | "json" | "sarif", target: Target, a: Attestation, exitCode: number): string {
    if (format === "table") return renderTable(target.endpoint, a, exitCode);
    if (format === "sarif") return JSON.stringify(toSarif(target.endpoint, a, exitCode, version), null, 2) + "\n";
    return JSON.stringify({ tool: "windows-isolation verify", endpoint: target.endpoint, exitCode, ...a }, null, 2) + "\n";
}

/** `azure`: the SDK's credential and endpoint; tests point it at a local server, production leaves it empty. */
export async function runVerify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, azure: AzureOptions = {}): Promise<number> {
    const parsed = parseArgs(argv);
    if (!parsed.ok) {
        io.stderr(`verify: ${parsed.error}\n`);
        return EXIT_ERROR;
    }
    if (parsed.args.help) {
        io.stdout(USAGE + "\n");
        return EXIT_PROVEN;
    }
    const resolved = resolveTarget(parsed.args, env);
    if (!resolved.ok) {
        io.stderr(`verify: ${resolved.error}\n`);
        return EXIT_ERROR;
    }
    const { target } = resolved;
    const witnessSource = resolveWitnessSource(parsed.args);
    if (witnessSource && "error" in witnessSource) {
        io.stderr(`verify: ${witnessSource.error}\n`);
        return EXIT_ERROR;
    }
    const { timeoutMs, format } = parsed.args;
    const started = Date.now();
    let facts;
    try {
        facts = await withDeadline(gatherFacts(dockerFor(target, timeoutMs), witnessSource !== undefined), timeoutMs, "engine facts");
    } catch (err) {
        io.stderr(`verify: ${describeEngineError(err, target, timeoutMs)}\n`);
        return EXIT_ERROR;
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
            return EXIT_ERROR;
        }
        if ("error" in list) {
            io.stderr(`verify: ${list.error}\n`);
            return EXIT_ERROR;
        }
        facts = { ...facts, hostProcesses: list };
    }
    const attestation = attest(facts);
    const exitCode = attestation.proven ? EXIT_PROVEN : EXIT_FINDINGS;
    io.stdout(render(format, target, attestation, exitCode));
    return exitCode;
}
