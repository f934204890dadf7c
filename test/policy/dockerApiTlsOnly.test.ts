/**
 * docker-api-tls-only, evaluated by the real pack over gRPC: each case changes the happy stack's
 * Docker provider or NSG once (or adds a standalone SecurityRule).
 */
import { poolSecurityRules } from "../../components/azure/containerHostNetwork";
import { policyTable, resource, urnOf } from "../helpers/policyPack";
import { added, host, nsg, PROVIDER_URN, replaced, rule, UNKNOWN } from "../helpers/policyFactories";

const P = "docker-api-tls-only";
const [, provider] = host();
const CONTAINER_HOST = "windows-isolation:index:ContainerHost";
const azureHost = resource(CONTAINER_HOST, "azhost", { osBuild: 20348 }, { custom: false });
const azureProvider = resource(
    "pulumi:providers:docker",
    "azhost-docker",
    { host: UNKNOWN, caMaterial: UNKNOWN, certMaterial: UNKNOWN, keyMaterial: UNKNOWN },
    { urn: urnOf("pulumi:providers:docker", "azhost-docker", CONTAINER_HOST), parent: azureHost.urn, custom: true },
);
const rdp = nsg("winhost-nsg", [rule({ name: "rdp", destinationPortRange: "3389" })]);

policyTable(P, [
    {
        name: "a tcp provider without key material: violation on the provider",
        stack: replaced({ ...provider, inputs: { ...provider.inputs, keyMaterial: undefined } }),
        findings: [["winhost-docker", expect.stringMatching(/tcp without mutual TLS \(keyMaterial missing\)/)]],
    },
    {
        name: "an NSG rule opening 3389 to the Internet: violation naming the rule",
        stack: replaced(rdp),
        findings: [["winhost-nsg", expect.stringMatching(/security rule 'rdp': inbound Allow from 'Internet'.*3389 \(RDP\)/)]],
    },
    {
        name: "an NSG rule opening the swarm's VXLAN port 4789/udp to the Internet: violation",
        stack: replaced(nsg("winhost-nsg", [rule({ name: "vxlan", protocol: "Udp", destinationPortRange: "4789" })])),
        findings: [["winhost-nsg", expect.stringMatching(/security rule 'vxlan': .*4789 \(Docker overlay network traffic \(VXLAN\)\) to the Internet/)]],
    },
    {
        name: "a pool's NSG (swarm ports from its own subnet only) passes",
        stack: replaced(nsg("winhost-nsg", poolSecurityRules(["203.0.113.10/32"], "10.40.0.0/24"))),
        findings: [],
    },
    {
        name: "a standalone SecurityRule opening 5986 to *: violation",
        stack: added(resource("azure-native:network:SecurityRule", "winrm", rule({ sourceAddressPrefix: "*", destinationPortRange: "5986" }))),
        findings: [["winrm", expect.stringMatching(/5986 \(WinRM over HTTPS\)/)]],
    },
    {
        name: "preview: TLS material not known yet counts as NOT set (empty at deploy is plain tcp); the NSG check still runs",
        stack: replaced({ ...provider, inputs: { host: UNKNOWN, caMaterial: UNKNOWN, certMaterial: UNKNOWN, keyMaterial: UNKNOWN } }, rdp),
        findings: [
            ["winhost-docker", expect.stringMatching(/\(caMaterial, certMaterial, keyMaterial missing; caMaterial, certMaterial, keyMaterial are not known until deploy and may be empty then/)],
            ["winhost-nsg", expect.stringMatching(/security rule 'rdp'/)],
        ],
    },
    {
        name: "preview: a certPath not known yet counts as NOT set",
        stack: replaced({ ...provider, inputs: { host: "tcp://winhost:2376", certPath: UNKNOWN } }),
        findings: [["winhost-docker", expect.stringMatching(/certPath is not known until deploy and may be empty then, which the provider reads as plain tcp/)]],
    },
    {
        name: "preview: a ContainerHost's own provider, material from the CA it generates, passes while unknown",
        stack: added(azureHost, { ...azureProvider }),
        findings: [],
    },
    {
        name: "the same unknown material on another provider under the ContainerHost (not its own '<host>-docker') fails",
        stack: added(azureHost, { ...azureProvider, name: "side-docker", urn: urnOf("pulumi:providers:docker", "side-docker", CONTAINER_HOST) }),
        findings: [["side-docker", expect.stringMatching(/not known until deploy and may be empty then/)]],
    },
    {
        name: "a provider context overrides host: violation even beside full TLS material",
        stack: replaced({ ...provider, inputs: { ...provider.inputs, context: "prod-engine" } }),
        findings: [["winhost-docker", expect.stringMatching(/^Docker context 'prod-engine' overrides host: .*neither the plan nor the policy pack can see/)]],
    },
    {
        name: "sshOpts that turn off host key checking on an ssh endpoint: violation",
        stack: replaced({ ...provider, inputs: { host: "ssh://admin@winhost", sshOpts: ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"] } }),
        findings: [
            ["winhost-docker", expect.stringMatching(/sshOpts\[1\] 'StrictHostKeyChecking=no' lets ssh accept an engine host key it does not know/)],
            ["winhost-docker", expect.stringMatching(/sshOpts\[3\] 'UserKnownHostsFile=\/dev\/null' gives ssh no known host keys/)],
        ],
    },
    {
        name: "a provider plugin from another download server (pluginDownloadURL, as the engine records it): violation",
        stack: replaced({ ...provider, inputs: { ...provider.inputs, pluginDownloadURL: "https://plugins.example.com/docker" } }),
        findings: [["winhost-docker", expect.stringMatching(/^the Docker provider plugin comes from pluginDownloadURL 'https:\/\/plugins.example.com\/docker'/)]],
    },
    {
        name: "preview: an endpoint not known yet without TLS material fails closed",
        stack: replaced({ ...provider, inputs: { host: UNKNOWN } }),
        findings: [["winhost-docker", expect.stringMatching(/not known until deploy, so possibly tcp\) without mutual TLS \(caMaterial, certMaterial, keyMaterial missing\)/)]],
    },
    {
        name: "exempting the provider by URN suppresses only it",
        stack: replaced({ ...provider, inputs: { host: "tcp://winhost:2375" } }),
        config: { [P]: { exemptions: [{ resource: PROVIDER_URN, reason: "lab engine" }] } },
        findings: [],
        also: (e) => expect(e.suppressed.map((d) => d.urn)).toEqual([PROVIDER_URN]),
    },
]);
