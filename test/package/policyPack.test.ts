/**
 * The real policy pack as the npm package ships it: `npm run build` compiles `policy/` into
 * build/policy/ with its manifest and a package.json (the unit project's global setup rebuilds
 * build/ from an empty folder whenever a source changed), and that folder is started the way
 * `pulumi preview --policy-pack <dir>` starts one (run-policy-pack, gRPC on 127.0.0.1).
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzerClient } from "../../review/analyzer/client";
import { RunningPack, startPolicyPack } from "../../review/analyzer/packServer";
import { BUILT_POLICY_PACK, ROOT as repositoryRoot } from "../helpers/build/builtTools";
import { resource } from "../helpers/policyPack";

const version: string = JSON.parse(fs.readFileSync(path.join(repositoryRoot, "package.json"), "utf8")).version;
let pack: RunningPack | undefined;
let client: AnalyzerClient | undefined;

beforeAll(async () => {
    pack = await startPolicyPack(BUILT_POLICY_PACK);
    client = new AnalyzerClient(pack.port);
}, 240_000);

afterAll(async () => {
    client?.close();
    await pack?.stop();
});

describe("the policy pack built into build/policy", () => {
    test("has its compiled index, its PulumiPolicy.yaml and a package.json at the package version", () => {
        const dir = BUILT_POLICY_PACK;
        expect(fs.existsSync(path.join(dir, "index.js"))).toBe(true);
        expect(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")).toBe(fs.readFileSync(path.join(repositoryRoot, "policy", "PulumiPolicy.yaml"), "utf8"));
        expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({ version, main: "index.js" });
        // `npm run plan` from the repository reads the source pack's manifest: same version.
        expect(JSON.parse(fs.readFileSync(path.join(repositoryRoot, "policy", "package.json"), "utf8")).version).toBe(version);
    });

    test("GetAnalyzerInfo lists the eight policies of the public contract with their levels", async () => {
        const info = await client!.getAnalyzerInfo();
        expect(info.version).toBe(version);
        expect(info.policies.map((p) => [p.name, p.enforcementLevel]).sort()).toEqual([
            ["docker-api-tls-only", "mandatory"],
            ["hyperv-host-nested-virtualization", "mandatory"],
            ["image-host-compatibility", "mandatory"],
            ["pinned-image", "advisory"],
        ["trusted-images", "mandatory"],
            ["untrusted-no-host-access", "mandatory"],
            ["untrusted-requires-hyperv", "mandatory"],
            ["workload-matches-component", "mandatory"],
        ]);
    });

    test("Analyze of an untrusted WindowsContainer declared with process isolation is a violation; hyperv is not", async () => {
        const info = await client!.getAnalyzerInfo();
        await client!.configure({}, info);
        const summary = { host: "h", image: "mcr.microsoft.com/windows/servercore:ltsc2022", trust: "untrusted", requestedIsolation: "process", isolation: "process", imageOsBuild: 20348, hostOsBuild: 20348, hostHypervCapable: true, replicas: 1 };
        const bad = await client!.analyze(resource("windows-isolation:index:WindowsContainer", "job", summary), new Map());
        expect(bad.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([["untrusted-requires-hyperv", "mandatory"]]);
        const good = await client!.analyze(resource("windows-isolation:index:WindowsContainer", "job", { ...summary, requestedIsolation: null, isolation: "hyperv" }), new Map());
        expect(good.diagnostics).toEqual([]);
    });
});
