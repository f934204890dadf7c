import { factAt, markUnknowns, UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

describe("unknown values during preview", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    test("markUnknowns replaces the sentinel at any depth; factAt keeps an unknown parent unknown", () => {
        const marked = markUnknowns({ taskSpec: { containerSpec: UNKNOWN }, labels: [{ label: "x", value: UNKNOWN }], image: "a:1" });
        expect(marked).toEqual({ taskSpec: { containerSpec: UNKNOWN_UNTIL_DEPLOY }, labels: [{ label: "x", value: UNKNOWN_UNTIL_DEPLOY }], image: "a:1" });
        expect(factAt(marked, "taskSpec", "containerSpec", "isolation")).toBe(UNKNOWN_UNTIL_DEPLOY);
        expect(factAt(marked, "endpointSpec", "ports")).toBeUndefined();
        expect(factAt(marked, "image")).toBe("a:1");
    });
});
