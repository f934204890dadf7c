/** Happy-path resources for the policy tests: every one passes every policy; each test changes one thing. */
import { RecordedResource } from "../../review/analyzer/resource";
import { WindowsContainerSummary } from "../../rules";
import { resource, secret, urnOf } from "./policyPack";

export const HOST_TYPE = "windows-isolation:index:ExistingDockerHost";
export const PROVIDER_URN = urnOf("pulumi:providers:docker", "winhost-docker", HOST_TYPE);

export const trustLabels = (trust: string) => [{ label: "windows-isolation.trust", value: trust }];

export function host(inputs: Record<string, unknown> = {}): RecordedResource[] {
    const h = resource(HOST_TYPE, "winhost", { endpoint: "tcp://winhost:2376", osBuild: 20348, hypervCapable: true, ...inputs }, { custom: false });
    const provider = resource(
        "pulumi:providers:docker",
        "winhost-docker",
        { host: "tcp://winhost:2376", caMaterial: secret("ca"), certMaterial: secret("cert"), keyMaterial: secret("key") },
        { urn: PROVIDER_URN, parent: h.urn, custom: true },
    );
    return [h, provider];
}

export function service(name = "svc", containerSpec: Record<string, unknown> = {}, labels: unknown[] | undefined = trustLabels("untrusted")): RecordedResource {
    return resource(
        "docker:index/service:Service",
        name,
        {
            name,
            labels,
            taskSpec: { containerSpec: { image: "mcr.microsoft.com/windows/servercore:ltsc2022", isolation: "hyperv", labels, ...containerSpec } },
        },
        { provider: PROVIDER_URN },
    );
}

export function container(name = "ctr", inputs: Record<string, unknown> = {}): RecordedResource {
    return resource("docker:index/container:Container", name, { name, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022", labels: trustLabels("trusted"), ...inputs }, { provider: PROVIDER_URN });
}

/** What a WindowsContainer records for an untrusted ltsc2022 workload on the 20348 host (typed: a renamed field breaks here). */
const HAPPY_SUMMARY: WindowsContainerSummary = {
    host: "winhost",
    image: "mcr.microsoft.com/windows/servercore:ltsc2022",
    trust: "untrusted",
    requestedIsolation: null,
    isolation: "hyperv",
    imageOsBuild: 20348,
    hostOsBuild: 20348,
    hostHypervCapable: true,
    replicas: 1,
};

export function windowsContainer(name = "wc", summary: Record<string, unknown> = {}): RecordedResource {
    return resource(
        "windows-isolation:index:WindowsContainer",
        name,
        { ...HAPPY_SUMMARY, ...summary },
        { custom: false },
    );
}

export function vm(name = "winhost-vm", change: { vmSize?: string; securityType?: string; tags?: Record<string, string> } = {}): RecordedResource {
    return resource("azure-native:compute:VirtualMachine", name, {
        resourceGroupName: "rg",
        hardwareProfile: { vmSize: change.vmSize ?? "Standard_D4s_v5" },
        securityProfile: change.securityType === undefined ? {} : { securityType: change.securityType },
        tags: change.tags ?? { "windows-isolation:container-host": "true" },
    });
}

export function rule(overrides: Record<string, unknown> = {}) {
    return { name: "https", priority: 100, access: "Allow", direction: "Inbound", protocol: "Tcp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443", ...overrides };
}

export function nsg(name = "winhost-nsg", rules: unknown[] = [rule(), rule({ name: "rdp-admin", priority: 110, sourceAddressPrefix: "10.20.0.0/16", destinationPortRange: "3389" })]): RecordedResource {
    return resource("azure-native:network:NetworkSecurityGroup", name, { resourceGroupName: "rg", securityRules: rules });
}

/** The resource as a child of `parent` (URN and parent as the engine would give them). */
export function childOf(parent: RecordedResource, r: RecordedResource): RecordedResource {
    return { ...r, urn: urnOf(r.type, r.name, parent.type), parent: parent.urn };
}

/** The docker.Service WindowsContainer 'wc' registers for its decision (untrusted, hyperv). */
export function componentService(containerSpec: Record<string, unknown> = {}, labels: unknown[] = trustLabels("untrusted"), name = "wc-service"): RecordedResource {
    return childOf(windowsContainer(), service(name, containerSpec, labels));
}

export function remoteImage(name = "img", build: Record<string, unknown> | undefined = { context: "./app", isolation: "hyperv", useLegacyBuilder: true }, type = "docker:index/remoteImage:RemoteImage"): RecordedResource {
    return resource(type, name, { name: `registry.example/${name}:1`, ...(build ? { build } : {}) }, { provider: PROVIDER_URN });
}

/** A stack in which every policy passes. */
export function happyStack(): RecordedResource[] {
    return [...host(), service(), container(), windowsContainer(), componentService(), remoteImage(), vm(), nsg()];
}

/** The happy stack with the resource named `name` replaced. */
export function replace(stack: RecordedResource[], replacement: RecordedResource): RecordedResource[] {
    return stack.map((r) => (r.name === replacement.name && r.type === replacement.type ? replacement : r));
}

/** The happy stack with each given resource put in place of the one of the same name and type. */
export function replaced(...replacements: RecordedResource[]): RecordedResource[] {
    return replacements.reduce((stack, r) => {
        if (!stack.some((s) => s.name === r.name && s.type === r.type)) throw new Error(`the happy stack has no ${r.type} '${r.name}' to replace`);
        return replace(stack, r);
    }, happyStack());
}

/** The happy stack with resources added. */
export function added(...extra: RecordedResource[]): RecordedResource[] {
    return [...happyStack(), ...extra];
}

/** Pulumi's wire form of a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
