/** Rows and findings follow the resources' stable order: by declaring position, then parent first, then URN; never by arrival. */
import * as fc from "fast-check";
import { RecordedResource } from "../../../review/analyzer/resource";
import { inStableOrder } from "../../../review/plan/stableOrder";

const at = (line: number, column = 1) => ({ file: "/p/index.ts", line, column });
const res = (urn: string, location?: ReturnType<typeof at>, parent?: string): RecordedResource => ({ urn, type: "t", name: urn, custom: true, inputs: {}, location, parent });

const STACK = res("urn:stack");
const A = res("urn:a", at(3), "urn:stack");
const B = res("urn:b", at(3), "urn:stack");
const COMPONENT = res("urn:z-component", at(9), "urn:stack");
const CHILD = res("urn:a-child", at(9), "urn:z-component");
const EARLY = res("urn:y", at(1, 5), "urn:stack");

test("by position (none first), then a parent before its child, then URN", () => {
    expect(inStableOrder([CHILD, B, COMPONENT, A, EARLY, STACK]).map((r) => r.urn)).toEqual(["urn:stack", "urn:y", "urn:a", "urn:b", "urn:z-component", "urn:a-child"]);
});

test("the same order whatever order the registrations arrived in", () => {
    const all = [STACK, A, B, COMPONENT, CHILD, EARLY];
    const expected = inStableOrder(all).map((r) => r.urn);
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: all.length }), (arrival) => expect(inStableOrder(arrival).map((r) => r.urn)).toEqual(expected)));
});
