import {
    containerHostVmProblems,
    containerResourceProblem,
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
    test("a nested-virtualization size with Standard: no problems", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "Standard" })).toEqual([]);
    });
    test("securityType missing or TrustedLaunch is a problem", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5" })).toEqual([expect.stringMatching(/securityType is not set/)]);
        expect(containerHostVmProblems({ vmSize: "Standard_D4s_v5", securityType: "TrustedLaunch" })).toEqual([expect.stringMatching(/securityType 'TrustedLaunch' breaks Hyper-V/)]);
    });
    test("an unlisted size fails unless explicitly allowed", () => {
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9", securityType: "Standard" })).toEqual([expect.stringMatching(/not in the table/)]);
        expect(containerHostVmProblems({ vmSize: "Standard_Q9_v9", securityType: "Standard", allowUnlistedVmSize: true })).toEqual([]);
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
