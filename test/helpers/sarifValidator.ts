/** Microsoft's SARIF validator (the self-contained binary in @microsoft/sarif-multitool-linux). */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface ValidatorResult {
    readonly ruleId: string;
    readonly level: string;
}

/** Validates a SARIF log; returns the validator's error and warning results. */
export async function validateSarif(log: unknown): Promise<ValidatorResult[]> {
    const bin = path.join(path.dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")), "Sarif.Multitool");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-sarif-"));
    try {
        const input = path.join(dir, "verify.sarif");
        const output = path.join(dir, "validation.sarif");
        fs.writeFileSync(input, JSON.stringify(log, null, 2));
        await new Promise<void>((resolve, reject) =>
            execFile(bin, ["validate", input, "-o", output, "--level", "Error", "Warning"], { timeout: 300000 }, (err, stdout, stderr) =>
                err ? reject(new Error(`Sarif.Multitool failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
            ),
        );
        const results = (JSON.parse(fs.readFileSync(output, "utf8")).runs?.[0]?.results ?? []) as { ruleId: string; level?: string }[];
        return results.map((r) => ({ ruleId: r.ruleId, level: r.level ?? "warning" }));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** What GitHub code scanning needs of a run beyond the schema: help text on every rule, one fingerprint per result, a ruleIndex that points at its rule. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SARIF run read back as untyped JSON
export function expectRulesHelpAndFingerprints(sarifRun: any): void {
    for (const rule of sarifRun.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(20);
    expect(sarifRun.results.length).toBeGreaterThan(0);
    for (const r of sarifRun.results) {
        expect(sarifRun.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
        const prints = Object.values(r.partialFingerprints ?? {});
        expect(prints.length).toBe(1);
        expect(prints[0]).toEqual(expect.stringContaining(`|${r.ruleId}`));
    }
}
