import { installMocks, plainStrings, secretValue, unwrap } from "../../helpers/pulumiMocks";

const engine = installMocks();

import * as pulumi from "@pulumi/pulumi";
import { ExistingDockerHost, WindowsContainer, WindowsContainerArgs } from "../../../components";

const tls = { caPem: "ca-pem", certPem: "cert-pem", keyPem: "key-pem" };

function host(name = "h1", extra: Partial<ConstructorParameters<typeof ExistingDockerHost>[1]> = {}) {
    return new ExistingDockerHost(name, { endpoint: "tcp://10.1.2.3:2376", osBuild: 20348, hypervCapable: true, cpuCount: 4, ...tls, ...extra });
}

beforeEach(async () => {
    await engine.settle();
    engine.resources.length = 0;
});

describe("WindowsContainer resources", () => {
    test("an untrusted job becomes exactly one swarm service with explicit hyperv, labels and placement", async () => {
        const h = host("h-untrusted");
        const job = new WindowsContainer("job", {
            host: h,
            image: "mcr.microsoft.com/windows/servercore:ltsc2022",
            command: ["cmd", "/c", "echo hi"],
            memoryMb: 512,
            cpus: 1.5,
            replicas: 3,
            labels: { team: "billing" },
            ports: [{ target: 80, published: 8080 }],
        });
        expect(job.isolation).toBe("hyperv");
        expect(job.trust).toBe("untrusted");
        await engine.settle();

        expect(engine.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "docker:index/service:Service job-service",
            "pulumi:providers:docker h-untrusted-docker",
            "windows-isolation:index:ExistingDockerHost h-untrusted",
            "windows-isolation:index:WindowsContainer job",
        ]);
        const labels = [
            { label: "team", value: "billing" },
            { label: "windows-isolation.trust", value: "untrusted" },
            { label: "windows-isolation.isolation", value: "hyperv" },
            { label: "windows-isolation.workload", value: "job" },
        ];
        const service = engine.ofType("docker:index/service:Service")[0];
        expect(service.inputs).toEqual({
            name: "job",
            labels,
            taskSpec: {
                containerSpec: { image: "mcr.microsoft.com/windows/servercore:ltsc2022", isolation: "hyperv", labels, commands: ["cmd", "/c", "echo hi"] },
                placement: { constraints: ["node.platform.os==windows"], platforms: [{ os: "windows", architecture: "amd64" }] },
                resources: { limits: { memoryBytes: 512 * 1024 * 1024, nanoCpus: 1_500_000_000 } },
            },
            mode: { replicated: { replicas: 3 } },
            updateConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "rollback", order: "stop-first" },
            rollbackConfig: { parallelism: 1, delay: "10s", monitor: "30s", failureAction: "pause", order: "stop-first" },
            endpointSpec: { ports: [{ targetPort: 80, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" }] },
        });
        expect(service.provider).toMatch(/::h-untrusted-docker::h-untrusted-docker-id$/);
    });

    test("the component's inputs are a plain summary of the decision", async () => {
        new WindowsContainer("legacy", { host: host("h-legacy"), image: "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019", trust: "trusted" });
        await engine.settle();
        expect(engine.ofType("windows-isolation:index:WindowsContainer")[0].inputs).toEqual({
            host: "h-legacy",
            image: "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019",
            trust: "trusted",
            requestedIsolation: null,
            isolation: "hyperv",
            imageOsBuild: 17763,
            hostOsBuild: 20348,
            hostHypervCapable: true,
            replicas: 1,
        });
    });

    test("secret env values stay secret and never reach labels or component inputs", async () => {
        const c = new WindowsContainer("with-secret", {
            host: host("h-secret"),
            image: "mcr.microsoft.com/windows/servercore:ltsc2022",
            env: { MODE: "batch" },
            secretEnv: { API_TOKEN: pulumi.secret("s3cr3t-token") },
        });
        await engine.settle();
        const service = engine.ofType("docker:index/service:Service")[0];
        // Pulumi lifts a nested secret to the top-level property: the whole taskSpec is secret.
        expect(service.inputs.taskSpec).toEqual(secretValue(expect.objectContaining({
            containerSpec: expect.objectContaining({ env: { MODE: "batch", API_TOKEN: "s3cr3t-token" }, isolation: "hyperv" }),
        })));
        expect(engine.resources.flatMap((r) => plainStrings(r.inputs))).not.toContain("s3cr3t-token");
        const taskSpec = await unwrap(c.service.taskSpec);
        expect(taskSpec.secret).toBe(true);
    });

    test("the host's TLS material is secret on the provider", async () => {
        host("h-tls");
        await engine.settle();
        expect(engine.ofType("pulumi:providers:docker")[0].inputs).toEqual({
            host: "tcp://10.1.2.3:2376",
            caMaterial: secretValue("ca-pem"),
            certMaterial: secretValue("cert-pem"),
            keyMaterial: secretValue("key-pem"),
        });
        expect(engine.resources.flatMap((r) => plainStrings(r.inputs))).not.toContain("key-pem");
    });
});

describe("WindowsContainer bad input: a clear error before any resource", () => {
    type Case = [string, Partial<WindowsContainerArgs>, RegExp];
    const cases: Case[] = [
        ["untrusted + process", { isolation: "process" }, /WindowsContainer 'bad': trust 'untrusted' requires isolation 'hyperv', got 'process'; set isolation: 'hyperv'/],
        ["isolation default", { isolation: "default" as never }, /isolation 'default' hands the choice to the Docker daemon/],
        ["unknown isolation string", { isolation: "hyper-v" as never }, /isolation 'hyper-v' is not an isolation mode; use 'process' or 'hyperv'/],
        ["unknown trust", { trust: "partner" as never }, /trust 'partner' is not a trust level/],
        ["image newer than host", { image: "mcr.microsoft.com/windows/servercore:ltsc2025" }, /image build 26100 \(ltsc2025\) is newer than host build 20348 \(ltsc2022\)/],
        ["process isolation across builds", { trust: "trusted", isolation: "process", image: "mcr.microsoft.com/windows/servercore:ltsc2019" }, /isolation 'process' cannot run image 17763 \(ltsc2019\) on host 20348 \(ltsc2022\)/],
        ["unpinned image without imageOsBuild", { image: "contoso/app:latest" }, /image 'contoso\/app:latest' does not pin a Windows build .*set imageOsBuild/],
        ["untagged image without imageOsBuild", { image: "contoso/app" }, /image 'contoso\/app' does not pin a Windows build \(the image has no tag/],
        ["imageOsBuild contradicting the tag", { imageOsBuild: 17763 }, /imageOsBuild 17763 \(ltsc2019\) contradicts image .* whose tag 'ltsc2022' pins 20348/],
        ["imageOsBuild not a build", { image: "contoso/app:1.0", imageOsBuild: "win2022" as never }, /imageOsBuild "win2022" is not a build/],
        ["invalid reference", { image: "Contoso/App:1" }, /image 'Contoso\/App:1' is not a valid image reference/],
        ["replicas 0", { replicas: 0 }, /replicas 0 must be a whole number >= 1/],
        ["replicas 1.5", { replicas: 1.5 }, /replicas 1.5 must be a whole number >= 1/],
        ["cpus 0", { cpus: 0 }, /cpus 0 is out of range; Docker accepts 0.01 or more/],
        ["cpus above the host", { cpus: 6 }, /cpus 6 is more than host 'h-bad' has \(4\)/],
        ["memory below Docker's minimum", { memoryMb: 4 }, /memoryMb 4 must be a whole number of MiB >= 6/],
        ["same port twice in one workload", { ports: [{ target: 80, published: 9000 }, { target: 81, published: 9000 }] }, /ports publishes 9000\/tcp twice/],
        ["reserved label", { labels: { "windows-isolation.trust": "trusted" } }, /labels 'windows-isolation.trust' uses the reserved prefix/],
        ["container network under hyperv", { networks: ["container:web"] }, /networks 'container:web' shares another container's network namespace, which Hyper-V isolated containers cannot do/],
        ["env and secretEnv overlap", { env: { TOKEN: "a" }, secretEnv: { TOKEN: "b" } }, /env and secretEnv both set 'TOKEN'/],
    ];

    test.each(cases)("%s", async (_title, change, message) => {
        const h = host("h-bad");
        await engine.settle();
        engine.resources.length = 0;
        const args: WindowsContainerArgs = { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022", ...change };
        expect(() => new WindowsContainer("bad", args)).toThrow(message);
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service")).toHaveLength(0);
    });

    test("hyperv on a host that is not Hyper-V capable", async () => {
        const h = host("h-nohv", { hypervCapable: false });
        expect(() => new WindowsContainer("bad", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022" })).toThrow(/isolation 'hyperv' needs a Hyper-V capable host, and this host has hypervCapable false/);
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service")).toHaveLength(0);
    });

    test("a published port another workload on the same host already uses", async () => {
        const h = host("h-ports");
        new WindowsContainer("first", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022", ports: [{ target: 80, published: 8080 }] });
        expect(() => new WindowsContainer("second", { host: h, image: "mcr.microsoft.com/windows/servercore:ltsc2022", ports: [{ target: 8080 }] })).toThrow(
            "WindowsContainer 'second': ports publishes 8080/tcp, which workload 'first' already publishes on host 'h-ports'; choose another published port",
        );
        await engine.settle();
        expect(engine.ofType("docker:index/service:Service").map((s) => s.name)).toEqual(["first-service"]);
    });

    test("every problem is reported at once", () => {
        const h = host("h-many");
        expect(() => new WindowsContainer("bad", { host: h, image: "contoso/app:latest", replicas: 0, cpus: -1 })).toThrow(/does not pin a Windows build.*; replicas 0 .*; cpus -1 is out of range/);
    });
});
