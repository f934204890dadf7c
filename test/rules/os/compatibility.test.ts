import { isolationSupport, osIsolationSupport } from "../../../rules";
import { MICROSOFT_TABLE } from "../../fixtures/microsoftCompatibility";


describe("Microsoft's version-compatibility table", () => {
    test.each(MICROSOFT_TABLE)("host %d, image %d: process %s, hyperv %s", (host, image, process, hyperv) => {
        const os = osIsolationSupport(host, image);
        expect(os.process.supported).toBe(process);
        expect(os.hyperv.supported).toBe(hyperv);
        if (host >= 17763) {
            const engine = isolationSupport(host, image);
            expect([engine.process.supported, engine.hyperv.supported]).toEqual([process, hyperv]);
        }
    });
});

describe("edge cases", () => {
    test("an image newer than the host never runs, and the reason says so", () => {
        const s = isolationSupport(20348, 26100);
        expect(s.hyperv).toEqual({ supported: false, reason: expect.stringMatching(/newer than host build 20348/) });
    });

    test("14393: process isolation needs the same revision", () => {
        expect(osIsolationSupport({ build: 14393, revision: 7159 }, { build: 14393, revision: 7159 }).process.supported).toBe(true);
        const differ = osIsolationSupport({ build: 14393, revision: 7159 }, { build: 14393, revision: 6981 });
        expect(differ.process).toEqual({ supported: false, reason: expect.stringMatching(/same revision: host 14393.7159, image 14393.6981/) });
        expect(differ.hyperv.supported).toBe(true);
    });

    test("14393: an unknown revision fails closed for process isolation", () => {
        expect(osIsolationSupport(14393, 14393).process.supported).toBe(false);
        expect(osIsolationSupport({ build: 14393, revision: 1 }, 14393).process.supported).toBe(false);
    });

    test("1709 and 1803 (before 1809) need the same revision too, judged exactly when both are known", () => {
        for (const build of [16299, 17134]) {
            expect(osIsolationSupport({ build, revision: 2 }, { build, revision: 2 }).process).toEqual({ supported: true, reason: `image build and revision equal the host's (${build}.2)` });
            expect(osIsolationSupport({ build, revision: 2 }, { build, revision: 3 }).process.reason).toBe(`process isolation on ${build} needs the same revision: host ${build}.2, image ${build}.3`);
            expect(osIsolationSupport({ build, revision: 2 }, build).process.reason).toBe(`process isolation on ${build} needs the image revision to equal the host revision, and the image's is not known`);
            expect(osIsolationSupport(build, { build, revision: 2 }).process.reason).toBe(`process isolation on ${build} needs the image revision to equal the host revision, and the host's is not known`);
        }
    });

    test("17763 and later need no revision match", () => {
        expect(osIsolationSupport({ build: 17763, revision: 100 }, { build: 17763, revision: 5 }).process.supported).toBe(true);
    });

    test("hosts below 17763: Windows would run them, current Docker engines do not", () => {
        const s = isolationSupport({ build: 14393, revision: 7159 }, { build: 14393, revision: 7159 });
        expect(s.process).toEqual({ supported: false, reason: expect.stringMatching(/do not run on host build 14393/) });
        expect(s.hyperv.supported).toBe(false);
    });

    test("unknown builds are never supported", () => {
        expect(isolationSupport(20349, 20348).hyperv).toEqual({ supported: false, reason: expect.stringMatching(/host build 20349 is not a Windows build/) });
        expect(isolationSupport(20348, 22621).hyperv).toEqual({ supported: false, reason: expect.stringMatching(/image build 22621 is not a Windows build Microsoft publishes/) });
    });
});
