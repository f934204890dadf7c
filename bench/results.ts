/**
 * Where every benchmark leaves its figures: bench/results/<name>.json, so a later run can be
 * compared with an earlier one (ratios first; the absolute times only say how busy the machine was).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const RESULTS_DIR = path.join(__dirname, "results");

export function writeResults(name: string, results: Record<string, unknown>): string {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${name}.json`);
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage1m: os.loadavg()[0] };
    fs.writeFileSync(file, JSON.stringify({ bench: name, date: new Date().toISOString(), machine, ...results }, null, 2) + "\n");
    console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
    return file;
}

export const median = (xs: readonly number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
