import * as pulumi from "@pulumi/pulumi";
import { installMocks, plainStrings } from "../helpers/pulumiMocks";

/** Runs the example program under mocks with the given stack config (as `pulumi up` would hand it). */
async function runProgram(config: Record<string, string>, secretKeys: string[] = []) {
    const engine = installMocks({ stack: "dev" });
    pulumi.runtime.setAllConfig(config, secretKeys);
    let outputs: Record<string, unknown> = {};
    let failure: unknown;
    await jest.isolateModulesAsync(async () => {
        outputs = await import("../../stacks").catch((e: unknown) => {
            failure = e;
            return {};
        });
    });
    // Let registrations already in flight finish before the next test replaces the mocks.
    await engine.settle();
    if (failure) throw failure;
    return { engine, outputs };
}

const devConfig = {
    "windows-isolation:dockerEndpoint": "tcp://winhost.corp.example:2376",
    "windows-isolation:hostOsBuild": "20348",
    "windows-isolation:hostHypervCapable": "true",
    "windows-isolation:hostCpuCount": "8",
    "windows-isolation:dockerCaPem": "ca-placeholder",
    "windows-isolation:dockerCertPem": "cert-placeholder",
    "windows-isolation:dockerKeyPem": "key-placeholder",
};
const secrets = ["windows-isolation:dockerCaPem", "windows-isolation:dockerCertPem", "windows-isolation:dockerKeyPem"];

test("the example stack declares one host and three workloads with the expected isolation", async () => {
    const { engine, outputs } = await runProgram(devConfig, secrets);
    expect(engine.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`).sort()).toEqual([
        "docker:index/service:Service customer-job-service",
        "docker:index/service:Service legacy-app-service",
        "docker:index/service:Service web-service",
        "pulumi:providers:docker winhost-docker",
        "windows-isolation:index:ExistingDockerHost winhost",
        "windows-isolation:index:WindowsContainer customer-job",
        "windows-isolation:index:WindowsContainer legacy-app",
        "windows-isolation:index:WindowsContainer web",
    ]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    const isolationOf = (name: string) => engine.resources.find((r) => r.name === `${name}-service`)!.inputs.taskSpec.containerSpec.isolation;
    expect([isolationOf("web"), isolationOf("customer-job"), isolationOf("legacy-app")]).toEqual(["process", "hyperv", "hyperv"]);
    expect(engine.resources.flatMap((r) => plainStrings(r.inputs))).not.toContain("key-placeholder");
});

test("an isolation from config that the rules refuse stops the program with the component's message", async () => {
    await expect(runProgram({ ...devConfig, "windows-isolation:isolation": JSON.stringify({ "customer-job": "process" }) }, secrets)).rejects.toThrow(
        /WindowsContainer 'customer-job': trust 'untrusted' requires isolation 'hyperv', got 'process'/,
    );
});

test("'default' from config is refused", async () => {
    await expect(runProgram({ ...devConfig, "windows-isolation:isolation": JSON.stringify({ web: "default" }) }, secrets)).rejects.toThrow(
        /WindowsContainer 'web': isolation 'default' hands the choice to the Docker daemon/,
    );
});

test("a non-numeric host build in config is a config error naming the key", async () => {
    await expect(runProgram({ ...devConfig, "windows-isolation:hostOsBuild": "ltsc2022" }, secrets)).rejects.toThrow(
        'stack config windows-isolation:hostOsBuild = "ltsc2022": must be a whole number',
    );
});
