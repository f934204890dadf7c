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
