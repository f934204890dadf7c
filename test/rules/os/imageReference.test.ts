import { imageOsBuild, imagePinning, parseImageReference } from "../../../rules";

describe("imageOsBuild", () => {
    test.each([
        ["mcr.microsoft.com/windows/servercore:ltsc2022", 20348, undefined],
        ["mcr.microsoft.com/windows/servercore:ltsc2019", 17763, undefined],
        ["mcr.microsoft.com/windows/servercore:ltsc2016", 14393, undefined],
        ["mcr.microsoft.com/windows/servercore:ltsc2025", 26100, undefined],
        ["mcr.microsoft.com/windows/nanoserver:1809", 17763, undefined],
        ["mcr.microsoft.com/windows/servercore:10.0.20348.2527", 20348, 2527],
        ["mcr.microsoft.com/windows/servercore:10.0.17763.5936-amd64", 17763, 5936],
        ["mcr.microsoft.com/windows/servercore:ltsc2022-KB5039227", 20348, undefined],
        ["mcr.microsoft.com/windows/servercore:1809-KB5039217", 17763, undefined],
        ["myreg.azurecr.io:5000/team/app:ltsc2019", 17763, undefined],
        ["localhost:5000/app:ltsc2022", 20348, undefined],
        ["mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019", 17763, undefined],
        ["mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022", 20348, undefined],
        ["mcr.microsoft.com/windows/servercore:20H2", 19042, undefined],
        ["mcr.microsoft.com/windows/servercore:ltsc2022@sha256:" + "a".repeat(64), 20348, undefined],
        ["team/app:ltsc2022-10.0.20348.2527", 20348, 2527],
    ])("%s pins build %d", (image, build, revision) => {
        expect(imageOsBuild(image)).toEqual({ status: "pinned", build, revision, token: expect.any(String) });
    });

    test.each([
        ["mcr.microsoft.com/windows/servercore:latest", /does not name a Windows build/],
        ["mcr.microsoft.com/windows/servercore", /no tag/],
        ["mcr.microsoft.com/windows/servercore@sha256:" + "b".repeat(64), /digest alone/],
        ["team/app:1.4.2", /does not name a Windows build/],
        ["team/app:ltsc2019-ltsc2022", /more than one Windows build/],
        ["team/app:10.0.12345.1", /does not know/],
        ["myreg.azurecr.io:5000/team/app", /no tag/],
    ])("%s is unknown, never guessed", (image, reason) => {
        const result = imageOsBuild(image);
        expect(result.status).toBe("unknown");
        expect(result.status === "unknown" && result.reason).toMatch(reason);
    });

    test.each([
        ["", /empty/],
        ["Team/App:ltsc2022", /lowercase/],
        ["team/app:ltsc 2022", /white space/],
        ["team/app:-bad", /not a valid Docker tag/],
        ["team/app@sha256:xyz", /algorithm:hex/],
        ["my_reg:5000/app:ltsc2022", /^its registry is not a valid host\[:port\]$/],
    ])("%j is invalid", (image, reason) => {
        const result = imageOsBuild(image);
        expect(result.status).toBe("invalid");
        expect(result.status === "invalid" && result.reason).toMatch(reason);
    });
});

describe("parseImageReference", () => {
    test("splits registry with port, namespace, tag and digest", () => {
        const digest = "sha256:" + "c".repeat(64);
        expect(parseImageReference(`myreg.azurecr.io:5000/team/app:ltsc2019@${digest}`)).toEqual({
            ok: true,
            reference: { domain: "myreg.azurecr.io:5000", path: "team/app", tag: "ltsc2019", digest },
        });
    });
    test("a first component without dot or port is a namespace, not a registry", () => {
        expect(parseImageReference("team/app:ltsc2019")).toEqual({ ok: true, reference: { domain: undefined, path: "team/app", tag: "ltsc2019", digest: undefined } });
    });
});

describe("imagePinning", () => {
    test.each([
        ["app", "untagged"],
        ["app:latest", "latest"],
        ["app:ltsc2022", "tag"],
        ["app@sha256:" + "d".repeat(64), "digest"],
        ["App", "invalid"],
    ])("%s is %s", (image, pinning) => expect(imagePinning(image)).toBe(pinning));
});

describe("reasons never quote a part of the reference (an image may be a secret; only the whole value is cut from reports)", () => {
    // Every image carries the marker "zqx" in the part its reason is about.
    test.each([
        "registry.corp.example/Tenant-ZQX-payroll/app:ltsc2022",
        "team/app:-zqx",
        "team/app@sha256:zqx",
        "my_zqx:5000/app:ltsc2022",
        "mcr.microsoft.com/windows/servercore:zqx-1.0",
        "mcr.microsoft.com/windows/servercore:10.0.29999.1-zqx",
        "mcr.microsoft.com/windows/servercore:21h2-zqx",
        "zqx/app:1809",
        "mcr.microsoft.com/windows/servercore:ltsc2019-ltsc2022-zqx",
    ])("%s", (image) => {
        const result = imageOsBuild(image);
        expect(result.status).not.toBe("pinned");
        const reason = result.status === "pinned" ? "" : result.reason;
        expect([reason, /zqx/i.test(reason)]).toEqual([reason, false]);
    });
});
