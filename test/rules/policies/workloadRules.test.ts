import {
    componentChildProblems,
    containerHostVmProblems,
    containerResourceProblem,
    factAt,
    markUnknowns,
    trustFromBuildLabels,
    dockerEndpointProblem,
    imageFromRegistry,
    imageHostVerdict,
    trustFromLabels,
    unpinnedImageProblem,
    UNKNOWN_UNTIL_DEPLOY,
    untrustedIsolationProblem,
} from "../../../rules";

describe("trustFromLabels", () => {
    const t = (value: string) => ({ label: "windows-isolation.trust", value });
    test("missing label: untrusted, not declared", () => {
        expect(trustFromLabels([{ label: "app", value: "x" }], undefined)).toEqual({ ok: true, trust: "untrusted", declared: false });
    });
    test("trusted only when every trust label says trusted", () => {
        expect(trustFromLabels([t("trusted")], [t("trusted")])).toEqual({ ok: true, trust: "trusted", declared: true });
        expect(trustFromLabels([t("trusted")], [t("untrusted")])).toEqual({ ok: true, trust: "untrusted", declared: true });
    });
    test("a value that is not a trust level is an error naming the label", () => {
        expect(trustFromLabels([t("yes")])).toEqual({ ok: false, message: expect.stringMatching(/^label windows-isolation.trust="yes": trust 'yes' is not a trust level/) });
    });
});

describe("untrustedIsolationProblem", () => {
    test("untrusted passes only with explicit hyperv", () => {
        expect(untrustedIsolationProblem("untrusted", "hyperv")).toBeUndefined();
        expect(untrustedIsolationProblem("untrusted", "process")).toMatch(/got 'process'/);
        expect(untrustedIsolationProblem("untrusted", undefined)).toMatch(/not set/);
        expect(untrustedIsolationProblem("untrusted", "default")).toMatch(/'default' hands the choice to the Docker daemon/);
    });
    test("trusted workloads are not this rule's concern", () => {
        expect(untrustedIsolationProblem("trusted", "process")).toBeUndefined();
        expect(untrustedIsolationProblem("trusted", undefined)).toBeUndefined();
    });
    test("docker.Container: only trusted", () => {
        expect(containerResourceProblem("trusted")).toBeUndefined();
        expect(containerResourceProblem("untrusted")).toMatch(/cannot state an isolation mode/);
    });
});

describe("imageHostVerdict", () => {
    const base = { image: "mcr.microsoft.com/windows/servercore:ltsc2022", hostBuild: 20348, isolation: "process", hostHypervCapable: true };
    test("2022 image on a 2022 host in process isolation is ok", () => {
        expect(imageHostVerdict(base).status).toBe("ok");
    });
    test("2019 image in process isolation on 2022 is a violation; hyperv is ok", () => {
        const image = "mcr.microsoft.com/windows/servercore:ltsc2019";
        expect(imageHostVerdict({ ...base, image })).toEqual({ status: "violation", message: expect.stringMatching(/isolation 'process' cannot run image build 17763/) });
        expect(imageHostVerdict({ ...base, image, isolation: "hyperv" }).status).toBe("ok");
    });
    test("hyperv on a host without Hyper-V is a violation", () => {
        expect(imageHostVerdict({ ...base, isolation: "hyperv", hostHypervCapable: false })).toEqual({ status: "violation", message: expect.stringMatching(/hypervCapable false/) });
    });
    test("unknown host build: unknown, never a guess", () => {
        expect(imageHostVerdict({ ...base, hostBuild: undefined }).status).toBe("unknown");
    });
    test("no explicit mode, or an image without a build: violation", () => {
        expect(imageHostVerdict({ ...base, isolation: undefined })).toEqual({ status: "violation", message: expect.stringMatching(/isolation is not set/) });
        expect(imageHostVerdict({ ...base, image: "contoso/app:1.2" })).toEqual({ status: "violation", message: expect.stringMatching(/does not name a Windows build/) });
        expect(imageHostVerdict({ ...base, image: "contoso/app:1.2", imageBuild: 20348 }).status).toBe("ok");
    });
});

describe("dockerEndpointProblem", () => {
    const tls = { caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" };
    test("tcp with all three: ok; with one missing: names it", () => {
        expect(dockerEndpointProblem({ host: "tcp://h:2376", ...tls })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "tcp://h:2376", ...tls, keyMaterial: undefined })).toMatch(/\(keyMaterial missing\)/);
    });
    test("certPath counts as TLS material; npipe/ssh/unix are not network TLS questions", () => {
        expect(dockerEndpointProblem({ host: "tcp://h:2376", certPath: "/certs" })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "npipe:////./pipe/docker_engine" })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "ssh://admin@h" })).toBeUndefined();
    });
    test("an endpoint outside Docker's grammar (http://, a bare host:port) may be tcp: TLS required", () => {
        expect(dockerEndpointProblem({ host: "http://h:2375" })).toMatch(/^Docker endpoint 'http:\/\/h:2375' \(not a unix, npipe or ssh endpoint, so possibly tcp\) without mutual TLS/);
        expect(dockerEndpointProblem({ host: "h:2376", ...tls })).toBeUndefined();
        expect(dockerEndpointProblem({ host: "tcp://h:2376/" })).toMatch(/^Docker endpoint 'tcp:\/\/h:2376\/' is tcp without mutual TLS/);
    });
    test("values unknown until deploy: material counts as set, an endpoint may be tcp", () => {
        const later = UNKNOWN_UNTIL_DEPLOY;
        expect(dockerEndpointProblem({ host: "tcp://h:2376", caMaterial: later, certMaterial: later, keyMaterial: later })).toBeUndefined();
        expect(dockerEndpointProblem({ host: later, caMaterial: later, certMaterial: later, keyMaterial: later })).toBeUndefined();
        expect(dockerEndpointProblem({ host: later })).toMatch(/^Docker endpoint \(not known until deploy, so possibly tcp\) without mutual TLS \(caMaterial, certMaterial, keyMaterial missing\)/);
    });
});

describe("containerHostVmProblems", () => {
    test("a nested-virtualization size with securityType left out (Standard under Compute API 2024-11-01): no problems", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5" })).toEqual([]);
    });
    test("securityType 'Standard' sent explicitly or TrustedLaunch is a problem", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "Standard" })).toEqual([
            expect.stringMatching(/securityType 'Standard' is sent explicitly, which Compute API 2024-11-01 .*InvalidParameter.*Microsoft\.Compute\/UseStandardSecurityType; leave securityType out/),
        ]);
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "TrustedLaunch" })).toEqual([expect.stringMatching(/securityType 'TrustedLaunch' breaks Hyper-V/)]);
    });
    test("an unlisted size fails unless explicitly allowed", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9" })).toEqual([expect.stringMatching(/not in the table/)]);
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9", allowUnlistedVmSize: true })).toEqual([]);
    });
});

describe("pinned images and registries", () => {
    test("tags and digests are pinned; latest and untagged are not", () => {
        expect(unpinnedImageProblem("mcr.microsoft.com/windows/servercore:ltsc2022")).toBeUndefined();
        expect(unpinnedImageProblem(`contoso/app@sha256:${"a".repeat(64)}`)).toBeUndefined();
        expect(unpinnedImageProblem("contoso/app:latest")).toMatch(/'latest' tag/);
        expect(unpinnedImageProblem("contoso/app")).toMatch(/has no tag/);
        expect(unpinnedImageProblem("Contoso/App")).toMatch(/not a valid image reference/);
    });
    test("registry prefixes match whole path segments; Docker Hub images are docker.io", () => {
        expect(imageFromRegistry("myacr.azurecr.io/team/app:latest", ["myacr.azurecr.io/team"])).toBe("myacr.azurecr.io/team");
        expect(imageFromRegistry("myacr.azurecr.io/teamx/app:latest", ["myacr.azurecr.io/team"])).toBeUndefined();
        expect(imageFromRegistry("contoso/app", ["docker.io/contoso"])).toBe("docker.io/contoso");
    });
});

describe("unknown values during preview", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    test("markUnknowns replaces the sentinel at any depth; factAt keeps an unknown parent unknown", () => {
        const marked = markUnknowns({ taskSpec: { containerSpec: UNKNOWN }, labels: [{ label: "x", value: UNKNOWN }], image: "a:1" });
        expect(marked).toEqual({ taskSpec: { containerSpec: UNKNOWN_UNTIL_DEPLOY }, labels: [{ label: "x", value: UNKNOWN_UNTIL_DEPLOY }], image: "a:1" });
        expect(factAt(marked, "taskSpec", "containerSpec", "isolation")).toBe(UNKNOWN_UNTIL_DEPLOY);
        expect(factAt(marked, "endpointSpec", "ports")).toBeUndefined();
        expect(factAt(marked, "image")).toBe("a:1");
    });
    test("a trust label list or value unknown until deploy is untrusted", () => {
        expect(trustFromLabels(UNKNOWN_UNTIL_DEPLOY)).toEqual({ ok: true, trust: "untrusted", declared: true, unknown: true });
        expect(trustFromLabels([{ label: "windows-isolation.trust", value: UNKNOWN_UNTIL_DEPLOY }])).toMatchObject({ trust: "untrusted", unknown: true });
    });
    test("untrusted with isolation unknown until deploy is a problem", () => {
        expect(untrustedIsolationProblem("untrusted", UNKNOWN_UNTIL_DEPLOY)).toMatch(/not known until deploy/);
    });
});

describe("image builds", () => {
    test("build label maps declare trust like label lists; missing is untrusted", () => {
        expect(trustFromBuildLabels({ "windows-isolation.trust": "trusted" }, undefined)).toEqual({ ok: true, trust: "trusted", declared: true });
        expect(trustFromBuildLabels({ "windows-isolation.trust": "trusted" }, { "windows-isolation.trust": "untrusted" })).toMatchObject({ trust: "untrusted" });
        expect(trustFromBuildLabels(undefined, undefined)).toEqual({ ok: true, trust: "untrusted", declared: false });
    });
});

describe("componentChildProblems", () => {
    const wc = { name: "wc", trust: "untrusted", isolation: "hyperv" };
    const untrusted = trustFromLabels([{ label: "windows-isolation.trust", value: "untrusted" }]);
    test("the component's own service with its decision: no problem ('HyperV' is hyperv to Docker)", () => {
        expect(componentChildProblems(wc, { kind: "docker.Service", name: "wc-service", direct: true, isolation: "HyperV", trust: untrusted })).toEqual([]);
    });
    test("the same name one level deeper is an extra service", () => {
        expect(componentChildProblems(wc, { kind: "docker.Service", name: "wc-service", direct: false, isolation: "hyperv", trust: untrusted })).toEqual([expect.stringMatching(/an extra docker.Service/)]);
    });
    test("an unlabelled service under a trusted component differs too", () => {
        const trusted = { name: "wc", trust: "trusted", isolation: "process" };
        expect(componentChildProblems(trusted, { kind: "docker.Service", name: "wc-service", direct: true, isolation: "process", trust: trustFromLabels(undefined) })).toEqual([expect.stringMatching(/trust label windows-isolation.trust 'untrusted' differs/)]);
    });
});
