/** image-host-compatibility on a resolved image: the exact build the host pulls, never the tag's word. */
import { imageHostVerdict, serviceHostVerdict } from "../../../rules/policies/imageHostCompatibility";
import { ImageResolution } from "../../../rules/os/resolvedImage";

const d = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const resolved = (reference: string, versions: string[]): ImageResolution => ({
    reference,
    registry: "reg.example",
    digest: d(0),
    platforms: versions.map((v, i) => ({ digest: d(i + 1), os: "windows", architecture: "amd64", osVersion: v })),
});
const verdict = (image: string, resolution: ImageResolution, hostBuild: number, isolation: string, extra: { trusted?: boolean; imageBuild?: number } = {}) =>
    imageHostVerdict({ image, resolution, hostBuild, isolation, hostHypervCapable: true, ...extra });

test("a private tag that says nothing is judged on the build the registry names", () => {
    const r = resolved("reg.example/app:1.4", ["10.0.17763.6054"]);
    expect(verdict("reg.example/app:1.4", r, 17763, "process")).toEqual({ status: "ok", reason: `10.0.17763.6054 (${d(1)}): image build equals host build 17763 (ltsc2019)` });
    expect(verdict("reg.example/app:1.4", r, 20348, "process")).toEqual({
        status: "violation",
        message: `isolation 'process' cannot run image 'reg.example/app:1.4' at 10.0.17763.6054 (${d(1)}) on host build 20348 (ltsc2022): process isolation on host 20348 (ltsc2022) runs images from 20348 (ltsc2022) to 20348 (ltsc2022); image is 17763 (ltsc2019)`,
    });
    // Offline the same reference cannot be judged at all.
    expect(imageHostVerdict({ image: "reg.example/app:1.4", hostBuild: 17763, isolation: "process" }).status).toBe("violation");
});

test("a multi-platform index: each host is judged on the entry its engine pulls", () => {
    const r = resolved("reg.example/windows/servercore:multi", ["10.0.17763.5576", "10.0.20348.2340", "10.0.26100.1742"]);
    for (const host of [17763, 20348, 26100]) expect(verdict(r.reference, r, host, "process").status).toBe("ok");
});

test("a tag whose build differs from the registry's is a finding, whatever the host", () => {
    const r = resolved("reg.example/windows/servercore:ltsc2022", ["10.0.17763.5576"]);
    expect(verdict(r.reference, r, 17763, "hyperv")).toEqual({
        status: "violation",
        message: `image 'reg.example/windows/servercore:ltsc2022' is tagged 'ltsc2022' (20348 (ltsc2022)) but reg.example says ${d(0)} is 17763 (ltsc2019); fix the tag or pin the digest`,
    });
});

test("a declared imageOsBuild the registry contradicts is a finding", () => {
    const r = resolved("reg.example/app:1.4", ["10.0.17763.6054"]);
    expect(verdict(r.reference, r, 20348, "hyperv", { imageBuild: 20348 }).status).toBe("violation");
});

test("every entry newer than the host: nothing to pull", () => {
    const r = resolved("reg.example/app:1.4", ["10.0.26100.1"]);
    expect(verdict(r.reference, r, 20348, "hyperv")).toEqual({ status: "violation", message: `image 'reg.example/app:1.4' (${d(0)}) has no amd64 Windows platform a host of build 20348 (ltsc2022) pulls (it has amd64 10.0.26100.1)` });
});

test("unresolvable: an error for an untrusted workload, the offline reading for a trusted one", () => {
    const failed: ImageResolution = { reference: "mcr.microsoft.com/windows/servercore:ltsc2022", registry: "mcr.microsoft.com", error: "image 'mcr.microsoft.com/windows/servercore:ltsc2022' at mcr.microsoft.com: unreachable after 4 attempts: ENOTFOUND" };
    expect(verdict(failed.reference, failed, 20348, "hyperv")).toEqual({
        status: "violation",
        message: "image 'mcr.microsoft.com/windows/servercore:ltsc2022' at mcr.microsoft.com: unreachable after 4 attempts: ENOTFOUND; an untrusted workload is judged only on what its registry says, never on a guess",
    });
    expect(verdict(failed.reference, failed, 20348, "process", { trusted: true }).status).toBe("ok");
});

test("a Linux-only image is a finding", () => {
    const linux: ImageResolution = { reference: "reg.example/alpine:3", registry: "reg.example", digest: d(0), platforms: [{ digest: d(1), os: "linux", architecture: "amd64" }] };
    expect(verdict(linux.reference, linux, 20348, "hyperv")).toEqual({ status: "violation", message: `image 'reg.example/alpine:3' (${d(0)} at reg.example) has no Windows platform (platforms: linux/amd64)` });
});

test("a service on swarm nodes: each admitted node judged on its own pick", () => {
    const r = resolved("reg.example/app:1.4", ["10.0.20348.2340"]);
    const host = { osBuild: 20348, hypervCapable: true, swarmNodes: [{ name: "a", osBuild: 20348, hypervCapable: true, labels: {} }, { name: "b", osBuild: 17763, hypervCapable: true, labels: {} }] };
    const v = serviceHostVerdict({ image: r.reference, isolation: "hyperv", constraints: [], resolution: r }, host as never);
    expect(v).toEqual({ status: "violation", message: `on swarm node 'b', which its placement constraints admit: image 'reg.example/app:1.4' (${d(0)}) has no amd64 Windows platform a host of build 17763 (ltsc2019) pulls (it has amd64 10.0.20348.2340)` });
});
