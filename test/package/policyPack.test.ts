/**
 * How a policy pack is packaged and run: a fresh checkout gets a small fixture pack in `policy/`
 * (a stand-in for the real pack, which lives in its own work), `npm run build` compiles it into
 * build/policy/ with its manifest and a package.json, and the built folder is run the way
 * `pulumi preview --policy-pack` runs one (test/helpers/policyPack.ts). The fixture's rule is not
 * under test; the packaging and the run path are.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { freshCheckout, repositoryRoot } from "../helpers/checkout";
import { RunningPolicyPack, startPolicyPack } from "../helpers/policyPack";

const FIXTURE_PACK = `import { PolicyPack } from "@pulumi/policy";
import { parseTrust } from "../components/windows";

new PolicyPack("windows-isolation-fixture", {
    policies: [{
        name: "fixture-untrusted-requires-hyperv",
        description: "Fixture: untrusted WindowsContainer components must be hyperv isolated.",
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            if (args.type !== "windows-isolation:index:WindowsContainer") return;
            const trust = parseTrust(args.props.trust);
            if (trust.ok && trust.value === "untrusted" && args.props.isolation !== "hyperv") {
                reportViolation(\`untrusted workload with isolation '\${args.props.isolation}'\`);
            }
        },
    }],
});
`;

const version: string = JSON.parse(fs.readFileSync(path.join(repositoryRoot, "package.json"), "utf8")).version;
let checkout: string;
let pack: RunningPolicyPack | undefined;

beforeAll(async () => {
    checkout = freshCheckout("wi-policy-");
    fs.rmSync(path.join(checkout, "policy"), { recursive: true, force: true });
    fs.mkdirSync(path.join(checkout, "policy"));
    fs.writeFileSync(path.join(checkout, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: fixture pack\n");
    fs.writeFileSync(path.join(checkout, "policy", "index.ts"), FIXTURE_PACK);
    execFileSync(process.execPath, [path.join(checkout, "scripts", "build.js")], { cwd: checkout, stdio: "pipe" });
    pack = await startPolicyPack(path.join(checkout, "build", "policy"), path.join(checkout, "node_modules", "@pulumi", "pulumi"));
}, 240_000);

afterAll(() => {
    pack?.stop();
    if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
});

describe("a policy pack built into build/policy", () => {
    test("has its compiled index, its PulumiPolicy.yaml and a package.json at the package version", () => {
        const dir = path.join(checkout, "build", "policy");
        expect(fs.readdirSync(dir).filter((f) => !f.endsWith(".d.ts")).sort()).toEqual(["PulumiPolicy.yaml", "index.js", "package.json"]);
        expect(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")).toBe("runtime: nodejs\ndescription: fixture pack\n");
        expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toEqual({
            name: "windows-isolation-policy",
            version,
            description: "CrossGuard policy pack of windows-isolation",
            private: true,
            main: "index.js",
        });
    });

    test("runs the way --policy-pack runs it: the engine's GetAnalyzerInfo names the pack and its policies", async () => {
        expect(await pack!.info()).toEqual({
            name: "windows-isolation-fixture",
            version,
            policies: [{ name: "fixture-untrusted-requires-hyperv", enforcementLevel: "mandatory" }],
        });
    });

    test("the engine's Analyze gets the pack's diagnostics for a resource", async () => {
        const type = "windows-isolation:index:WindowsContainer";
        expect(await pack!.analyze({ type, name: "job", properties: { trust: "untrusted", isolation: "process" } })).toEqual([
            { policyName: "fixture-untrusted-requires-hyperv", message: expect.stringContaining("untrusted workload with isolation 'process'"), enforcementLevel: "mandatory" },
        ]);
        expect(await pack!.analyze({ type, name: "job", properties: { trust: "untrusted", isolation: "hyperv" } })).toEqual([]);
    });
});
