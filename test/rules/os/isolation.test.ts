import fc from "fast-check";
import {
    decideIsolation,
    dockerIsolation,
    ISOLATION_MODES,
    isolationSupport,
    knownBuilds,
    parseIsolation,
    parseTrust,
} from "../../../rules";
import { MICROSOFT_TABLE } from "../../fixtures/microsoftCompatibility";

const base = { hostBuild: 20348, imageBuild: 20348, hostHypervCapable: true };

describe("dockerIsolation: as moby reads it (lower-cased; anything else is the daemon default)", () => {
    test.each([
        ["hyperv", "hyperv"],
        ["HyperV", "hyperv"],
        ["HYPERV", "hyperv"],
        ["process", "process"],
        ["PROCESS", "process"],
        ["Process", "process"],
        ["default", "default"],
        ["DEFAULT", "default"],
        ["", "default"],
        ["Hyper-V", "default"],
        ["hyperv ", "default"],
        ["processs", "default"],
        [undefined, "default"],
        [null, "default"],
        [1, "default"],
    ])("%j is %s", (value, mode) => {
        expect(dockerIsolation(value)).toBe(mode);
    });
    test("WindowsContainer's own input stays strict: 'HyperV' is refused there", () => {
        expect(parseIsolation("HyperV").ok).toBe(false);
    });
});

describe("parseTrust / parseIsolation", () => {
    test("missing trust means untrusted", () => {
        expect(parseTrust(undefined)).toEqual({ ok: true, value: "untrusted" });
        expect(parseTrust(null)).toEqual({ ok: true, value: "untrusted" });
    });
    test("an unknown trust level is an error naming the field and the choices", () => {
        expect(parseTrust("semi")).toEqual({
            ok: false,
            error: { field: "trust", value: "semi", message: "trust 'semi' is not a trust level; use 'trusted' or 'untrusted' (or leave it out: untrusted)" },
        });
    });
    test("'default' isolation is refused: it hands the choice to the daemon", () => {
        const r = parseIsolation("default");
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error.message).toMatch(/^isolation 'default' hands the choice to the Docker daemon.*use 'process' or 'hyperv'/);
    });
    test("an unknown isolation string is refused", () => {
        const r = parseIsolation("HyperV");
        expect(!r.ok && r.error).toEqual({ field: "isolation", value: "HyperV", message: expect.stringMatching(/^isolation 'HyperV' is not an isolation mode/) });
    });
});

describe("decideIsolation", () => {
    test("untrusted by default, Hyper-V by default", () => {
        expect(decideIsolation(base)).toEqual({ ok: true, trust: "untrusted", requested: undefined, isolation: "hyperv", reason: expect.stringMatching(/only under Hyper-V/) });
    });
    test("untrusted + process is an error that names both fields and the fix", () => {
        const r = decideIsolation({ ...base, trust: "untrusted", requested: "process" });
        expect(r).toEqual({
            ok: false,
            error: {
                field: "isolation",
                value: "process",
                message: "trust 'untrusted' requires isolation 'hyperv', got 'process'; set isolation: 'hyperv' (or leave it out), or declare the workload trust: 'trusted' if it really is",
            },
        });
    });
    test("missing trust + process is the untrusted + process error (fail closed)", () => {
        const r = decideIsolation({ ...base, requested: "process" });
        expect(!r.ok && r.error.message).toMatch(/^trust 'untrusted' requires isolation 'hyperv', got 'process'/);
    });
    test("trusted on a matching image picks process, the cheapest mode", () => {
        expect(decideIsolation({ ...base, trust: "trusted" })).toMatchObject({ ok: true, isolation: "process", reason: expect.stringMatching(/^cheapest compatible mode/) });
    });
    test("trusted ltsc2019 on a 2022 host falls back to hyperv because of the version rule", () => {
        expect(decideIsolation({ ...base, trust: "trusted", imageBuild: 17763 })).toMatchObject({ ok: true, isolation: "hyperv", reason: expect.stringMatching(/process isolation cannot run it/) });
    });
    test("trusted ltsc2019 on a 2022 host without Hyper-V: no mode works, and the message says why", () => {
        const r = decideIsolation({ ...base, trust: "trusted", imageBuild: 17763, hostHypervCapable: false });
        expect(!r.ok && r.error.message).toMatch(/^no isolation mode runs image 17763 \(ltsc2019\) on host 20348 \(ltsc2022\): process isolation needs an image tagged ltsc2022/);
    });
    test("an image newer than the host", () => {
        const r = decideIsolation({ ...base, imageBuild: 26100 });
        expect(!r.ok && r.error).toEqual({
            field: "image",
            value: 26100,
            message: "image build 26100 (ltsc2025) is newer than host build 20348 (ltsc2022): Windows never runs a newer image; use an image built for ltsc2022 or older, or a host at 26100 or newer",
        });
    });
    test("process isolation across builds", () => {
        const r = decideIsolation({ ...base, trust: "trusted", requested: "process", imageBuild: 17763 });
        expect(!r.ok && r.error.message).toMatch(/^isolation 'process' cannot run image 17763 \(ltsc2019\) on host 20348 \(ltsc2022\): .*; use isolation 'hyperv' or an image tagged ltsc2022$/);
    });
    test("process isolation on a 2025 host names the accepted range", () => {
        const r = decideIsolation({ ...base, hostBuild: 26100, trust: "trusted", requested: "process", imageBuild: 17763 });
        expect(!r.ok && r.error.message).toMatch(/use isolation 'hyperv' or an image from ltsc2022 to ltsc2025$/);
    });
    test("hyperv on a host that is not Hyper-V capable", () => {
        const r = decideIsolation({ ...base, hostHypervCapable: false });
        expect(!r.ok && r.error).toMatchObject({ field: "isolation", value: "hyperv", message: expect.stringMatching(/^isolation 'hyperv' needs a Hyper-V capable host, and this host has hypervCapable false/) });
    });
    test("unknown host build, host below 17763, unknown image build", () => {
        expect(decideIsolation({ ...base, hostBuild: 20000 })).toMatchObject({ ok: false, error: { field: "osBuild", value: 20000 } });
        expect(decideIsolation({ ...base, hostBuild: 14393, imageBuild: 14393 })).toMatchObject({ ok: false, error: { field: "osBuild", message: expect.stringMatching(/older than 17763/) } });
        expect(decideIsolation({ ...base, imageBuild: 22621 })).toMatchObject({ ok: false, error: { field: "imageOsBuild", value: 22621 } });
    });
    test("invalid trust and isolation values are reported before any build check", () => {
        expect(decideIsolation({ ...base, hostBuild: 1, trust: "maybe" })).toMatchObject({ ok: false, error: { field: "trust" } });
        expect(decideIsolation({ ...base, hostBuild: 1, requested: "default" })).toMatchObject({ ok: false, error: { field: "isolation", value: "default" } });
    });
});

describe("properties over (trust, requested, host build, image build, hyperv capability)", () => {
    const builds = knownBuilds().map((b) => b.build);
    const oracle = new Map(MICROSOFT_TABLE.map(([h, i, p, v]) => [`${h}/${i}`, { process: p, hyperv: v }]));
    const arbitraryRequest = fc.record({
        trust: fc.constantFrom(undefined, "trusted", "untrusted", "Trusted", ""),
        requested: fc.constantFrom(undefined, "process", "hyperv", "default", "Process", ""),
        hostBuild: fc.oneof(fc.constantFrom(...builds), fc.integer({ min: 0, max: 40000 })),
        imageBuild: fc.oneof(fc.constantFrom(...builds), fc.integer({ min: 0, max: 40000 })),
        hostHypervCapable: fc.boolean(),
    });

    test("an untrusted (or unlabelled) workload never gets anything but an explicit hyperv", () => {
        fc.assert(
            fc.property(arbitraryRequest, (req) => {
                const r = decideIsolation(req);
                if (r.ok && r.trust === "untrusted") {
                    expect(r.isolation).toBe("hyperv");
                    expect(req.trust === undefined || req.trust === "untrusted").toBe(true);
                }
                if (r.ok) expect(ISOLATION_MODES).toContain(r.isolation);
            }),
            { numRuns: 20000 },
        );
    });

    test("every accepted combination is one the compatibility rule supports, on a capable host for hyperv", () => {
        fc.assert(
            fc.property(arbitraryRequest, (req) => {
                const r = decideIsolation(req);
                if (!r.ok) return;
                expect(isolationSupport(req.hostBuild, req.imageBuild)[r.isolation].supported).toBe(true);
                if (r.isolation === "hyperv") expect(req.hostHypervCapable).toBe(true);
                const expected = oracle.get(`${req.hostBuild}/${req.imageBuild}`);
                if (expected) expect(expected[r.isolation]).toBe(true);
            }),
            { numRuns: 20000 },
        );
    });

    test("on the cells of Microsoft's table, every supported trusted request is accepted", () => {
        for (const [hostBuild, imageBuild, process, hyperv] of MICROSOFT_TABLE.filter(([h]) => h >= 17763)) {
            for (const requested of ["process", "hyperv"] as const) {
                const r = decideIsolation({ trust: "trusted", requested, hostBuild, imageBuild, hostHypervCapable: true });
                expect([hostBuild, imageBuild, requested, r.ok]).toEqual([hostBuild, imageBuild, requested, requested === "process" ? process : hyperv]);
            }
        }
    });
});
