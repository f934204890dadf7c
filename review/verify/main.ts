/**
 * `npm run verify`: gather facts from one engine, judge them with rules/attestation,
 * print. Exit 0 all proven, 1 a finding, 2 bad arguments or the engine cannot be reached.
 */
import { attest, Attestation } from "../../rules";
import { parseArgs, USAGE } from "./args";
import { dockerFor } from "./connect";
import { describeEngineError, withDeadline } from "./errors";
import { gatherFacts } from "./gather";
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

export async function runVerify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
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
    const { timeoutMs, format } = parsed.args;
    let facts;
    try {
        facts = await withDeadline(gatherFacts(dockerFor(target, timeoutMs)), timeoutMs, "engine facts");
    } catch (err) {
        io.stderr(`verify: ${describeEngineError(err, target, timeoutMs)}\n`);
        return EXIT_ERROR;
    }
    const attestation = attest(facts);
    const exitCode = attestation.proven ? EXIT_PROVEN : EXIT_FINDINGS;
    io.stdout(render(format, target, attestation, exitCode));
    return exitCode;
}
