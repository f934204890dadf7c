import { checkHypervHostSize, lookupVmSize, VM_SIZE_SERIES } from "../../../rules";

describe("the size table", () => {
    test("holds the 108 series read from Microsoft's size pages, each with a source", () => {
        expect(VM_SIZE_SERIES).toHaveLength(108);
        expect(VM_SIZE_SERIES.filter((s) => s.nestedVirtualization === "supported")).toHaveLength(66);
        expect(VM_SIZE_SERIES.filter((s) => s.nestedVirtualization === "not-supported")).toHaveLength(41);
        for (const s of VM_SIZE_SERIES) {
            expect(s.source.path).toMatch(/^articles\/virtual-machines\//);
            expect(s.source.commit).toMatch(/^[0-9a-f]{8}/);
            expect(s.pattern.source).toMatch(/^\^Standard_.*\$$/);
        }
    });
});

describe("lookupVmSize", () => {
    test.each([
        ["Standard_D4s_v5", "Dsv5", 4],
        ["standard_d4s_v5", "Dsv5", 4],
        ["Standard_D4as_v4", "Dasv4", 4],
        ["Standard_DC4as_v5", "DCasv5 (SEV-SNP CVM)", 4],
        ["Standard_DC4as_cc_v5", "DCas_cc_v5 (confidential child, preview)", 4],
        ["Standard_E104ids_v5", "Edsv5", 104],
        ["Standard_B2ms", "Bv1 (Bs, burstable)", 2],
        ["Standard_DS1_v2", "Dsv2 (DS1–DS5; also DS11–DS15)", 1],
        ["Standard_M96s_2_v3", "Msv3 Medium Memory", 96],
        ["Standard_E8-4s_v3", "Esv3", 4],
    ])("%s is series %s with %d vCPUs", (size, series, vcpus) => {
        const facts = lookupVmSize(size);
        expect(facts.series?.series).toBe(series);
        expect(facts.vcpus).toBe(vcpus);
    });

    test("each size name matches at most one series", () => {
        const samples = ["Standard_D4s_v5", "Standard_D4ds_v5", "Standard_D4lds_v5", "Standard_D4as_v5", "Standard_D4ads_v6", "Standard_D4ps_v5", "Standard_DC4as_v5", "Standard_DC4ads_cc_v5", "Standard_E4s_v5", "Standard_E4bds_v5", "Standard_B2ats_v2", "Standard_F4s_v2", "Standard_L8s_v3"];
        for (const size of samples) expect([size, VM_SIZE_SERIES.filter((s) => s.pattern.test(size)).length]).toEqual([size, 1]);
    });
});

describe("checkHypervHostSize", () => {
    test("the default size passes", () => {
        expect(checkHypervHostSize("Standard_D4s_v5", { securityType: "Standard", generation: 2 })).toMatchObject({ ok: true, problems: [] });
    });
    test.each([
        ["Standard_B2s_v2", /series Bsv2, whose Azure size page says nested virtualization is not supported/],
        ["Standard_D4as_v4", /series Dasv4/],
        ["Standard_DC4as_v5", /series DCasv5/],
        ["Standard_D4ps_v5", /series Dpsv5/],
        ["Standard_EC4ads_v5", /does not state nested virtualization support/],
    ])("%s is refused", (size, reason) => {
        const r = checkHypervHostSize(size);
        expect(r.ok).toBe(false);
        expect(r.problems.join("; ")).toMatch(reason);
    });
    test("a 1-vCPU size is refused for its vCPU count", () => {
        expect(checkHypervHostSize("Standard_DC1s_v3").problems).toContain("vmSize 'Standard_DC1s_v3' has 1 vCPU; a Hyper-V container host needs at least 2");
    });
    test("an unlisted size is an error unless explicitly allowed", () => {
        expect(checkHypervHostSize("Standard_NC6s_v3").problems[0]).toMatch(/^vmSize 'Standard_NC6s_v3' is not in the table.*allowUnlistedVmSize: true/);
        expect(checkHypervHostSize("Standard_NC6s_v3", { allowUnlistedVmSize: true }).ok).toBe(true);
    });
    test("Trusted Launch is refused", () => {
        expect(checkHypervHostSize("Standard_D4s_v5", { securityType: "TrustedLaunch" }).problems[0]).toMatch(/^securityType 'TrustedLaunch' breaks Hyper-V.*use securityType 'Standard'/);
    });
    test("a Gen1-only series with a Gen2 image is refused", () => {
        expect(checkHypervHostSize("Standard_D4_v3", { generation: 2 }).problems[0]).toMatch(/does not run generation 2 VMs/);
    });
});
