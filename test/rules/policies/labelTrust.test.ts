import { judgedTrust, trustFromBuildLabels, trustFromLabels } from "../../../rules/policies/labelTrust";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

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

describe("unknown values during preview", () => {
    test("a trust label list or value unknown until deploy is untrusted", () => {
        expect(trustFromLabels(UNKNOWN_UNTIL_DEPLOY)).toEqual({ ok: true, trust: "untrusted", declared: true, unknown: true });
        expect(trustFromLabels([{ label: "windows-isolation.trust", value: UNKNOWN_UNTIL_DEPLOY }])).toMatchObject({ trust: "untrusted", unknown: true });
    });
});

describe("image builds", () => {
    test("build label maps declare trust like label lists; missing is untrusted", () => {
        expect(trustFromBuildLabels({ "windows-isolation.trust": "trusted" }, undefined)).toEqual({ ok: true, trust: "trusted", declared: true });
        expect(trustFromBuildLabels({ "windows-isolation.trust": "trusted" }, { "windows-isolation.trust": "untrusted" })).toMatchObject({ trust: "untrusted" });
        expect(trustFromBuildLabels(undefined, undefined)).toEqual({ ok: true, trust: "untrusted", declared: false });
    });
});

describe("judgedTrust", () => {
    test("an invalid label vouches for nothing: untrusted; a valid one is kept", () => {
        expect(judgedTrust(trustFromLabels([{ label: "windows-isolation.trust", value: "mostly" }]))).toBe("untrusted");
        expect(judgedTrust(trustFromLabels([{ label: "windows-isolation.trust", value: "trusted" }]))).toBe("trusted");
        expect(judgedTrust(trustFromLabels(undefined))).toBe("untrusted");
    });
});
