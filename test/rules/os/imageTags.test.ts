/**
 * Real published image tags through imageOsBuild: the bar is zero wrong pins. Each row names
 * where the tag is published or used; builds from Microsoft's version-compatibility page
 * (14393 = 1607/2016, 17763 = 1809/2019, 19041 = 2004, 19042 = 20H2, 20348 = 2022, 26100 = 2025/24H2).
 */
import fc from "fast-check";
import { imageOsBuild } from "../../../rules";

describe("real Windows tags pin the build they are", () => {
    test.each<[string, number, string]>([
        // Microsoft's base images on MCR.
        ["mcr.microsoft.com/windows/servercore:ltsc2019", 17763, "learn.microsoft.com virtualization/windowscontainers/deploy-containers/update-containers"],
        ["mcr.microsoft.com/windows/servercore:1909", 18363, "learn.microsoft.com .../update-containers (SAC example)"],
        ["mcr.microsoft.com/windows:1809", 17763, "pastebin.com/U9fuib2Q (docker pull list of MCR base images)"],
        ["mcr.microsoft.com/windows/nanoserver:1709", 16299, "pastebin.com/U9fuib2Q"],
        ["mcr.microsoft.com/windows/servercore:2009", 19042, "an Apache-PHP Dockerfile FROM line; a Go test mapping osversion.V20H2 to servercore:2009"],
        ["mcr.microsoft.com/windows:20H2-KB5016616", 19042, "github.com/Harvester57/docker-ltsc2021 Dockerfile"],
        ["mcr.microsoft.com/windows/nanoserver:ltsc2022-KB5017316", 20348, "github.com/Harvester57/docker-ltsc2021 Dockerfile"],
        ["mcr.microsoft.com/windows/server:ltsc2022", 20348, "gitlab.com/gitlab-org/gitlab-runner issue 28168; WebKitForWindows/docker-webkit-dev"],
        ["ghcr.io/containerd/windows/nanoserver:1809", 17763, "github.com/containerd/containerd packages (windows/10.0.17763.4645/amd64)"],
        ["ghcr.io/containerd/windows/nanoserver:ltsc2022", 20348, "github.com/orgs/containerd packages (windows/10.0.20348.1850/amd64)"],
        ["microsoft/windowsservercore:10.0.14393.1198", 14393, "sixeyed/devtest-lab-ddc pull-base-images.ps1"],
        ["microsoft/nanoserver:10.0.14393.1198", 14393, "sixeyed/devtest-lab-ddc pull-base-images.ps1"],
        // .NET and .NET Framework images.
        ["mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019", 17763, "JetBrains/teamcity-docker-images generated build scripts"],
        ["mcr.microsoft.com/dotnet/aspnet:3.1.9-nanoserver-2009", 19042, "dotnet-docker README, 'Windows Server, version 2009 amd64 Tags'"],
        ["mcr.microsoft.com/dotnet/sdk:5.0-nanoserver-2009", 19042, "dotnet-docker README, 'Windows Server, version 2009 amd64 Tags'"],
        ["mcr.microsoft.com/dotnet/sdk:3.1-nanoserver-2004", 19041, "cakebuild/cake image table"],
        ["mcr.microsoft.com/dotnet/sdk:3.1-nanoserver-20H2", 19042, "cakebuild/cake image table"],
        ["mcr.microsoft.com/dotnet/samples:dotnetapp-nanoserver-2009", 19042, "Docker's Windows install docs (docker pull ... dotnetapp-nanoserver-2009)"],
        ["mcr.microsoft.com/powershell:nanoserver-1809", 17763, "JetBrains/teamcity-docker-images generated build scripts"],
        ["mcr.microsoft.com/powershell:lts-windowsserver-ltsc2022", 20348, "jenkinsci/docker-agent issue 424"],
        ["mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022", 20348, "jenkinsci/docker-agent issue 424"],
        // Docker Hub official and vendors' images.
        ["golang:1.12-nanoserver-sac2016", 14393, "docker-library/golang commit ddb2283 (nanoserver-sac2016 variant, removed at EOL)"],
        ["golang:1.12-windowsservercore-ltsc2016", 14393, "docker-library/golang commit ddb2283"],
        ["golang:1.11-windowsservercore-1809", 17763, "docker-library/golang commit ddb2283 (windows/windowsservercore-1809)"],
        ["python:3.13-windowsservercore-ltsc2025", 26100, "docker-library/python commit a6d53a6 (Add Windows Server 2025 variant)"],
        ["pypy:3.10-windowsservercore-ltsc2025", 26100, "docker-library/pypy pull 85"],
        ["eclipse-temurin:17-windowsservercore-ltsc2022", 20348, "jenkinsci/docker-agent issue 424"],
        ["gesellix/registry:2.7.1-windows-ltsc2022", 20348, "docker-client/docker-registry pull 5"],
        ["gesellix/registry:2.7.1-windows-1809", 17763, "docker-client/docker-registry pull 5"],
        ["teamcity-agent:2022.10.3-nanoserver-1809", 17763, "JetBrains/teamcity-docker-images generated build scripts"],
        ["teamcity-agent:2022.10.3-windowsservercore-1809", 17763, "JetBrains/teamcity-docker-images generated build scripts"],
        // Releases glued to their Windows word (issue 13's list of tags seen in vendors' images).
        ["vendor/agent:7-nanoserver1809", 17763, "issue 13: nanoserver1809"],
        ["vendor/agent:7-servercore20H2", 19042, "issue 13: servercore20H2"],
        ["vendor/agent:7-windows1809", 17763, "issue 13: windows1809"],
        ["vendor/agent:7-windowsltsc2022", 20348, "issue 13: windowsltsc2022"],
        ["vendor/agent:7-nanoserver-24H2", 26100, "constructed: 24H2 is 26100 for Windows 11 24H2 and Windows Server 2025 alike (gitlab-runner issue 38316)"],
    ])("%s → %d (%s)", (image, build) => {
        expect(imageOsBuild(image)).toMatchObject({ status: "pinned", build });
    });
});

describe("real tags that do not say which Windows build stay unknown", () => {
    test.each<[string, string]>([
        ["mcr.microsoft.com/dotnet/runtime:8.0-jammy", "dotnet-docker: Ubuntu 22.04 (jammy) variant"],
        ["team/ci:ubuntu-2004", "issue 13: a Linux tag the old reading pinned to 19041"],
        ["gesellix/registry:2.7.1-windows", "docker-client/docker-registry pull 5 (no release)"],
        ["mcr.microsoft.com/dotnet/framework/sdk:4.8", "dotnet-framework-docker README (a manifest list over several builds)"],
        ["mcr.microsoft.com/windows/servercore:21H2", "constructed: 21H2 is Windows 10 (19044) and Windows Server 2022 (20348); gitlab-runner issue 28168 calls ltsc2022 21H2"],
        ["vendor/agent:7-windows-22H2", "constructed: 22H2 is Windows 10 (19045) and Windows 11 (22621)"],
        ["mcr.microsoft.com/windows/servercore:2022", "constructed: a bare year is not a release name"],
        ["team/app:2019", "constructed: a bare year"],
        ["team/app:1809", "constructed: a release number on an image that does not say it is Windows"],
        ["team/app:2.0-24h2", "constructed: the same, 24H2"],
    ])("%s (%s)", (image) => {
        expect(imageOsBuild(image).status).toBe("unknown");
    });
});

describe("no Linux-looking tag ever pins", () => {
    const LINUX_WORDS = ["ubuntu", "focal", "jammy", "noble", "bionic", "alpine", "alpine3.20", "bookworm", "bullseye", "slim", "debian", "centos", "rhel", "ubi9", "fedora", "amazonlinux", "azurelinux3.0", "cbl-mariner2.0", "jdk", "python3.12", "node20"];
    const VERSIONISH = ["2004", "1809", "1607", "1709", "1803", "1903", "1909", "2009", "20h2", "20H2", "24h2", "24H2", "21h2", "2016", "2019", "2022", "2025", "10.0.17763", "10.0.20348.2527", "10.0.19041", "1", "8.0", "20.04", "22.04"];
    const LINUX_REPOS = ["ubuntu", "library/python", "node", "buildpack-deps", "ghcr.io/org/app", "team/app", "registry.example:5000/ci/runner", "mcr.microsoft.com/dotnet/runtime", "mcr.microsoft.com/azurelinux/base/core"];
    const token = fc.oneof(fc.constantFrom(...LINUX_WORDS), fc.constantFrom(...VERSIONISH), fc.stringMatching(/^[a-z0-9]{1,6}$/));
    const tag = fc.tuple(fc.array(token, { minLength: 1, maxLength: 4 }), fc.constantFrom("-", "_")).map(([ts, sep]) => ts.join(sep));

    test("any Linux repository with any tag of Linux words and release-like numbers: never pinned", () => {
        fc.assert(
            fc.property(fc.constantFrom(...LINUX_REPOS), tag, (repo, t) => {
                // A random token may spell a Windows word or release by chance; those tags are not Linux-looking.
                fc.pre(!/(windows|servercore|nanoserver|ltsc|sac2016)/i.test(t));
                const result = imageOsBuild(`${repo}:${t}`);
                expect([`${repo}:${t}`, result.status === "pinned"]).toEqual([`${repo}:${t}`, false]);
            }),
            { numRuns: 2000 },
        );
    });
});
