import { installMocks, plainStrings, RecordedResource, unwrap } from "../../helpers/pulumiMocks";

import { azureMockOutputs } from "../../helpers/azureMockOutputs";

// What Azure / the TLS and random providers would compute; everything else echoes the inputs.
const engine = installMocks({ outputs: azureMockOutputs });

import * as fs from "fs";
import { join } from "path";
import fc from "fast-check";
import { ContainerHost, ContainerHostArgs, hostSecurityRules, validateContainerHostArgs, WindowsContainer } from "../../../components";
import { DEFAULT_DOCKER_RELEASE } from "../../../components/azure/dockerRelease";
import { DEFAULT_NODE_RELEASE } from "../../../components/azure/nodeRelease";
import { configuredDefaultIsolation } from "../../../components/azure/bootstrap/guard";
import { CI_CLIENT_CN, DEPLOYER_CLIENT_CN } from "../../../components/azure/containerHostPki";
import { GUARD_BUNDLE_FILE, readGuardBundle } from "../../../components/azure/guardBundle";
import { decide } from "../../../review/guard/decide";
import { parseSettings } from "../../../review/guard/settings";
import { CONTAINER_HOST_TAG, isInternetSource, MANAGEMENT_PORTS } from "../../../rules";
import { userDataBundle, userDataFiles } from "../../helpers/userDataFiles";
import { withoutGuardBundle } from "../../helpers/withoutGuardBundle";

const SECRETS = ["GENERATED-PASSWORD-1a!", "PRIVATE-KEY-OF-"];
const base: ContainerHostArgs = { resourceGroupName: "rg-hosts", location: "westeurope", windowsVersion: "ltsc2022" };

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
});

const byName = (name: string): RecordedResource => {
    const found = engine.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have ${engine.resources.map((r) => r.name).join(", ")}`);
    return found;
};
const urnOf = (name: string) => new RegExp(`::${name}$`);
const secretWire = (v: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: v });

describe("a private ContainerHost with defaults", () => {
    let host: ContainerHost;
    let declared: RecordedResource[];
    // One host for the block's tests, which only read what it declared: each test gets that list back.
    beforeAll(async () => {
        await engine.settle();
        engine.resources.length = 0;
        host = new ContainerHost("ch", base);
        await engine.settle();
        declared = [...engine.resources];
    });
    beforeEach(() => {
        engine.resources.splice(0, engine.resources.length, ...declared);
    });

    test("declares exactly these resources", () => {
        expect(engine.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "azure-native:compute:VirtualMachine ch-vm",
            "azure-native:compute:VirtualMachineExtension ch-bootstrap",
            "azure-native:network:NetworkInterface ch-nic",
            "azure-native:network:NetworkSecurityGroup ch-nsg",
            "azure-native:network:Subnet ch-subnet",
            "azure-native:network:VirtualNetwork ch-vnet",
            "pulumi-nodejs:dynamic/windows-isolation:HostReadiness ch-ready",
            "pulumi:providers:docker ch-docker",
            "random:index/randomPassword:RandomPassword ch-admin-password",
            "tls:index/certRequest:CertRequest ch-ci-client-csr",
            "tls:index/certRequest:CertRequest ch-client-csr",
            "tls:index/certRequest:CertRequest ch-server-csr",
            "tls:index/locallySignedCert:LocallySignedCert ch-ci-client-cert",
            "tls:index/locallySignedCert:LocallySignedCert ch-client-cert",
            "tls:index/locallySignedCert:LocallySignedCert ch-server-cert",
            "tls:index/privateKey:PrivateKey ch-ca-key",
            "tls:index/privateKey:PrivateKey ch-ci-client-key",
            "tls:index/privateKey:PrivateKey ch-client-key",
            "tls:index/privateKey:PrivateKey ch-server-key",
            "tls:index/selfSignedCert:SelfSignedCert ch-ca",
            "windows-isolation:index:ContainerHost ch",
        ]);
    });

    test("implements the host interface with the facts workloads need", () => {
        expect([host.hostName, host.osBuild, host.hypervCapable, host.cpuCount]).toEqual(["ch", 20348, true, 4]);
        expect(host.readyResources).toHaveLength(1);
        expect(host.readyResources[0]).toBe(host.readyResources[0]);
    });

    test("the VM: Gen2 Azure Edition image, Standard security (securityType left out), no managed identity, boot diagnostics, tag, secret password", () => {
        const vm = byName("ch-vm").inputs;
        expect(vm.hardwareProfile).toEqual({ vmSize: "Standard_D4s_v5" });
        expect(vm.storageProfile).toEqual({
            imageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
            osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" }, deleteOption: "Delete" },
        });
        expect(vm.securityProfile).toEqual({ encryptionAtHost: false });
        // No IMDS token for the untrusted code the host runs.
        expect(vm.identity).toBeUndefined();
        expect(vm.diagnosticsProfile).toEqual({ bootDiagnostics: { enabled: true } });
        expect(vm.tags).toEqual({ [CONTAINER_HOST_TAG]: "hyperv" });
        // A secret inside an object makes the SDK send the whole object as a secret.
        expect(vm.osProfile).toEqual(secretWire({
            computerName: "ch",
            adminUsername: "wiadmin",
            adminPassword: "GENERATED-PASSWORD-1a!",
            windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
        }));
        expect(vm.networkProfile).toEqual({ networkInterfaces: [{ id: "ch-nic-id", primary: true, deleteOption: "Delete" }] });
        expect(vm.zones).toBeUndefined();
        expect([vm.resourceGroupName, vm.location]).toEqual(["rg-hosts", "westeurope"]);
    });

    test("the user data is the public bundle: certificates and scripts, never a key", () => {
        const bundle = userDataBundle(byName("ch-vm").inputs.userData);
        expect(bundle).toContain("'ca.pem' = @'\nCERT-OF-ch-ca\n'@");
        expect(bundle).toContain("'server-cert.pem' = @'\nCERT-OF-ch-server-cert\n'@");
        expect(bundle).toContain("\"dockerVersion\": \"29.4.3\"");
        expect(bundle).not.toContain("PRIVATE-KEY");
    });

    test("the user data installs the guard: the built bundle, its settings and spec, Node.js pinned, daemon.json naming the plugin", () => {
        const files = userDataFiles(byName("ch-vm").inputs.userData);
        expect([...files.keys()]).toEqual(["phase1.ps1", "phase2.ps1", "settings.json", "daemon.json", "ca.pem", "server-cert.pem", "guard.js", "guard-settings.json", "guard.spec"]);
        // The file `npm run build` wrote, byte for byte (the here-string drops its last newline).
        expect(files.get("guard.js")).toBe(fs.readFileSync(GUARD_BUNDLE_FILE, "utf8").replace(/\n$/, ""));
        const daemon = JSON.parse(files.get("daemon.json")!);
        expect(daemon["authorization-plugins"]).toEqual(["windows-isolation-guard"]);
        expect(files.get("guard.spec")).toBe("npipe:////./pipe/windows-isolation-guard");
        // One source each: the default from the daemon.json beside it, the trusted identity from the PKI's constant.
        expect(JSON.parse(files.get("guard-settings.json")!)).toEqual({
            daemonDefaultIsolation: configuredDefaultIsolation(daemon),
            trustedIdentities: [DEPLOYER_CLIENT_CN],
            localTrusted: false,
            allowPluginInstall: false,
            allowSwarmJoin: false,
            allowLocalSwarmJoin: false,
            auditLog: "C:\\ProgramData\\windows-isolation\\guard-audit.log",
        });
        expect(configuredDefaultIsolation(daemon)).toBe("hyperv");
        expect(JSON.parse(files.get("settings.json")!)).toMatchObject({ nodeVersion: DEFAULT_NODE_RELEASE.version, nodeSha256: DEFAULT_NODE_RELEASE.sha256, guardPluginName: "windows-isolation-guard" });
    });

    test("the guard these settings configure lets the deployer (the provider's certificate) create trusted work and CI only untrusted + hyperv", () => {
        const parsed = parseSettings(JSON.parse(userDataFiles(byName("ch-vm").inputs.userData).get("guard-settings.json")!));
        if (!parsed.ok) throw new Error(parsed.problems.join("; "));
        const create = (user: string, labels: Record<string, string>, isolation: string) => decide({
            method: "POST", uri: "/v1.44/containers/create", user, authNMethod: "TLS",
            body: Buffer.from(JSON.stringify({ Image: "x", Labels: labels, HostConfig: { Isolation: isolation } })),
        }, parsed.settings);
        const trusted = { "windows-isolation.trust": "trusted" };
        const untrusted = { "windows-isolation.trust": "untrusted" };
        expect(create(DEPLOYER_CLIENT_CN, trusted, "process")).toEqual({ allow: true });
        expect(create(CI_CLIENT_CN, trusted, "process")).toMatchObject({ allow: false, findings: [{ rule: "trusted-identity" }] });
        expect(create(CI_CLIENT_CN, untrusted, "process")).toMatchObject({ allow: false, findings: [{ rule: "untrusted-requires-hyperv" }] });
        expect(create(CI_CLIENT_CN, untrusted, "hyperv")).toEqual({ allow: true });
        // A ContainerHost joins no swarm: nobody may join it to one.
        const join = decide({ method: "POST", uri: "/swarm/join", user: "", authNMethod: "", body: Buffer.from("{}") }, parsed.settings);
        expect(join).toMatchObject({ allow: false, findings: [{ rule: "guard-not-allowed" }] });
    });

    test("network: own VNet and subnet with outbound access, NIC with the NSG, no public IP", () => {
        expect(byName("ch-vnet").inputs).toEqual({ resourceGroupName: "rg-hosts", location: "westeurope", tags: { [CONTAINER_HOST_TAG]: "hyperv" }, addressSpace: { addressPrefixes: ["10.40.0.0/16"] },
            // Provider defaults filled in by the azure-native SDK.
            enableDdosProtection: false, enableVmProtection: false,
        });
        expect(byName("ch-subnet").inputs).toEqual({
            resourceGroupName: "rg-hosts", virtualNetworkName: "ch-vnet-azure", addressPrefix: "10.40.0.0/24", defaultOutboundAccess: true,
            // Provider defaults filled in by the azure-native SDK.
            privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Enabled",
        });
        expect(byName("ch-nic").inputs.ipConfigurations).toEqual([{ name: "primary", primary: true, subnet: { id: "ch-subnet-id" }, privateIPAllocationMethod: "Dynamic" }]);
        expect(byName("ch-nic").inputs.networkSecurityGroup).toEqual({ id: "ch-nsg-id" });
        expect(engine.ofType("azure-native:network:PublicIPAddress")).toEqual([]);
        expect(byName("ch-nsg").inputs.securityRules).toEqual([{
            name: "deny-management-from-internet", priority: 4000, direction: "Inbound", access: "Deny", protocol: "Tcp",
            sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRanges: ["2375", "2376", "3389", "5985", "5986"],
        }]);
    });

    test("TLS: ECDSA keys, a CA, a server certificate for the private IP, the deployer's and CI's client certificates", () => {
        for (const k of ["ch-ca-key", "ch-server-key", "ch-client-key", "ch-ci-client-key"]) expect(byName(k).inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        expect(byName("ch-client-csr").inputs).toMatchObject({ subject: { commonName: "windows-isolation-deployer", organization: "windows-isolation" } });
        expect(byName("ch-ci-client-csr").inputs).toMatchObject({ subject: { commonName: "windows-isolation-ci", organization: "windows-isolation" } });
        expect(byName("ch-ci-client-cert").inputs).toMatchObject({ certRequestPem: "CSR-OF-ch-ci-client-csr", caCertPem: "CERT-OF-ch-ca", allowedUses: ["digital_signature", "key_encipherment", "client_auth"] });
        expect(byName("ch-ca").inputs).toMatchObject({ isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing", "digital_signature"], validityPeriodHours: 43800 });
        expect(byName("ch-server-csr").inputs).toMatchObject({ ipAddresses: ["10.40.0.4"], dnsNames: [], subject: { commonName: "ch", organization: "windows-isolation" } });
        expect(byName("ch-server-cert").inputs).toMatchObject({ certRequestPem: "CSR-OF-ch-server-csr", caCertPem: "CERT-OF-ch-ca", allowedUses: ["digital_signature", "key_encipherment", "server_auth"] });
        expect(byName("ch-client-cert").inputs).toMatchObject({ certRequestPem: "CSR-OF-ch-client-csr", allowedUses: ["digital_signature", "key_encipherment", "client_auth"] });
    });

    test("the extension: Custom Script Extension whose only protected setting is the command with the server key", () => {
        const ext = byName("ch-bootstrap").inputs;
        expect(ext).toMatchObject({ vmName: "ch-vm-azure", publisher: "Microsoft.Compute", type: "CustomScriptExtension", typeHandlerVersion: "1.10", autoUpgradeMinorVersion: true, settings: {} });
        expect(ext.forceUpdateTag).toMatch(/^[0-9a-f]{16}$/);
        expect(ext.protectedSettings).toEqual(secretWire({ commandToExecute: expect.stringMatching(/^powershell\.exe /) }));
        const key = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(ext.protectedSettings.value.commandToExecute)![1];
        expect(Buffer.from(key, "base64").toString("utf8")).toBe("PRIVATE-KEY-OF-ch-server-key");
    });

    test("the wait: HostReadiness polls the endpoint over mutual TLS for the pinned engine, Hyper-V by default, an active swarm", () => {
        const wait = byName("ch-ready").inputs;
        expect(wait).toMatchObject({
            host: "10.40.0.4",
            port: 2376,
            caPem: "CERT-OF-ch-ca",
            clientCertPem: "CERT-OF-ch-client-cert",
            clientKeyPem: secretWire("PRIVATE-KEY-OF-ch-client-key"),
            expected: { serverVersion: DEFAULT_DOCKER_RELEASE.version, osBuild: 20348, defaultIsolation: "hyperv", swarmActive: true },
            timeoutSeconds: 1800,
            bootstrapFingerprint: byName("ch-bootstrap").inputs.forceUpdateTag,
        });
        expect(wait.guestLogs).toContain("az vm run-command invoke -g rg-hosts -n ch-vm-azure --command-id RunPowerShellScript");
        // The serialized provider is code, not data: it holds no secret of this stack.
        expect(typeof wait.__provider).toBe("string");
        for (const secret of SECRETS) expect(wait.__provider).not.toContain(secret);
    });

    test("the docker provider: mutual TLS to the private IP with the deployer's certificate (the guard's trusted identity), key as a secret", async () => {
        expect(byName("ch-docker").inputs).toEqual({
            host: "tcp://10.40.0.4:2376",
            caMaterial: "CERT-OF-ch-ca",
            certMaterial: "CERT-OF-ch-client-cert",
            keyMaterial: secretWire("PRIVATE-KEY-OF-ch-client-key"),
        });
        expect(await unwrap(host.dockerEndpoint)).toEqual({ value: "tcp://10.40.0.4:2376", secret: false });
        expect(await unwrap(host.clientKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-ch-client-key", secret: true });
        expect(await unwrap(host.ciClientCertPem)).toEqual({ value: "CERT-OF-ch-ci-client-cert", secret: false });
        expect(await unwrap(host.ciClientKeyPem)).toEqual({ value: "PRIVATE-KEY-OF-ch-ci-client-key", secret: true });
        expect((await unwrap(host.adminPassword)).secret).toBe(true);
    });

    test("dependency order: VM -> extension -> wait -> provider", () => {
        expect(byName("ch-bootstrap").dependencies).toEqual(expect.arrayContaining([expect.stringMatching(urnOf("ch-vm"))]));
        expect(byName("ch-ready").dependencies).toEqual(expect.arrayContaining([expect.stringMatching(urnOf("ch-bootstrap"))]));
        expect(byName("ch-docker").dependencies).toEqual(expect.arrayContaining([expect.stringMatching(urnOf("ch-ready"))]));
        const order = ["ch-vm", "ch-bootstrap", "ch-ready", "ch-docker"].map((n) => engine.resources.indexOf(byName(n)));
        expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    test("no secret appears in any plain input, the component's inputs included", () => {
        const plain = engine.resources.flatMap((r) => plainStrings(r.inputs));
        for (const secret of SECRETS) expect(plain.filter((s) => s.includes(secret))).toEqual([]);
        expect(byName("ch").inputs).toEqual({ windowsVersion: "ltsc2022", securityType: "Standard", encryptionAtHost: false, osBuild: 20348, hypervCapable: true });
    });
});

test("a workload on a ContainerHost waits for the bootstrap and uses the host's provider (WindowsContainer unchanged)", async () => {
    const h = new ContainerHost("wh", base);
    const job = new WindowsContainer("job", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022" });
    expect(job.isolation).toBe("hyperv");
    await engine.settle();
    const service = byName("job-service");
    expect(service.provider).toMatch(/::wh-docker::wh-docker-id$/);
    expect(service.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(urnOf("wh-ready"))]));
    expect(engine.resources.indexOf(service)).toBeGreaterThan(engine.resources.indexOf(byName("wh-docker")));
    expect(service.inputs.taskSpec.containerSpec.isolation).toBe("hyperv");
});

test("ltsc2025 with a public endpoint, DNS label, zone and own tags", async () => {
    const h = new ContainerHost("pub", {
        ...base,
        windowsVersion: "ltsc2025",
        vmSize: "Standard_E8s_v5",
        zone: "2",
        tags: { team: "platform" },
        publicEndpoint: { allowedClientCidrs: ["203.0.113.10/32", "198.51.100.0/24"], dnsLabel: "pub-docker" },
    });
    await engine.settle();
    expect([h.osBuild, h.cpuCount]).toEqual([26100, 8]);
    const tags = { team: "platform", [CONTAINER_HOST_TAG]: "hyperv" };
    expect(byName("pub-vm").inputs.storageProfile.imageReference.sku).toBe("2025-datacenter-azure-edition");
    expect(byName("pub-vm").inputs.zones).toEqual(["2"]);
    expect(byName("pub-vm").inputs.tags).toEqual(tags);
    expect(byName("pub-pip").inputs).toEqual({
        resourceGroupName: "rg-hosts", location: "westeurope", tags, zones: ["2"],
        sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4",
        dnsSettings: { domainNameLabel: "pub-docker" },
    });
    expect(byName("pub-nic").inputs.ipConfigurations[0].publicIPAddress).toEqual({ id: "pub-pip-id" });
    expect(byName("pub-nsg").inputs.securityRules[0]).toEqual({
        name: "allow-docker-tls-from-clients", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
        sourceAddressPrefixes: ["203.0.113.10/32", "198.51.100.0/24"], sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "2376",
    });
    expect(byName("pub-server-csr").inputs).toMatchObject({ ipAddresses: ["10.40.0.4", "20.50.60.70"], dnsNames: ["pub-docker.westeurope.cloudapp.azure.com"] });
    expect(byName("pub-docker").inputs.host).toBe("tcp://20.50.60.70:2376");
    expect(byName("pub").inputs).toEqual({
        vmSize: "Standard_E8s_v5", windowsVersion: "ltsc2025", securityType: "Standard", encryptionAtHost: false, osBuild: 26100, hypervCapable: true,
        publicEndpoint: { allowedClientCidrs: ["203.0.113.10/32", "198.51.100.0/24"], dnsLabel: "pub-docker" },
    });
});

test("a subnet you bring: no VNet or subnet of its own; encryption at host when asked", async () => {
    new ContainerHost("byo", { ...base, subnetId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/hosts", encryptionAtHost: true });
    await engine.settle();
    expect(engine.ofType("azure-native:network:VirtualNetwork")).toEqual([]);
    expect(engine.ofType("azure-native:network:Subnet")).toEqual([]);
    expect(byName("byo-nic").inputs.ipConfigurations[0].subnet).toEqual({ id: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/hosts" });
    expect(byName("byo-vm").inputs.securityProfile).toEqual({ encryptionAtHost: true });
});

describe("bad inputs: a clear error and no child resource", () => {
    const cases: [string, Partial<ContainerHostArgs> & Record<string, unknown>, RegExp][] = [
        ["Bsv2 size", { vmSize: "Standard_B2s_v2" }, /vmSize 'Standard_B2s_v2' is in series Bsv2, whose Azure size page says nested virtualization is not supported.*choose a size with nested virtualization/],
        ["Dasv4 size", { vmSize: "Standard_D4as_v4" }, /vmSize 'Standard_D4as_v4' is in series Dasv4, .*nested virtualization/],
        ["DC (confidential) size", { vmSize: "Standard_DC4s_v3" }, /vmSize 'Standard_DC4s_v3' is in series DCsv3 \(SGX\)/],
        ["Trusted Launch", { securityType: "TrustedLaunch" }, /securityType 'TrustedLaunch' breaks Hyper-V inside the VM.*use securityType 'Standard'/],
        ["0.0.0.0/0 client range", { publicEndpoint: { allowedClientCidrs: ["0.0.0.0/0"] } }, /publicEndpoint\.allowedClientCidrs contains '0\.0\.0\.0\/0', which opens the Docker API \(2376\) to the whole Internet/],
        ["Internet tag", { publicEndpoint: { allowedClientCidrs: ["Internet"] } }, /allowedClientCidrs contains 'Internet', which is not an IP address or CIDR/],
        ["unknown windowsVersion", { windowsVersion: "ltsc2019" as never }, /windowsVersion 'ltsc2019' is not a Windows Server release ContainerHost knows; use 'ltsc2022' \(build 20348\) or 'ltsc2025' \(build 26100\)/],
        ["1-vCPU size even when unlisted sizes are allowed", { vmSize: "Standard_A1_v2", allowUnlistedVmSize: true }, /vmSize 'Standard_A1_v2' has 1 vCPU; a Hyper-V container host needs at least 2/],
        ["unlisted size without opt-in", { vmSize: "Standard_Q4_v9" }, /vmSize 'Standard_Q4_v9' is not in the table .* or set allowUnlistedVmSize: true/],
        ["reserved admin name", { adminUsername: "Administrator" }, /adminUsername 'Administrator' is not accepted by Azure/],
        ["tag the component owns", { tags: { [CONTAINER_HOST_TAG]: "process" } }, /tags must not set 'windows-isolation:container-host'/],
        ["unpinned docker", { dockerVersion: { version: "latest", sha256: "abc" } }, /dockerVersion\.version 'latest' must be an exact engine version.*dockerVersion\.sha256 'abc' must be the zip's SHA-256/],
        ["unpinned Node.js for the guard", { nodeVersion: { version: "lts", sha256: "abc" } }, /nodeVersion\.version 'lts' must be an exact Node\.js version.*nodeVersion\.sha256 'abc' must be the zip's SHA-256/],
    ];

    test.each(cases)("%s", async (_label, extra, message) => {
        expect(() => new ContainerHost("bad", { ...base, ...extra } as ContainerHostArgs)).toThrow(message);
        await engine.settle();
        expect(engine.resources.map((r) => r.type)).toEqual(["windows-isolation:index:ContainerHost"]);
    });

    test("without the built guard bundle: an error naming the file and `npm run build`, and no child resource", async () => {
        withoutGuardBundle(() => {
            expect(() => new ContainerHost("nobundle", base)).toThrow(`ContainerHost 'nobundle': the guard bundle ${GUARD_BUNDLE_FILE} is missing`);
            // With the arguments' own problems, in one message.
            expect(() => new ContainerHost("nobundle2", { ...base, vmSize: "Standard_B2s_v2" })).toThrow(/^ContainerHost 'nobundle2': vmSize 'Standard_B2s_v2' is in series Bsv2.*; the guard bundle .* is missing.*run `npm run build` in the windows-isolation package/);
        });
        await engine.settle();
        expect(engine.resources.map((r) => r.type)).toEqual(["windows-isolation:index:ContainerHost", "windows-isolation:index:ContainerHost"]);
        expect(GUARD_BUNDLE_FILE.endsWith(join("build", "guard", "windows-isolation-guard.js"))).toBe(true);
        expect(readGuardBundle(`${GUARD_BUNDLE_FILE}.absent`)).toEqual({ ok: false, problem: expect.stringContaining("is missing") });
    });

    test("the message names the component", () => {
        expect(() => new ContainerHost("named", { ...base, vmSize: "Standard_B2s_v2" })).toThrow(/^ContainerHost 'named': vmSize/);
    });
});

describe("no argument combination opens a management port to the Internet", () => {
    const cidr = fc.oneof(
        fc.constantFrom("*", "0.0.0.0/0", "Internet", "internet", "Any", "::/0", "0.0.0.0", "AzureCloud", "8.0.0.0/5", "2000::/3"),
        fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
        fc.ipV4(),
        fc.ipV6(),
    );
    const argsArb = fc.record({
        publicEndpoint: fc.option(fc.record({ allowedClientCidrs: fc.array(cidr, { maxLength: 5 }) }), { nil: undefined }),
        vmSize: fc.option(fc.constantFrom("Standard_D4s_v5", "Standard_D2as_v5", "Standard_B2s_v2", "Standard_E4s_v5"), { nil: undefined }),
        windowsVersion: fc.constantFrom("ltsc2022", "ltsc2025"),
        subnetId: fc.option(fc.constant("/subscriptions/s/subnets/x"), { nil: undefined }),
        zone: fc.option(fc.constantFrom("1", "2", "3"), { nil: undefined }),
    }, { requiredKeys: ["windowsVersion"] });

    const opens = (rules: ReturnType<typeof hostSecurityRules>) => rules.filter((rule) => {
        if (rule.access !== "Allow" || rule.direction !== "Inbound") return false;
        const ports = rule.destinationPortRanges ?? [rule.destinationPortRange ?? ""];
        const management = ports.some((p) => p === "*" || Object.keys(MANAGEMENT_PORTS).includes(p));
        const sources = rule.sourceAddressPrefixes ?? [rule.sourceAddressPrefix ?? "*"];
        return management && sources.some((s) => isInternetSource(s) || ["*", "0.0.0.0/0", "internet", "any", "::/0"].includes(s.toLowerCase()));
    });

    test("property (pure): validation passes only if the resulting rules open nothing to the Internet", () => {
        fc.assert(fc.property(argsArb, (extra) => {
            const args = { ...base, ...extra } as ContainerHostArgs;
            const valid = validateContainerHostArgs(args).length === 0;
            const open = opens(hostSecurityRules(args.publicEndpoint?.allowedClientCidrs));
            // Valid arguments never open a port; invalid ones never get as far as rules.
            return !valid || open.length === 0;
        }), { numRuns: 3000 });
    });

    test("property (the component under mocks): the recorded NSG never allows a management port from the Internet", async () => {
        await fc.assert(fc.asyncProperty(argsArb, async (extra) => {
            engine.resources.length = 0;
            let threw = false;
            try {
                new ContainerHost("prop", { ...base, ...extra } as ContainerHostArgs);
            } catch {
                threw = true;
            }
            await engine.settle();
            const nsgs = engine.ofType("azure-native:network:NetworkSecurityGroup");
            if (threw) return nsgs.length === 0 && engine.resources.length === 1;
            return nsgs.length === 1 && opens(nsgs[0].inputs.securityRules).length === 0;
        }), { numRuns: 40 });
    });
});
