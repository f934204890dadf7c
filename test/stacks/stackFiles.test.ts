/**
 * The committed stack files, run as `pulumi up` would run them (under mocks): `dev` provisions a
 * ContainerHost on Azure, `onprem` keeps the ExistingDockerHost, `prod` provisions a
 * ContainerHostPool of three. All carry the three workloads.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import { azureMockCalls, azureMockOutputs, MOCK_SWARM_TOKENS } from "../helpers/azureMockOutputs";
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
    const engine = installMocks({ stack, outputs: azureMockOutputs, callResults: azureMockCalls });
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
    // 26 before CI got a client certificate of its own (key, request, certificate).
    expect(names).toHaveLength(29);
    expect(names).toEqual(expect.arrayContaining(["tls:index/locallySignedCert:LocallySignedCert winhost-ci-client-cert"]));
    const rg = engine.resources.find((r) => r.name === "winhost-rg")!;
    expect(rg.inputs).toEqual({ location: "westeurope" });
    const vm = engine.resources.find((r) => r.name === "winhost-vm")!;
    expect(vm.inputs).toMatchObject({ resourceGroupName: "winhost-rg-azure", location: "westeurope", hardwareProfile: { vmSize: "Standard_D4s_v5" } });
    expect(engine.resources.find((r) => r.name === "winhost-nsg")!.inputs.securityRules[0].sourceAddressPrefixes).toEqual(["203.0.113.10/32"]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    for (const name of ["web", "customer-job", "legacy-app"]) {
        const service = engine.resources.find((r) => r.name === `${name}-service`)!;
        expect(service.provider).toMatch(/::winhost-docker::winhost-docker-id$/);
        expect(service.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/::winhost-ready$/)]));
    }
    const plain = engine.resources.flatMap((r) => plainStrings(r.inputs));
    expect(plain.filter((s) => s.includes("PRIVATE-KEY") || s.includes("GENERATED-PASSWORD"))).toEqual([]);
    // The outputs verify --stack-outputs reads: how to reach the engine; the client key only as a secret.
    const out = outputs as Record<string, pulumi.Output<string>>;
    expect(await unwrap(out.dockerEndpoint)).toEqual({ value: "tcp://20.50.60.70:2376", secret: false });
    expect(await unwrap(out.dockerCaPem)).toEqual({ value: "CERT-OF-winhost-ca", secret: false });
    expect(await unwrap(out.dockerCertPem)).toEqual({ value: "CERT-OF-winhost-client-cert", secret: false });
    expect(await unwrap(out.dockerKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-winhost-client-key", secret: true });
    // The CI identity, for CI jobs: its own certificate, its key only as a secret.
    expect(await unwrap(out.ciDockerCertPem)).toEqual({ value: "CERT-OF-winhost-ci-client-cert", secret: false });
    expect(await unwrap(out.ciDockerKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-winhost-ci-client-key", secret: true });
    // What verify --azure-vm stack reads: the VM resource id (the mocks make it <name>-id).
    expect(await unwrap(out.hostVmId)).toEqual({ value: "winhost-vm-id", secret: false });
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

test("prod: a pool of three mixed hosts as one swarm; each workload gets its isolation and placement from the nodes", async () => {
    const { engine, outputs } = await runStack("prod");
    const names = engine.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`);
    expect(names).toEqual(expect.arrayContaining([
        "azure-native:resources:ResourceGroup winpool-rg",
        "windows-isolation:index:ContainerHostPool winpool",
        "azure-native:compute:VirtualMachine winpool-0-vm",
        "azure-native:compute:VirtualMachine winpool-1-vm",
        "azure-native:compute:VirtualMachine winpool-2-vm",
        "azure-native:network:PublicIPAddress winpool-0-pip",
        "azure-native:compute:VirtualMachineRunCommandByVirtualMachine winpool-swarm-nodes",
        "pulumi:providers:docker winpool-docker",
        ...workloads,
    ]));
    // Pool 14 (the CI client certificate's 3 included) + tokens 1 + token key 1 + joins 2 + 3 nodes x 8 + the leader's public IP, a resource group, 6 workload resources.
    expect(names).toHaveLength(14 + 1 + 1 + 2 + 24 + 1 + 1 + 6);
    const vms = engine.ofType("azure-native:compute:VirtualMachine").sort((a, b) => a.name.localeCompare(b.name));
    expect(vms.map((r) => `${r.name} ${r.inputs.storageProfile.imageReference.sku} zone ${r.inputs.zones}`)).toEqual([
        "winpool-0-vm 2022-datacenter-azure-edition zone 1",
        "winpool-1-vm 2025-datacenter-azure-edition zone 2",
        "winpool-2-vm 2025-datacenter-azure-edition zone 3",
    ]);
    expect(outputs.isolation).toEqual({ web: "process", customerJob: "hyperv", legacyApp: "hyperv" });
    const constraints = (name: string) => engine.resources.find((r) => r.name === `${name}-service`)!.inputs.taskSpec.placement.constraints;
    // web (trusted ltsc2022): process isolation on every node (2025 hosts run ltsc2022 images
    // process-isolated: the stable ABI rule); the Hyper-V workloads on any Hyper-V node.
    expect(constraints("web")).toEqual(["node.platform.os==windows"]);
    expect(constraints("customer-job")).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    expect(constraints("legacy-app")).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    expect(engine.resources.find((r) => r.name === "winpool")!.inputs.swarmNodes.map((n: { name: string; osBuild: number }) => `${n.name} ${n.osBuild}`)).toEqual(["winpool-0 20348", "winpool-1 26100", "winpool-2 26100"]);
    const plain = engine.resources.flatMap((r) => plainStrings(r.inputs));
    expect(plain.filter((s) => s.includes("PRIVATE-KEY") || s.includes("GENERATED-PASSWORD") || s.includes(MOCK_SWARM_TOKENS.manager) || s.includes(MOCK_SWARM_TOKENS.worker))).toEqual([]);
    const out = outputs as Record<string, pulumi.Output<unknown>>;
    expect(await unwrap(out.dockerEndpoint)).toEqual({ value: "tcp://20.50.60.70:2376", secret: false });
    expect(await unwrap(out.dockerKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-winpool-client-key", secret: true });
    expect((await unwrap(pulumi.output(out.nodeEndpoints))).value).toEqual({ "winpool-0": "tcp://20.50.60.70:2376", "winpool-1": "tcp://10.40.0.4:2376", "winpool-2": "tcp://10.40.0.4:2376" });
    expect((await unwrap(pulumi.output(out.nodeVmIds))).value).toEqual({ "winpool-0": "winpool-0-vm-id", "winpool-1": "winpool-1-vm-id", "winpool-2": "winpool-2-vm-id" });
    expect(out.hostVmId).toBeUndefined();
});

test("prod: poolHosts that is not a list of objects is refused by the stack config reader", async () => {
    await expect(runStack("prod", { "windows-isolation:poolHosts": JSON.stringify(["ltsc2022"]) })).rejects.toThrow(/stack config windows-isolation:poolHosts = \["ltsc2022"\]: must be a list of \{ windowsVersion, vmSize\?, zone\? \}/);
});

test("prod: a host release the pool does not know is refused by the component", async () => {
    await expect(runStack("prod", { "windows-isolation:poolHosts": JSON.stringify([{ windowsVersion: "ltsc2019" }]) })).rejects.toThrow(/ContainerHostPool 'winpool': hosts\[0\]\.windowsVersion 'ltsc2019' is not a Windows Server release/);
});

test("an ExistingDockerHost swarm you run, from config: swarmNodes on the existing host kind", async () => {
    const nodes = [{ name: "win-0", osBuild: 20348, hypervCapable: true }, { name: "win-2", osBuild: 26100, hypervCapable: false }];
    const { engine } = await runStack("onprem", { "windows-isolation:swarmNodes": JSON.stringify(nodes) });
    const constraints = (name: string) => engine.resources.find((r) => r.name === `${name}-service`)!.inputs.taskSpec.placement.constraints;
    expect(constraints("customer-job")).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
    expect(engine.resources.find((r) => r.name === "winhost")!.inputs.swarmNodes).toEqual(nodes);
    await expect(runStack("onprem", { "windows-isolation:swarmNodes": JSON.stringify(["win-0"]) })).rejects.toThrow(/stack config windows-isolation:swarmNodes = \["win-0"\]: must be a list of/);
});
