/**
 * docker-api-tls-only, evaluated by the real pack over gRPC: each case changes the happy stack's
 * Docker provider or NSG once (or adds a standalone SecurityRule).
 */
import { poolSecurityRules } from "../../components/azure/containerHostNetwork";
import { policyTable, resource } from "../helpers/policyPack";
import { added, host, nsg, PROVIDER_URN, replaced, rule, UNKNOWN } from "../helpers/policyFactories";

const P = "docker-api-tls-only";
const [, provider] = host();
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
        name: "preview: generated TLS material not known yet counts as set; the NSG check still runs",
        stack: replaced({ ...provider, inputs: { host: UNKNOWN, caMaterial: UNKNOWN, certMaterial: UNKNOWN, keyMaterial: UNKNOWN } }, rdp),
        findings: [["winhost-nsg", expect.stringMatching(/security rule 'rdp'/)]],
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
