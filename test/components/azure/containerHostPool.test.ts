import * as pulumi from "@pulumi/pulumi";
import { installMocks, plainStrings, RecordedResource, secretValue, unwrap } from "../../helpers/pulumiMocks";
import { azureMockCalls, azureMockOutputs, MOCK_SWARM_TOKENS, MOCK_TOKEN_KEY } from "../../helpers/azureMockOutputs";

// The test checks these never appear plain.
const MANAGER_TOKEN = MOCK_SWARM_TOKENS.manager;
const WORKER_TOKEN = MOCK_SWARM_TOKENS.worker;
const calls: pulumi.runtime.MockCallArgs[] = [];

// What Azure would compute: a private IP per NIC (pool-<i>-nic gets 10.40.0.<10+i>), and the
// token Run Command's output in its instance view.
const engine = installMocks({
    outputs: (a) => {
        const m = /-(\d+)-nic$/.exec(a.name);
        if (a.type === "azure-native:network:NetworkInterface" && m) {
            return { ipConfigurations: [{ ...a.inputs.ipConfigurations[0], privateIPAddress: `10.40.0.${10 + Number(m[1])}` }] };
        }
        if (a.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine") return { name: `${a.name}-azure` };
        return azureMockOutputs(a);
    },
    callResults: (a) => {
        calls.push(a);
        return azureMockCalls(a);
    },
});

import fc from "fast-check";
import * as fs from "fs";
import { ContainerHostPool, ContainerHostPoolArgs, poolComputerName, poolSecurityRules, validateContainerHostPoolArgs, WindowsContainer } from "../../../components";
import { AZURE_USER_DATA_LIMIT, bootstrapScript, tokenRecipient } from "../../../components/azure/bootstrap";
import { CI_CLIENT_CN, DEPLOYER_CLIENT_CN } from "../../../components/azure/containerHostPki";
import { GUARD_BUNDLE_FILE } from "../../../components/azure/guardBundle";
import { decide } from "../../../review/guard/decide";
import { parseSettings } from "../../../review/guard/settings";
import { userDataFiles } from "../../helpers/userDataFiles";
import { withoutGuardBundle } from "../../helpers/withoutGuardBundle";
import { CONTAINER_HOST_TAG, exposedManagementPorts, isInternetSource, SWARM_PORTS } from "../../../rules";

const base: ContainerHostPoolArgs = { resourceGroupName: "rg-pool", location: "westeurope", count: 3, windowsVersion: "ltsc2022" };
const SECRETS = [MANAGER_TOKEN, WORKER_TOKEN, "GENERATED-PASSWORD-1a!", "PRIVATE-KEY-OF-", "PRIVATE KEY"];
const RC = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
    calls.length = 0;
});

const byName = (name: string): RecordedResource => {
    const found = engine.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have ${engine.resources.map((r) => r.name).join(", ")}`);
    return found;
};
const urnOf = (name: string) => expect.stringMatching(new RegExp(`::${name}$`));
const param = (r: RecordedResource, name: string) => r.inputs.parameters.find((p: { name: string }) => p.name === name)?.value;
const settingsOf = (vm: RecordedResource) => JSON.parse(userDataFiles(vm.inputs.userData).get("settings.json")!);

/** The resources one pool node has, by ContainerHost's recipe. */
const nodeResources = (pool: string, i: number) => [
    `azure-native:compute:VirtualMachine ${pool}-${i}-vm`,
    `azure-native:compute:VirtualMachineExtension ${pool}-${i}-bootstrap`,
    `pulumi-nodejs:dynamic/windows-isolation:HostReadiness ${pool}-${i}-ready`,
    `azure-native:network:NetworkInterface ${pool}-${i}-nic`,
    `random:index/randomPassword:RandomPassword ${pool}-${i}-admin-password`,
    `tls:index/certRequest:CertRequest ${pool}-${i}-server-csr`,
    `tls:index/locallySignedCert:LocallySignedCert ${pool}-${i}-server-cert`,
    `tls:index/privateKey:PrivateKey ${pool}-${i}-server-key`,
];
const poolResources = (pool: string) => [
    `azure-native:network:NetworkSecurityGroup ${pool}-nsg`,
    `azure-native:network:Subnet ${pool}-subnet`,
    `azure-native:network:VirtualNetwork ${pool}-vnet`,
    `pulumi:providers:docker ${pool}-docker`,
    `${RC} ${pool}-swarm-nodes`,
    `tls:index/certRequest:CertRequest ${pool}-client-csr`,
    `tls:index/locallySignedCert:LocallySignedCert ${pool}-client-cert`,
    `tls:index/privateKey:PrivateKey ${pool}-ca-key`,
    `tls:index/privateKey:PrivateKey ${pool}-client-key`,
    `tls:index/certRequest:CertRequest ${pool}-ci-client-csr`,
    `tls:index/locallySignedCert:LocallySignedCert ${pool}-ci-client-cert`,
    `tls:index/privateKey:PrivateKey ${pool}-ci-client-key`,
    `tls:index/selfSignedCert:SelfSignedCert ${pool}-ca`,
    `windows-isolation:index:ContainerHostPool ${pool}`,
];

describe.each([
    { count: 1, managers: ["p1-0"], workers: [] as string[], zones: ["1"] },
    { count: 3, managers: ["p3-0", "p3-1", "p3-2"], workers: [], zones: ["1", "2", "3"] },
    { count: 5, managers: ["p5-0", "p5-1", "p5-2"], workers: ["p5-3", "p5-4"], zones: ["1", "2", "3", "1", "2"] },
])("a pool of $count", ({ count, managers, workers, zones }) => {
    const name = `p${count}`;
    let pool: ContainerHostPool;
    let declared: RecordedResource[];
    let declaredCalls: pulumi.runtime.MockCallArgs[];
    // One pool for the block's tests, which only read what it declared (and invoked): each test
    // gets those lists back. Building a pool is this file's main cost, so the three here serve
    // every test that needs no other arguments.
    beforeAll(async () => {
        await engine.settle();
        engine.resources.length = 0;
        calls.length = 0;
        pool = new ContainerHostPool(name, { ...base, count });
        await engine.settle();
        declared = [...engine.resources];
        declaredCalls = [...calls];
    });
    beforeEach(() => {
        engine.resources.splice(0, engine.resources.length, ...declared);
        calls.splice(0, calls.length, ...declaredCalls);
    });

    test("declares exactly these resources", () => {
        const joins = Array.from({ length: count - 1 }, (_, i) => `${RC} ${name}-${i + 1}-swarm-join`);
        const tokens = count > 1 ? [`${RC} ${name}-swarm-tokens`, `tls:index/privateKey:PrivateKey ${name}-swarm-token-key`] : [];
        const expected = [...poolResources(name), ...tokens, ...joins, ...Array.from({ length: count }, (_, i) => nodeResources(name, i)).flat()];
        expect(engine.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(expected.sort());
        expect(engine.resources).toHaveLength(14 + 8 * count + (count > 1 ? count + 1 : 0));
    });

    test("managers 1 or 3, the first node inits, the rest join with the right token kind", () => {
        expect(pool.nodes.map((n) => n.name)).toEqual(Array.from({ length: count }, (_, i) => `${name}-${i}`));
        expect(pool.nodes.map((n) => n.role)).toEqual(pool.nodes.map((n) => (n.name === `${name}-0` ? "init" : managers.includes(n.name) ? "manager" : "worker")));
        expect(pool.nodes.filter((n) => n.role !== "worker").map((n) => n.name)).toEqual(managers);
        expect(pool.nodes.filter((n) => n.role === "worker").map((n) => n.name)).toEqual(workers);
        for (let i = 1; i < count; i++) {
            const join = byName(`${name}-${i}-swarm-join`);
            expect(param(join, "Role")).toBe(managers.includes(`${name}-${i}`) ? "manager" : "worker");
            expect(param(join, "ManagerAddress")).toBe("10.40.0.10");
            expect(join.inputs.vmName).toBe(`${name}-${i}-vm-azure`);
            expect(join.inputs.source).toEqual({ script: bootstrapScript("swarm-join.ps1") });
            expect(join.inputs).toMatchObject({ asyncExecution: false, timeoutInSeconds: 600, treatFailureAsDeploymentFailure: true });
        }
    });

    test("each node's phase 2 settings: node 0 inits, the others wait to be joined; swarm ports to the pool subnet", () => {
        for (let i = 0; i < count; i++) {
            const s = settingsOf(byName(`${name}-${i}-vm`));
            expect(s.swarmRole).toBe(i === 0 ? "init" : "join");
            expect(s.swarmSubnet).toBe("10.40.0.0/24");
            expect(s.swarmPorts).toEqual([{ port: 2377, protocol: "TCP" }, { port: 7946, protocol: "TCP" }, { port: 7946, protocol: "UDP" }, { port: 4789, protocol: "UDP" }]);
        }
    });

    test("every node installs the guard: the built bundle, settings trusting exactly the deployer, daemon.json naming the plugin; joining nodes may join from the local pipe only", () => {
        const bundle = fs.readFileSync(GUARD_BUNDLE_FILE, "utf8").replace(/\n$/, "");
        for (let i = 0; i < count; i++) {
            const userData: string = byName(`${name}-${i}-vm`).inputs.userData;
            const files = userDataFiles(userData);
            expect(files.get("guard.js")).toBe(bundle);
            expect(JSON.parse(files.get("daemon.json")!)["authorization-plugins"]).toEqual(["windows-isolation-guard"]);
            expect(files.get("guard.spec")).toBe("npipe:////./pipe/windows-isolation-guard");
            expect(JSON.parse(files.get("guard-settings.json")!)).toMatchObject({
                daemonDefaultIsolation: "hyperv", trustedIdentities: [DEPLOYER_CLIENT_CN], localTrusted: false, allowSwarmJoin: false, allowLocalSwarmJoin: i > 0,
            });
            // Azure's documented user data limit, held on every node (a joining node's settings are the longest).
            expect(userData.length).toBeLessThan(AZURE_USER_DATA_LIMIT);
        }
    });

    test("each node's guard admits the pool's swarm-join (run through the local pipe) on joining nodes only, and never a join or trusted work from the CI certificate", () => {
        const settingsOfNode = (i: number) => {
            const parsed = parseSettings(JSON.parse(userDataFiles(byName(`${name}-${i}-vm`).inputs.userData).get("guard-settings.json")!));
            if (!parsed.ok) throw new Error(parsed.problems.join("; "));
            return parsed.settings;
        };
        const join = (user: string, authNMethod: string) => ({ method: "POST", uri: "/v1.47/swarm/join", user, authNMethod, body: Buffer.from(JSON.stringify({ RemoteAddrs: ["10.40.0.10:2377"] })) });
        // swarm-join.ps1 runs docker.exe on the node through the named pipe: no TLS identity (its Pester suite asserts the call).
        expect(bootstrapScript("swarm-join.ps1")).toContain("$LocalEngine = @('-H', 'npipe:////./pipe/docker_engine')");
        for (let i = 0; i < count; i++) {
            // The leader inits the swarm and never joins one.
            expect(decide(join("", ""), settingsOfNode(i))).toMatchObject(i === 0 ? { allow: false, findings: [{ rule: "guard-not-allowed" }] } : { allow: true });
            for (const cn of [CI_CLIENT_CN, DEPLOYER_CLIENT_CN]) expect(decide(join(cn, "TLS"), settingsOfNode(i))).toMatchObject({ allow: false, findings: [{ rule: "guard-not-allowed" }] });
        }
        const trustedProcess = (user: string) => decide({ method: "POST", uri: "/services/create", user, authNMethod: "TLS",
            body: Buffer.from(JSON.stringify({ Name: "web", Labels: { "windows-isolation.trust": "trusted" }, TaskTemplate: { ContainerSpec: { Image: "x", Isolation: "process" } } })) }, settingsOfNode(0));
        expect(trustedProcess(DEPLOYER_CLIENT_CN)).toEqual({ allow: true });
        expect(trustedProcess(CI_CLIENT_CN)).toMatchObject({ allow: false, findings: [{ rule: "trusted-identity" }] });
    });

    test("the join tokens are read from the leader's token command with $expand=instanceView and reach each join only as a secret, its role's token", () => {
        const invoke = calls.filter((c) => c.token === "azure-native:compute:getVirtualMachineRunCommandByVirtualMachine");
        if (count === 1) {
            // Nobody joins a pool of one: no token key, command or read.
            expect(invoke).toEqual([]);
            expect(engine.resources.filter((r) => /swarm-token/.test(r.name))).toEqual([]);
            return;
        }
        expect(invoke).toHaveLength(1);
        expect(invoke[0].inputs).toEqual({ resourceGroupName: "rg-pool", vmName: `${name}-0-vm-azure`, runCommandName: `${name}-swarm-tokens-azure`, expand: "instanceView" });
        const tokens = byName(`${name}-swarm-tokens`);
        expect(tokens.inputs.source).toEqual({ script: bootstrapScript("swarm-tokens.ps1") });
        expect(tokens.dependencies).toEqual(expect.arrayContaining([urnOf(`${name}-0-ready`)]));
        // swarm-nodes rotates the tokens after the joins: a new set of joining nodes must run this command again.
        // The tokens come back encrypted to the pool's token key: its public half is a plain parameter.
        expect(tokens.inputs.parameters).toEqual([
            { name: "JoinSet", value: Array.from({ length: count - 1 }, (_, i) => `${name}-${i + 1}`).join(",") },
            { name: "RecipientModulus", value: tokenRecipient(MOCK_TOKEN_KEY.publicKeyPem).modulus },
            { name: "RecipientExponent", value: "AQAB" },
        ]);
        expect(byName(`${name}-swarm-token-key`).inputs).toEqual({ algorithm: "RSA", rsaBits: 3072 });
        for (let i = 1; i < count; i++) {
            const token = managers.includes(`${name}-${i}`) ? MANAGER_TOKEN : WORKER_TOKEN;
            expect(byName(`${name}-${i}-swarm-join`).inputs.protectedParameters).toEqual(secretValue([{ name: "JoinToken", value: token }]));
        }
    });

    test("managers join one at a time, workers after the last manager", () => {
        const lastManager = managers.length - 1;
        for (let i = 1; i < count; i++) {
            const deps = byName(`${name}-${i}-swarm-join`).dependencies;
            expect(deps).toEqual(expect.arrayContaining([urnOf(`${name}-${i}-ready`), urnOf(`${name}-swarm-tokens`)]));
            const joinsBefore = [...new Set(deps.filter((d) => /swarm-join$/.test(d)).map((d) => d.split("::").pop()))];
            const expected = managers.includes(`${name}-${i}`) ? (i === 1 ? [] : [`${name}-${i - 1}-swarm-join`]) : [`${name}-${lastManager}-swarm-join`];
            expect(joinsBefore).toEqual(expected);
        }
    });

    test("the NSG: swarm ports between pool nodes only, deny from anywhere else, management denied from the Internet", () => {
        const rules = byName(`${name}-nsg`).inputs.securityRules;
        expect(rules.map((r: { name: string; priority: number; access: string; protocol: string; sourceAddressPrefix?: string; destinationPortRange?: string }) =>
            `${r.priority} ${r.access} ${r.protocol} ${r.sourceAddressPrefix} ${r.destinationPortRange ?? ""}`)).toEqual([
            "200 Allow Tcp 10.40.0.0/24 2377",
            "201 Allow Tcp 10.40.0.0/24 7946",
            "202 Allow Udp 10.40.0.0/24 7946",
            "203 Allow Udp 10.40.0.0/24 4789",
            "300 Deny Tcp * 2377",
            "301 Deny Tcp * 7946",
            "302 Deny Udp * 7946",
            "303 Deny Udp * 4789",
            "4000 Deny Tcp Internet ",
        ]);
        expect(rules.filter((r: { access: string }) => r.access === "Allow").every((r: { destinationAddressPrefix: string }) => r.destinationAddressPrefix === "10.40.0.0/24")).toBe(true);
        for (let i = 0; i < count; i++) expect(byName(`${name}-${i}-nic`).inputs.networkSecurityGroup).toEqual({ id: `${name}-nsg-id` });
    });

    test("the outputs keep the client keys and node passwords secret", async () => {
        expect(await unwrap(pool.clientKeyPem)).toEqual({ value: `PRIVATE-KEY-OF-${name}-client-key`, secret: true });
        expect(await unwrap(pool.ciClientKeyPem)).toEqual({ value: `PRIVATE-KEY-OF-${name}-ci-client-key`, secret: true });
        expect(await unwrap(pool.ciClientCertPem)).toEqual({ value: `CERT-OF-${name}-ci-client-cert`, secret: false });
        expect(await unwrap(pool.caCertPem)).toEqual({ value: `CERT-OF-${name}-ca`, secret: false });
        for (let i = 0; i < count; i++) {
            expect((await unwrap(pool.nodes[i].adminPassword)).secret).toBe(true);
            expect(await unwrap(pool.nodes[i].dockerEndpoint)).toEqual({ value: `tcp://10.40.0.${10 + i}:2376`, secret: false });
        }
    });

    test("zones round robin, so the three managers sit in three zones", () => {
        expect(pool.nodes.map((n) => n.zone)).toEqual(zones);
        expect(Array.from({ length: count }, (_, i) => byName(`${name}-${i}-vm`).inputs.zones)).toEqual(zones.map((z) => [z]));
    });

    test("the leader labels every node with its build and Hyper-V capability, gives it its role and rotates the tokens: beside the joins, so it also runs when a join fails", () => {
        const labels = byName(`${name}-swarm-nodes`);
        expect(labels.inputs.vmName).toBe(`${name}-0-vm-azure`);
        expect(labels.inputs.source).toEqual({ script: bootstrapScript("swarm-nodes.ps1") });
        expect(JSON.parse(Buffer.from(param(labels, "Nodes"), "base64").toString("utf8"))).toEqual(
            Array.from({ length: count }, (_, i) => ({ hostname: `${name}-${i}`, role: managers.includes(`${name}-${i}`) ? "manager" : "worker", labels: { "windows-isolation.os-build": "20348", "windows-isolation.hyperv": "true" } })));
        const readyUrns = Array.from({ length: count }, (_, i) => urnOf(`${name}-${i}-ready`));
        expect(labels.dependencies).toEqual(expect.arrayContaining([...readyUrns, ...(count > 1 ? [urnOf(`${name}-swarm-tokens`)] : [])]));
        expect(labels.dependencies.some((d) => /swarm-join$/.test(d))).toBe(false);
        // Long enough for every wave of joins (managers one by one, then the workers), inside Run Command's 90 minutes.
        const waves = managers.length - 1 + (workers.length > 0 ? 1 : 0);
        expect(param(labels, "TimeoutSeconds")).toBe(String(600 * waves + 60));
        expect(labels.inputs.timeoutInSeconds).toBeLessThanOrEqual(5400);
        expect(byName(`${name}-docker`).dependencies).toEqual(expect.arrayContaining([urnOf(`${name}-swarm-nodes`)]));
        expect(pool.readyResources).toHaveLength(1);
    });

    test("the provider points at the leader with the deployer's client certificate (the guard's trusted identity); every node's certificate comes from the pool CA", () => {
        expect(byName(`${name}-docker`).inputs.host).toBe("tcp://10.40.0.10:2376");
        expect(byName(`${name}-docker`).inputs.certMaterial).toBe(`CERT-OF-${name}-client-cert`);
        expect(byName(`${name}-client-csr`).inputs.subject).toEqual({ commonName: DEPLOYER_CLIENT_CN, organization: "windows-isolation" });
        expect(byName(`${name}-ci-client-csr`).inputs.subject).toEqual({ commonName: CI_CLIENT_CN, organization: "windows-isolation" });
        for (let i = 0; i < count; i++) {
            expect(byName(`${name}-${i}-server-cert`).inputs.caCertPem).toBe(`CERT-OF-${name}-ca`);
            expect(byName(`${name}-${i}-server-csr`).inputs.ipAddresses).toEqual([`10.40.0.${10 + i}`]);
        }
    });

    test("the host interface: swarm nodes with capacity from the VM size, leader facts", () => {
        expect([pool.hostName, pool.osBuild, pool.hypervCapable, pool.cpuCount]).toEqual([name, 20348, true, 4]);
        expect(pool.swarmNodes()).toEqual(Array.from({ length: count }, (_, i) => ({ name: `${name}-${i}`, osBuild: 20348, hypervCapable: true, cpuCount: 4, memoryMb: 16384 })));
        expect(pool.swarmCapacity()).toEqual({ options: { allowOvercommit: undefined, hypervOverheadMb: undefined }, demands: [] });
    });

    test("no secret appears in any plain input: tokens, passwords and keys", () => {
        const plain = engine.resources.flatMap((r) => plainStrings(r.inputs));
        for (const secret of SECRETS) expect(plain.filter((s) => s.includes(secret))).toEqual([]);
    });
});

test("without the built guard bundle: an error naming the file and `npm run build`, and no child resource", async () => {
    withoutGuardBundle(() => {
        expect(() => new ContainerHostPool("nob", base)).toThrow(`ContainerHostPool 'nob': the guard bundle ${GUARD_BUNDLE_FILE} is missing, and every host this component builds installs the guard (docs/guard.md); run \`npm run build\``);
    });
    await engine.settle();
    expect(engine.resources.map((r) => r.type)).toEqual(["windows-isolation:index:ContainerHostPool"]);
});

describe("mixed hosts, a subnet you bring, a public endpoint", () => {
    test("hosts may mix ltsc2022 and ltsc2025 and sizes; explicit zones win", async () => {
        const pool = new ContainerHostPool("mix", {
            resourceGroupName: "rg-pool",
            hosts: [{ windowsVersion: "ltsc2022" }, { windowsVersion: "ltsc2025", vmSize: "Standard_E8s_v5" }, { windowsVersion: "ltsc2025", zone: "1" }],
            zones: ["2", "3"],
            subnetId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/pool",
            subnetAddressPrefix: "10.8.4.0/24",
            tags: { team: "platform" },
        });
        await engine.settle();
        // Every VM carries the container-host tag the nested-virtualization policy looks for, beside your own.
        expect(engine.ofType("azure-native:compute:VirtualMachine").map((vm) => vm.inputs.tags)).toEqual(Array(3).fill({ team: "platform", [CONTAINER_HOST_TAG]: "hyperv" }));
        expect(pool.swarmNodes()).toEqual([
            { name: "mix-0", osBuild: 20348, hypervCapable: true, cpuCount: 4, memoryMb: 16384 },
            { name: "mix-1", osBuild: 26100, hypervCapable: true, cpuCount: 8, memoryMb: 65536 },
            { name: "mix-2", osBuild: 26100, hypervCapable: true, cpuCount: 4, memoryMb: 16384 },
        ]);
        expect(pool.nodes.map((n) => n.zone)).toEqual(["2", "3", "1"]);
        expect(byName("mix-1-vm").inputs.storageProfile.imageReference.sku).toBe("2025-datacenter-azure-edition");
        expect(byName("mix-1-vm").inputs.hardwareProfile).toEqual({ vmSize: "Standard_E8s_v5" });
        expect(engine.ofType("azure-native:network:VirtualNetwork")).toEqual([]);
        expect(byName("mix-2-nic").inputs.ipConfigurations[0].subnet).toEqual({ id: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/pool" });
        expect(settingsOf(byName("mix-2-vm")).swarmSubnet).toBe("10.8.4.0/24");
        expect(pool.cpuCount).toBe(8);
        const labels = JSON.parse(Buffer.from(param(byName("mix-swarm-nodes"), "Nodes"), "base64").toString("utf8"));
        expect(labels.map((l: { labels: Record<string, string> }) => l.labels["windows-isolation.os-build"])).toEqual(["20348", "26100", "26100"]);
        expect(byName("mix").inputs).toEqual({
            count: 3,
            nodes: [
                { name: "mix-0", role: "init", windowsVersion: "ltsc2022", vmSize: "Standard_D4s_v5", zone: "2" },
                { name: "mix-1", role: "manager", windowsVersion: "ltsc2025", vmSize: "Standard_E8s_v5", zone: "3" },
                { name: "mix-2", role: "manager", windowsVersion: "ltsc2025", vmSize: "Standard_D4s_v5", zone: "1" },
            ],
            swarmNodes: pool.swarmNodes(),
            osBuild: 20348,
            hypervCapable: true,
            subnetAddressPrefix: "10.8.4.0/24",
            securityType: "Standard",
        });
    });

    test("the public endpoint goes to the leader only; the provider uses it", async () => {
        new ContainerHostPool("pub", { ...base, publicEndpoint: { allowedClientCidrs: ["203.0.113.10/32"] } });
        await engine.settle();
        expect(engine.ofType("azure-native:network:PublicIPAddress").map((r) => r.name)).toEqual(["pub-0-pip"]);
        expect(byName("pub-docker").inputs.host).toBe("tcp://20.50.60.70:2376");
        expect(byName("pub-0-server-csr").inputs.ipAddresses).toEqual(["10.40.0.10", "20.50.60.70"]);
        expect(byName("pub-1-nic").inputs.ipConfigurations[0].publicIPAddress).toBeUndefined();
    });
});

describe("no pool argument combination exposes a management or swarm port beyond its place", () => {
    const cidr = fc.oneof(
        fc.constantFrom("*", "0.0.0.0/0", "Internet", "Any", "10.40.0.0/24", "VirtualNetwork", "20.0.0.0/8", "192.168.0.0/16"),
        fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
    );
    const argsArb = fc.record({
        publicEndpoint: fc.option(fc.record({ allowedClientCidrs: fc.array(cidr, { maxLength: 4 }) }), { nil: undefined }),
        subnet: fc.option(cidr, { nil: undefined }),
    });

    test("property (pure): valid arguments give rules where only the pool subnet may reach swarm ports and nothing from the Internet reaches a management port", () => {
        fc.assert(fc.property(argsArb, ({ publicEndpoint, subnet }) => {
            const args: ContainerHostPoolArgs = { ...base, publicEndpoint, ...(subnet === undefined ? {} : { subnetId: "/subscriptions/s/subnets/x", subnetAddressPrefix: subnet }) };
            if (validateContainerHostPoolArgs(args).length > 0) return true;
            const prefix = subnet ?? "10.40.0.0/24";
            const rules = poolSecurityRules(publicEndpoint?.allowedClientCidrs, prefix);
            const management = rules.flatMap((r) => exposedManagementPorts(r));
            const swarmAllows = rules.filter((r) => r.access === "Allow" && SWARM_PORTS.some((p) => r.destinationPortRange === String(p.port)));
            const swarmDenies = SWARM_PORTS.every((p) => rules.some((r) => r.access === "Deny" && r.sourceAddressPrefix === "*" && r.protocol === p.protocol && r.destinationPortRange === String(p.port)
                && swarmAllows.every((a) => a.priority < r.priority)));
            // No other Allow rule reaches a swarm port (the client rule is 2376 only).
            const otherAllows = rules.filter((r) => r.access === "Allow" && !swarmAllows.includes(r)).every((r) => r.destinationPortRange === "2376");
            return management.length === 0 && swarmAllows.length === 4 && swarmAllows.every((r) => r.sourceAddressPrefix === prefix && !isInternetSource(prefix)) && swarmDenies && otherAllows;
        }), { numRuns: 3000 });
    });
});

describe("workloads on a pool (WindowsContainer unchanged)", () => {
    test("placement constraints come from the nodes, and the service waits for the labels", async () => {
        const pool = new ContainerHostPool("wl", { resourceGroupName: "rg", hosts: [{ windowsVersion: "ltsc2022" }, { windowsVersion: "ltsc2025" }, { windowsVersion: "ltsc2025" }] });
        const web = new WindowsContainer("web", { host: pool, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2025", trust: "trusted", isolation: "process", memoryMb: 512 });
        const job = new WindowsContainer("job", { host: pool, image: "mcr.microsoft.com/windows/servercore:ltsc2022", memoryMb: 512 });
        await engine.settle();
        expect([web.isolation, job.isolation]).toEqual(["process", "hyperv"]);
        const svc = (n: string) => byName(`${n}-service`);
        expect(svc("web").inputs.taskSpec.placement.constraints).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.os-build!=20348"]);
        expect(svc("job").inputs.taskSpec.placement.constraints).toEqual(["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"]);
        expect(svc("web").provider).toMatch(/::wl-docker::wl-docker-id$/);
        expect(svc("web").dependencies).toEqual(expect.arrayContaining([urnOf("wl-swarm-nodes")]));
        // The policies compare against a node the workload is placed on, not the 2022 leader.
        expect(byName("web").inputs).toMatchObject({ hostOsBuild: 26100, hostHypervCapable: true });
        expect(byName("job").inputs).toMatchObject({ hostOsBuild: 20348 });
    });

    test("a workload no node can run is an error naming the workload, its needs and the nodes", async () => {
        const pool = new ContainerHostPool("old", { ...base, count: 2 });
        expect(() => new WindowsContainer("new-app", { host: pool, image: "mcr.microsoft.com/windows/servercore:ltsc2025", trust: "trusted", isolation: "process" }))
            .toThrow(/^WindowsContainer 'new-app': image build 26100 \(ltsc2025\) is newer than host build 20348 .*\(the same on every node of the pool: old-0 \(20348 \(ltsc2022\), hyperv yes\), old-1 \(20348 \(ltsc2022\), hyperv yes\)\)$/);
        await engine.settle();
        expect(engine.resources.filter((r) => r.name === "new-app-service")).toEqual([]);
    });

    test("over-commit is an error (Hyper-V utility VMs counted) unless the pool allows it", async () => {
        const pool = new ContainerHostPool("cap", { ...base, count: 1 });
        // One D4s_v5: 4 vCPUs, 16384 MiB. 4 x (3072 + 1024 utility VM) = 16384 fits; a fifth does not.
        new WindowsContainer("fits", { host: pool, image: "mcr.microsoft.com/windows/servercore:ltsc2022", memoryMb: 3072, replicas: 4 });
        expect(() => new WindowsContainer("over", { host: pool, image: "mcr.microsoft.com/windows/servercore:ltsc2022", memoryMb: 6, replicas: 1 }))
            .toThrow(/capacity of host 'cap': workloads declare 17414 MiB .* the pool has 16384 MiB and 4 vCPUs; add nodes, lower the declared resources, or set allowOvercommit: true/);
        const relaxed = new ContainerHostPool("cap2", { ...base, count: 1, allowOvercommit: true });
        new WindowsContainer("a", { host: relaxed, image: "mcr.microsoft.com/windows/servercore:ltsc2022", memoryMb: 3072, replicas: 4 });
        expect(() => new WindowsContainer("b", { host: relaxed, image: "mcr.microsoft.com/windows/servercore:ltsc2022", memoryMb: 6 })).not.toThrow();
        await engine.settle();
    });
});

describe("bad inputs: a clear error and no child resource", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["count and hosts", { hosts: [{ windowsVersion: "ltsc2022" }] }, /count and hosts are both set; give count \(with windowsVersion\) for identical hosts, or hosts for a list, not both/],
        ["neither", { count: undefined, windowsVersion: undefined }, /neither count nor hosts is set/],
        ["count 0", { count: 0 }, /count 0 must be a whole number from 1 to 100; for more hosts use several pools/],
        ["count 2.5", { count: 2.5 }, /count 2\.5 must be a whole number from 1 to 100/],
        ["count without windowsVersion", { windowsVersion: undefined }, /windowsVersion is required with count/],
        ["bad host version", { count: undefined, windowsVersion: undefined, hosts: [{ windowsVersion: "ltsc2022" }, { windowsVersion: "ltsc2019" }] }, /hosts\[1\]\.windowsVersion 'ltsc2019' is not a Windows Server release ContainerHost knows/],
        ["bad host size", { count: undefined, windowsVersion: undefined, hosts: [{ windowsVersion: "ltsc2022", vmSize: "Standard_B2s_v2" }] }, /hosts\[0\]\.vmSize 'Standard_B2s_v2' is in series Bsv2/],
        ["subnetId without its prefix", { subnetId: "/subscriptions/s/subnets/x" }, /subnetAddressPrefix is required with subnetId: the swarm ports \(2377\/tcp, 7946\/tcp\+udp, 4789\/udp\) are opened to that range only/],
        ["public subnet prefix", { subnetId: "/subscriptions/s/subnets/x", subnetAddressPrefix: "20.1.0.0/24" }, /subnetAddressPrefix '20\.1\.0\.0\/24' is not inside a private range/],
        ["prefix that is not a CIDR", { subnetId: "/subscriptions/s/subnets/x", subnetAddressPrefix: "VirtualNetwork" }, /subnetAddressPrefix "VirtualNetwork" must be the subnet's IPv4 address prefix as a CIDR/],
        ["unknown zone", { zones: ["1", "4"] }, /zones \["1","4"\] must list distinct zones out of "1", "2", "3"/],
        ["Internet client range", { publicEndpoint: { allowedClientCidrs: ["0.0.0.0/0"] } }, /publicEndpoint\.allowedClientCidrs contains '0\.0\.0\.0\/0', which opens the Docker API \(2376\) to the whole Internet/],
        ["Trusted Launch", { securityType: "TrustedLaunch" }, /securityType 'TrustedLaunch' breaks Hyper-V inside the VM/],
        ["negative utility VM allowance", { hypervOverheadMb: -1 }, /hypervOverheadMb -1 must be a number of MiB >= 0/],
    ];

    test.each(cases)("%s", async (_label, extra, message) => {
        expect(() => new ContainerHostPool("bad", { ...base, ...extra } as ContainerHostPoolArgs)).toThrow(message);
        await engine.settle();
        expect(engine.resources.map((r) => r.type)).toEqual(["windows-isolation:index:ContainerHostPool"]);
    });

    test("a problem every host shares is reported once", () => {
        const problems = validateContainerHostPoolArgs({ ...base, count: 5, vmSize: "Standard_D4as_v4" });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^vmSize 'Standard_D4as_v4' is in series Dasv4, whose Azure size page says nested virtualization is not supported/);
    });

    test("validation is pure and lists every problem", () => {
        expect(validateContainerHostPoolArgs({ ...base, count: 0, zones: ["9"], securityType: "TrustedLaunch" })).toHaveLength(3);
        expect(validateContainerHostPoolArgs(base)).toEqual([]);
    });
});

test("computer names stay unique, at most 15 characters, with the index intact", () => {
    expect(poolComputerName("pool", 0)).toBe("pool-0");
    expect(poolComputerName("production-windows-pool", 12)).toBe("production-w-12");
    expect(poolComputerName("production-windows-pool", 7)).toBe("production-wi-7");
    const names = Array.from({ length: 100 }, (_, i) => poolComputerName("a-very-long-pool-name", i));
    expect(new Set(names).size).toBe(100);
    expect(names.every((n) => n.length <= 15 && /^[A-Za-z0-9-]+$/.test(n) && !/^\d+$/.test(n))).toBe(true);
    expect(poolComputerName("123", 1)).toBe("wi123-1");
});
