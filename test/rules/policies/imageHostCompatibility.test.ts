import { imageHostVerdict } from "../../../rules/policies/imageHostCompatibility";

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
