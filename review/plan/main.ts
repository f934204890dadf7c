/**
 * npm run plan -- --stack <name> [--program <dir>] [--out <dir>] [--policy-config <file.json>] [--timeout <s>]
 *
 * Offline preview and policy report: runs the Pulumi program under Pulumi's own Node.js runtime
 * against the plan's own resource monitor, with the stack's config, evaluates every recorded
 * resource through the policy pack's own analyzer server (as `pulumi preview --policy-pack policy` would), prints the workload table and writes plan.md,
 * plan.json and plan.sarif. Exit 0 clean, 1 mandatory violation, 2 bad arguments, a weakened
 * mandatory policy, or the program failed or ran past --timeout. No child process outlives it.
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzerClient, PolicyPackConfig } from "../analyzer/client";
import { startPolicyPack } from "../analyzer/packServer";
import { evaluate } from "./evaluate";
import { endAll, endChildrenOnExit, exitUnlessStopping } from "../process/children";
import { executeProgram, ProgramTimeoutError } from "./execute";
import { PlanInputError, resolveTarget } from "./project";
import { buildReport, renderMarkdown, renderText } from "./report";
import { renderSarif } from "./sarif";
import { longestFirst, redact, secretValues } from "./secrets";
import { sourceRoot } from "./sourceRoot";
import { writeAtomic } from "./writeAtomic";
import { describeArgProblem, scanArgs } from "../cli/args";
import { ExitCode } from "../cli/exitCode";
import { packageVersion } from "../cli/version";
import { imageLines, renderImagesMarkdown, renderImagesText, renderPins, resolvedRows, resolveImages, withResolvedImages, workloadImages } from "./resolveImages";
import { ResolvedImages } from "../../rules/policies/resolvedImages";
import { BasePlanError, ComparablePlan, readBasePlan } from "./basePlan";
import { comparedExitCode, comparePlans } from "./compare";

const USAGE = `usage: npm run plan -- --stack <name> [--program <dir>] [--out <dir>] [--policy-config <file.json>] [--policy-pack <dir>]
                    [--timeout <seconds>] [--source-root <dir>] [--allow-weakened-policies]
                    [--resolve-images [--registry-ca <pem>] [--pin]] [--compare <base plan.json> [--fail-on-new-only]]
  --stack          stack whose Pulumi.<stack>.yaml config the program runs with (optional when there is only one)
  --program        Pulumi project or program directory (default: the current project)
  --out            where plan.md, plan.json and plan.sarif go (default: out/)
  --policy-config  policy config JSON, as for pulumi preview --policy-pack-config
  --policy-pack    policy pack directory (default: this repository's policy/)
  --timeout        stop a program that runs longer than this many seconds (default: 300)
  --source-root    repository root SARIF and plan.md paths are relative to (default: the program's git root)
  --allow-weakened-policies
                   run although the policy config lowers a mandatory policy; every report lists each one
  --resolve-images read each workload image at its registry (digest, exact Windows build) and judge on that (default: offline, from tags)
  --registry-ca    a PEM file of CA certificates to trust for registries, besides the system's (with --resolve-images)
  --pin            print each image's digest-pinned reference (implies --resolve-images)
  --compare        the plan.json of the base (e.g. the target branch): the reports lead with what the change does
                   to each workload's isolation, trust, image, host and verdicts, and to the findings
  --fail-on-new-only
                   with --compare: exit 1 only for mandatory findings the base plan did not have`;

export interface PlanArgs {
    stack?: string;
    program?: string;
    out: string;
    policyConfig?: string;
    policyPack: string;
    timeout: string;
    sourceRoot?: string;
    allowWeakenedPolicies: boolean;
    resolveImages?: boolean;
    registryCa?: string;
    pin?: boolean;
    compare?: string;
    failOnNewOnly: boolean;
}

const VALUE_FLAGS: Record<string, "stack" | "program" | "out" | "policyConfig" | "policyPack" | "timeout" | "sourceRoot" | "registryCa" | "compare"> = {
    "--stack": "stack",
    "--program": "program",
    "--out": "out",
    "--policy-config": "policyConfig",
    "--policy-pack": "policyPack",
    "--timeout": "timeout",
    "--source-root": "sourceRoot",
    "--registry-ca": "registryCa",
    "--compare": "compare",
};

export function parseArgs(argv: readonly string[]): PlanArgs | "help" {
    const scanned = scanArgs(argv, { values: Object.keys(VALUE_FLAGS), switches: ["--allow-weakened-policies", "--resolve-images", "--pin", "--fail-on-new-only"] });
    if (scanned.help) return "help";
    if (scanned.problem) throw new PlanInputError(describeArgProblem(scanned.problem));
    const args: PlanArgs = {
        out: "out",
        policyPack: path.resolve(__dirname, "..", "..", "policy"),
        timeout: "300",
        allowWeakenedPolicies: scanned.switches.includes("--allow-weakened-policies"),
        failOnNewOnly: scanned.switches.includes("--fail-on-new-only"),
    };
    for (const [flag, value] of scanned.values) args[VALUE_FLAGS[flag]] = value;
    args.pin = scanned.switches.includes("--pin");
    args.resolveImages = args.pin || scanned.switches.includes("--resolve-images");
    if (args.registryCa !== undefined && !args.resolveImages) throw new PlanInputError("--registry-ca is used only to resolve images; add --resolve-images");
    if (args.failOnNewOnly && args.compare === undefined) throw new PlanInputError("--fail-on-new-only: needs --compare <base plan.json>, the plan whose findings count as known");
    timeoutSeconds(args.timeout);
    return args;
}

export function timeoutSeconds(value: string): number {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new PlanInputError(`--timeout ${value}: must be a number of seconds greater than 0 (e.g. --timeout 600)`);
    return n;
}

function readPolicyConfig(file: string | undefined): PolicyPackConfig {
    if (!file) return {};
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("must be a JSON object of policy name to config");
        return parsed;
    } catch (e) {
        throw new PlanInputError(`--policy-config ${file}: ${(e as Error).message}`);
    }
}

function readRegistryCa(file: string | undefined): string | undefined {
    if (!file) return undefined;
    try {
        const pem = fs.readFileSync(file, "utf8");
        if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("has no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return pem;
    } catch (e) {
        throw new PlanInputError(`--registry-ca ${file}: ${(e as Error).message}`);
    }
}

export async function main(argv: readonly string[]): Promise<number> {
    // Also when `windows-isolation plan` calls this main: no child outlives the plan.
    endChildrenOnExit("plan");
    const userCwd = process.env.INIT_CWD ?? process.cwd();
    let args: PlanArgs | "help";
    let target;
    let policyConfig: PolicyPackConfig;
    let srcRoot: string;
    let registryCa: string | undefined;
    let basePlan: ComparablePlan | undefined;
    try {
        args = parseArgs(argv);
        if (args === "help") {
            console.log(USAGE);
            return ExitCode.Ok;
        }
        target = resolveTarget({ program: args.program === undefined ? undefined : path.resolve(userCwd, args.program), stack: args.stack, cwd: process.cwd() });
        policyConfig = readPolicyConfig(args.policyConfig && path.resolve(userCwd, args.policyConfig));
        registryCa = readRegistryCa(args.registryCa && path.resolve(userCwd, args.registryCa));
        srcRoot = sourceRoot(args.sourceRoot === undefined ? undefined : path.resolve(userCwd, args.sourceRoot), target.programDir, target.projectDir);
        // Read and checked before the program runs: a base that cannot be compared is an error, never an empty diff.
        if (args.compare !== undefined) basePlan = readBasePlan(path.resolve(userCwd, args.compare), args.compare, target.config);
    } catch (e) {
        if (e instanceof BasePlanError) {
            console.error(`plan: ${e.message}`);
            return ExitCode.Error;
        }
        if (!(e instanceof PlanInputError)) throw e;
        console.error(`plan: ${e.message}\n${USAGE}`);
        return ExitCode.Error;
    }
    const started = Date.now();
    let registered = 0;
    let phase = "running the program";
    const ticker = setInterval(() => {
        process.stderr.write(`plan: ${((Date.now() - started) / 1000).toFixed(0)} s, ${phase}, ${registered} resources registered...\n`);
    }, 2000);
    // The pack's server starts (and type-checks) while the program runs.
    const pack = startPolicyPack(args.policyPack);
    pack.catch(() => undefined);
    // Every line the plan prints after the program ran, errors included, has its secrets cut out.
    let secrets: readonly string[] = [];
    const printError = (text: string) => console.error(redact(text, secrets));
    try {
        const result = await executeProgram(target, { onProgress: (n) => (registered = n), timeoutSeconds: timeoutSeconds(args.timeout) });
        secrets = longestFirst([...(result.secrets ?? []), ...(result.ok ? secretValues(result.resources) : [])]);
        if (!result.ok) {
            printError(`plan: the program ${path.relative(userCwd, target.programDir) || "."} failed (stack ${target.config.stack}): ${result.error}`);
            return ExitCode.Error;
        }
        registered = result.resources.length;
        phase = "starting the policy pack";
        // With --resolve-images the registries' answers reach the pack's verdicts through its config.
        let resolved: ResolvedImages | undefined;
        if (args.resolveImages) {
            phase = "resolving images at their registries";
            resolved = await resolveImages(workloadImages(result.resources), { ca: registryCa });
            policyConfig = withResolvedImages(policyConfig, resolved);
        }
        const server = await pack;
        phase = "evaluating policies";
        const client = new AnalyzerClient(server.port);
        try {
            const evaluation = await evaluate(client, result.resources, policyConfig, { allowWeakened: args.allowWeakenedPolicies });
            // buildReport cuts the recorded secrets; these also include what the program passed to pulumi.secret.
            const built = buildReport(target, result.resources, evaluation);
            const images = resolved && imageLines(resolved);
            const report = redact(resolved ? { ...built, workloads: resolvedRows(built.workloads, resolved), images } : built, secrets);
            const compared = basePlan && args.compare !== undefined ? { comparison: redact(comparePlans(basePlan, report), secrets), base: args.compare } : undefined;
            clearInterval(ticker);
            const outDir = path.resolve(userCwd, args.out);
            fs.mkdirSync(outDir, { recursive: true });
            const version = packageVersion();
            // Only now, with the program and all it started gone (executeProgram), and each whole or not at all.
            writeAtomic(path.join(outDir, "plan.json"), JSON.stringify(report, null, 2) + "\n");
            writeAtomic(path.join(outDir, "plan.md"), renderMarkdown(report, srcRoot, compared) + (images ? renderImagesMarkdown(images) : ""));
            writeAtomic(path.join(outDir, "plan.sarif"), JSON.stringify(renderSarif(report, srcRoot, version), null, 2) + "\n");
            console.log(renderText(report, process.cwd(), compared));
            if (images) console.log(renderImagesText(images));
            if (images && args.pin) console.log(`Pinned references:\n${renderPins(images)}`);
            console.log(`Wrote ${["plan.md", "plan.json", "plan.sarif"].map((f) => path.relative(userCwd, path.join(outDir, f))).join(", ")}`);
            return compared ? comparedExitCode(report.exitCode, compared.comparison, args.failOnNewOnly) : report.exitCode;
        } finally {
            client.close();
            await server.stop();
        }
    } catch (e) {
        if (e instanceof ProgramTimeoutError) {
            printError(`plan: the program ${path.relative(userCwd, target.programDir) || "."} (stack ${target.config.stack}) ${e.message}; raise --timeout if it really needs longer`);
            return ExitCode.Error;
        }
        printError(`plan: ${(e as Error).message}`);
        return ExitCode.Error;
    } finally {
        clearInterval(ticker);
        // The pack server too, whether it is serving, still starting or never needed.
        await endAll();
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => exitUnlessStopping(code),
        (e) => {
            console.error(`plan: ${(e as Error).message}`);
            exitUnlessStopping(ExitCode.Error);
        },
    );
}
