/* eslint-disable @typescript-eslint/no-explicit-any -- the SARIF logs are read back as untyped JSON */
/**
 * One SARIF writer for both tools: a real plan run (bad-raw-service: one mandatory violation) and
 * a real verify run (the recorded Hyper-V page engine with a host process list: witness
 * findings) both pass Microsoft's validator without an error, name their tool the same way and
 * carry the package version, rule help and a fingerprint on every result.
 * The plan's log is checked the same way in test/review/plan/plan.test.ts, on the bad-raw-service
 * run that file already makes (a program run costs seconds of CPU): here, verify's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runVerify } from "../../../review/verify/main";
import { serveRecording } from "../../helpers/fakeEngine";
import { readJson, ROOT } from "../../helpers/planCli";
import { expectRulesHelpAndFingerprints, validateSarif } from "../../helpers/sarifValidator";

const PAGE = path.join(__dirname, "..", "..", "fixtures", "hypervIsolationPage");
const VERSION = readJson(path.join(ROOT, "package.json")).version;

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-sarif-log-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function verifySarif(): Promise<any> {
    const socketPath = path.join(dir, `engine-${Math.random().toString(36).slice(2)}.sock`);
    const engine = await serveRecording(JSON.parse(fs.readFileSync(path.join(PAGE, "engine.json"), "utf8")), { socketPath });
    let stdout = "";
    let stderr = "";
    try {
        const code = await runVerify(["--endpoint", `unix://${socketPath}`, "--host-processes", path.join(PAGE, "host-ping-and-vmwp.json"), "--sarif"], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        expect([code, stderr]).toEqual([1, ""]);
        return JSON.parse(stdout);
    } finally {
        await engine.close();
    }
}

describe("verify --sarif", () => {
    let logs: { verify: any };
    beforeAll(async () => {
        logs = { verify: await verifySarif() };
    }, 180_000);

    test.each(["verify"] as const)("%s: Microsoft's validator reports no error (only SARIF2005: no public informationUri)", async (tool) => {
        const found = await validateSarif(logs[tool]);
        expect(found.filter((r) => r.level === "error")).toEqual([]);
        expect(found).toEqual([{ ruleId: "SARIF2005", level: "warning" }]);
    }, 120_000);

    test.each(["verify"] as const)("%s: named after its command (windows-isolation <tool>), semanticVersion is the package version", (tool) => {
        const driver = logs[tool].runs[0].tool.driver;
        expect(driver.name).toBe(`windows-isolation ${tool}`);
        expect(driver.semanticVersion).toBe(VERSION);
    });

    test.each(["verify"] as const)("%s: every rule has help text, every result a fingerprint and a ruleIndex that points at its rule", (tool) => {
        expectRulesHelpAndFingerprints(logs[tool].runs[0]);
    });

    test("verify: the same engine gives the same fingerprints on a second run; each finding's differs", async () => {
        const prints = (log: any) => log.runs[0].results.map((r: any) => Object.values(r.partialFingerprints)[0]);
        const again = await verifySarif();
        expect(prints(again)).toEqual(prints(logs.verify));
        expect(new Set(prints(again)).size).toBe(prints(again).length);
    }, 60_000);
});
