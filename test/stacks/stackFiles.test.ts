/**
 * The committed stack files, run as `pulumi up` would run them (under mocks): `dev` provisions a
 * ContainerHost on Azure, `onprem` keeps the ExistingDockerHost. Both carry the three workloads.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import { azureMockOutputs } from "../helpers/azureMockOutputs";
import { installMocks, plainStrings, unwrap } from "../helpers/pulumiMocks";

/** A Pulumi.<stack>.yaml as the CLI hands it to the program: strings, JSON for structured values, secrets marked. */
function stackConfig(stack: string): { config: Record<string, string>; secretKeys: string[] } {
    const file = load(readFileSync(join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(file.config)) {
        if (value && typeof value === "object" && "secure" in value) {
            config[key] = `SECRET-VALUE-OF-${key}`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

async function runStack(stack: string, override: Record<string, string> = {}, remove: string[] = []) {
    const engine = installMocks({ stack, outputs: azureMockOutputs });
    const { config, secretKeys } = stackConfig(stack);
    const merged: Record<string, string> = { ...config, ...override };
    for (const key of remove) delete merged[key];
    pulumi.runtime.setAllConfig(merged, secretKeys);
    let outputs: Record<string, unknown> = {};
    let failure: unknown;
    await jest.isolateModulesAsync(async () => {
        outputs = await import("../../stacks").catch((e: unknown) => {
            failure = e;
            return {};
        });
    });
    await engine.settle();
    if (failure) throw failure;
    return { engine, outputs };
}

const workloads = [
    "docker:index/service:Service customer-job-service",
    "docker:index/service:Service legacy-app-service",
    "docker:index/service:Service web-service",
    "windows-isolation:index:WindowsContainer customer-job",
    "windows-isolation:index:WindowsContainer legacy-app",
    "windows-isolation:index:WindowsContainer web",
];

test("dev: a resource group, a ContainerHost reachable from the listed client only, and the three workloads", async () => {
    const { engine, outputs } = await runStack("dev");
    const names = engine.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`);
    expect(names).toEqual(expect.arrayContaining([
        "azure-native:resources:ResourceGroup winhost-rg",
        "windows-isolation:index:ContainerHost winhost",
        "azure-native:compute:VirtualMachine winhost-vm",
        "azure-native:network:PublicIPAddress winhost-pip",
        "pulumi:providers:docker winhost-docker",
        ...workloads,
    ]));
    expect(names.filter((n) => n.includes("ExistingDockerHost"))).toEqual([]);
    expect(names).toHaveLength(26);
    const rg = engine.resources.find((r) => r.name === "winhost-rg")!;
    expect(rg.inputs).toEqual({ location: "westeurope" });
    const vm = engine.resources.find((r) => r.name === "winhost-vm")!;
    expect(vm.inputs).toMatchObject({ resourceGroupName: "winhost-rg-azure", location: "westeurope", hardwareProfile: { vmSize: "Standard_D4s_v5" } });
    expect(engine.resources.find((r) => r.name === "winhost-nsg")!.inputs.securityRules[0].sourceAddressPrefixes).toEqual(["203.0.113.10/32"]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    for (const name of ["web", "customer-job", "legacy-app"]) {
        const service = engine.resources.find((r) => r.name === `${name}-service`)!;
        expect(service.provider).toMatch(/::winhost-docker::winhost-docker-id$/);
        expect(service.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/::winhost-wait-ready$/)]));
    }
    const plain = engine.resources.flatMap((r) => plainStrings(r.inputs));
    expect(plain.filter((s) => s.includes("PRIVATE-KEY") || s.includes("GENERATED-PASSWORD"))).toEqual([]);
    // The outputs verify --stack-outputs reads: how to reach the engine; the client key only as a secret.
    const out = outputs as Record<string, pulumi.Output<string>>;
    expect(await unwrap(out.dockerEndpoint)).toEqual({ value: "tcp://20.50.60.70:2376", secret: false });
    expect(await unwrap(out.dockerCaPem)).toEqual({ value: "CERT-OF-winhost-ca", secret: false });
    expect(await unwrap(out.dockerCertPem)).toEqual({ value: "CERT-OF-winhost-client-cert", secret: false });
    expect(await unwrap(out.dockerKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-winhost-client-key", secret: true });
});

test("dev with an existing resource group and no client ranges: no resource group, no public IP, private endpoint", async () => {
    const { engine } = await runStack("dev", { "windows-isolation:azureResourceGroup": "rg-existing" }, ["windows-isolation:allowedClientCidrs"]);
    expect(engine.ofType("azure-native:resources:ResourceGroup")).toEqual([]);
    expect(engine.ofType("azure-native:network:PublicIPAddress")).toEqual([]);
    expect(engine.resources.find((r) => r.name === "winhost-vm")!.inputs.resourceGroupName).toBe("rg-existing");
    expect(engine.resources.find((r) => r.name === "winhost-docker")!.inputs.host).toBe("tcp://10.40.0.4:2376");
});

test("dev: an empty client list is refused (a public endpoint nobody may reach)", async () => {
    await expect(runStack("dev", { "windows-isolation:allowedClientCidrs": "[]" })).rejects.toThrow(/publicEndpoint\.allowedClientCidrs is empty/);
});

test("dev: a client range of 0.0.0.0/0 in config stops the program with the component's message", async () => {
    await expect(runStack("dev", { "windows-isolation:allowedClientCidrs": JSON.stringify(["0.0.0.0/0"]) })).rejects.toThrow(
        /ContainerHost 'winhost': publicEndpoint\.allowedClientCidrs contains '0\.0\.0\.0\/0'/,
    );
});

test("dev: an unknown windowsVersion in config is refused by the component", async () => {
    await expect(runStack("dev", { "windows-isolation:windowsVersion": "ltsc2019" })).rejects.toThrow(/windowsVersion 'ltsc2019' is not a Windows Server release ContainerHost knows/);
});

test("onprem: today's ExistingDockerHost with secret TLS material, and the three workloads", async () => {
    const { engine, outputs } = await runStack("onprem");
    expect(engine.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`).sort()).toEqual([
        ...workloads.slice(0, 3),
        "pulumi:providers:docker winhost-docker",
        "windows-isolation:index:ExistingDockerHost winhost",
        ...workloads.slice(3),
    ]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    expect(engine.resources.find((r) => r.name === "winhost-docker")!.inputs.host).toBe("tcp://winhost.corp.example:2376");
    expect(engine.resources.flatMap((r) => plainStrings(r.inputs)).filter((s) => s.startsWith("SECRET-VALUE-OF-"))).toEqual([]);
});

test("onprem: an isolation from config that the rules refuse stops the program with the component's message", async () => {
    await expect(runStack("onprem", { "windows-isolation:isolation": JSON.stringify({ "customer-job": "process" }) })).rejects.toThrow(
        /WindowsContainer 'customer-job': trust 'untrusted' requires isolation 'hyperv', got 'process'/,
    );
});

test("onprem: 'default' isolation from config is refused", async () => {
    await expect(runStack("onprem", { "windows-isolation:isolation": JSON.stringify({ web: "default" }) })).rejects.toThrow(
        /WindowsContainer 'web': isolation 'default' hands the choice to the Docker daemon/,
    );
});

test("onprem: a non-numeric host build in config is a config error naming the key", async () => {
    await expect(runStack("onprem", { "windows-isolation:hostOsBuild": "ltsc2022" })).rejects.toThrow(
        'stack config windows-isolation:hostOsBuild = "ltsc2022": must be a whole number',
    );
});

test("prod: a swarm of three mixed nodes; each workload gets its isolation and placement from the nodes", async () => {
    const { engine, outputs } = await runStack("prod");
    expect(engine.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`).sort()).toEqual([
        ...workloads.slice(0, 3),
        "pulumi:providers:docker winhost-docker",
        "windows-isolation:index:ExistingDockerHost winhost",
        ...workloads.slice(3),
    ]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    const constraints = (name: string) => engine.resources.find((r) => r.name === `${name}-service`)!.inputs.taskSpec.placement.constraints;
    // web (trusted ltsc2022): process isolation on every node; the Hyper-V workloads stay off win-2.
    expect(constraints("web")).toEqual(["node.platform.os==windows"]);
    expect(constraints("customer-job")).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    expect(constraints("legacy-app")).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    expect(engine.resources.find((r) => r.name === "winhost")!.inputs.swarmNodes.map((n: { name: string }) => n.name)).toEqual(["win-0", "win-1", "win-2"]);
    expect(engine.resources.flatMap((r) => plainStrings(r.inputs)).filter((s) => s.startsWith("SECRET-VALUE-OF-"))).toEqual([]);
});

test("prod: swarmNodes that is not a list of objects is refused by the stack config reader", async () => {
    await expect(runStack("prod", { "windows-isolation:swarmNodes": JSON.stringify(["win-0"]) })).rejects.toThrow(/stack config windows-isolation:swarmNodes = \["win-0"\]: must be a list of/);
});
