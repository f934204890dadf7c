/* eslint-disable @typescript-eslint/no-explicit-any -- the recording and verify's JSON are untyped */
/**
 * verify judges each running container on its image's exact build as the engine pulled it
 * (`GET /images/{id}/json` OsVersion), through the real dockerode client against recorded Windows
 * Engine API answers (test/fixtures/windowsEngine/hardened-2022.json, each container given an
 * image of its own here).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runVerify } from "../../../review/verify/main";
import { EngineRecording, serveRecording } from "../../helpers/fakeEngine";

const base: any = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "windowsEngine", "hardened-2022.json"), "utf8"));
const id = (n: number) => `sha256:${String(n).repeat(64)}`;

/** The recording with container i running image i, of the given OsVersion (undefined: none reported); isolation overrides by workload. */
function recording(versions: (string | undefined)[], isolation: Record<string, string> = {}): EngineRecording {
    const rec = JSON.parse(JSON.stringify(base));
    const images: Record<string, unknown> = {};
    Object.values(rec.inspect).forEach((c: any, i: number) => {
        c.Image = id(i + 1);
        const workload = c.Config.Labels["windows-isolation.workload"];
        if (isolation[workload]) {
            c.HostConfig.Isolation = isolation[workload];
            c.Config.Labels["windows-isolation.isolation"] = isolation[workload];
        }
        images[id(i + 1)] = { Id: id(i + 1), Os: "windows", Architecture: "amd64", ...(versions[i] ? { OsVersion: versions[i] } : {}), RepoDigests: [`${c.Config.Image.split(":")[0]}@sha256:${String(i + 1).repeat(64)}`] };
    });
    return { ...rec, images };
}

async function verify(rec: EngineRecording) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-fake-images-"));
    const socketPath = path.join(dir, "engine.sock");
    const engine = await serveRecording(rec, { socketPath });
    let stdout = "";
    try {
        const code = await runVerify(["--endpoint", `unix://${socketPath}`, "--json"], {}, { stdout: (t) => (stdout += t), stderr: () => undefined });
        return { code, out: JSON.parse(stdout) };
    } finally {
        await engine.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

test("every image runs where and how it runs: proven, each container showing its image's exact build and digest", async () => {
    const r = await verify(recording(["10.0.20348.2700", "10.0.20348.2700", "10.0.17763.6054"]));
    expect(r.out.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.containers.map((c: any) => [c.workload, c.effective, c.imageOsVersion, c.imageDigests[0].split("@")[1].slice(0, 8)])).toEqual([
        ["web", "process", "10.0.20348.2700", "sha256:1"],
        ["customer-job", "hyperv", "10.0.20348.2700", "sha256:2"],
        ["legacy-app", "hyperv", "10.0.17763.6054", "sha256:3"],
    ]);
});

test("a 2019 image in process isolation on the 2022 host, and an image without OsVersion, are errors naming the container", async () => {
    const r = await verify(recording(["10.0.20348.2700", undefined, "10.0.17763.6054"], { "legacy-app": "process" }));
    expect(r.code).toBe(1);
    expect(r.out.findings.map((f: any) => [f.ruleId, f.level, f.message])).toEqual([
        ["image-host-compatibility", "error", "container customer-job.1.tsk0000000000000000000002's image cannot be judged: its os.version is missing"],
        [
            "image-host-compatibility",
            "error",
            "container legacy-app.1.tsk0000000000000000000003 runs image 10.0.17763.6054 in 'process' isolation on host 20348 (ltsc2022) (20348.2700): process isolation on host 20348 (ltsc2022) runs images from 20348 (ltsc2022) to 20348 (ltsc2022); image is 17763 (ltsc2019)",
        ],
        // The recording's service asks hyperv for legacy-app; the container was made to run 'process'.
        [
            "service-isolation-mismatch",
            "error",
            "task tsk0000000000000000000003 of service legacy-app (declared windows-isolation.isolation='hyperv'): the service spec asks TaskTemplate.ContainerSpec.Isolation 'hyperv' (hyperv) but its container legacy-app.1.tsk0000000000000000000003 on node w2022node01abcdefghijklm got HostConfig.Isolation 'process' (process)",
        ],
    ]);
});
