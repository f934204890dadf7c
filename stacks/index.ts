/**
 * Example stack: one Windows host, three workloads.
 * - `web`: a trusted IIS site on an image that matches the host, so it runs process isolated;
 * - `customer-job`: untrusted code, always Hyper-V isolated;
 * - `legacy-app`: a trusted ltsc2019 app on a 2022 host: only Hyper-V isolation can run it.
 */
import { ExistingDockerHost, WindowsContainer } from "../components";
import { readStackSettings } from "./config";

const settings = readStackSettings();

const host = new ExistingDockerHost("winhost", {
    endpoint: settings.host.endpoint,
    osBuild: settings.host.osBuild,
    hypervCapable: settings.host.hypervCapable,
    cpuCount: settings.host.cpuCount,
    caPem: settings.host.caPem,
    certPem: settings.host.certPem,
    keyPem: settings.host.keyPem,
});

const web = new WindowsContainer("web", {
    host,
    image: `${settings.registry}/windows/servercore/iis:windowsservercore-ltsc2022`,
    trust: "trusted",
    isolation: settings.isolation["web"],
    ports: [{ target: 80, published: 8080 }],
    memoryMb: 1024,
    cpus: 1,
    replicas: 2,
});

const customerJob = new WindowsContainer("customer-job", {
    host,
    image: `${settings.registry}/windows/servercore:ltsc2022`,
    trust: "untrusted",
    isolation: settings.isolation["customer-job"],
    command: ["powershell", "-Command", "Write-Output 'hello from an isolated job'"],
    memoryMb: 2048,
    cpus: 2,
});

const legacyApp = new WindowsContainer("legacy-app", {
    host,
    image: `${settings.registry}/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019`,
    trust: "trusted",
    isolation: settings.isolation["legacy-app"],
    ports: [{ target: 80, published: 8081 }],
    memoryMb: 2048,
});

export const isolation = {
    web: web.isolation,
    customerJob: customerJob.isolation,
    legacyApp: legacyApp.isolation,
};
