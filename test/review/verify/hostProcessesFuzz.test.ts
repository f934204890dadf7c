/**
 * Generated garbage against the host list's parser and decoder (issue 27): whatever the bytes,
 * an answer (a list, or one line naming the source) and never a throw, a stack overflow or a
 * line break a terminal would act on.
 */
import fc from "fast-check";
import { decodeScriptOutput } from "../../../review/verify/azureVm";
import { decodePowerShellText, parseHostProcesses } from "../../../review/verify/hostProcesses";
import { parseTop } from "../../../review/verify/top";

const oneLine = (s: string) => !/[\r\n]/.test(s);

function answers(text: string): boolean {
    const r = parseHostProcesses(text, "f");
    if (r.ok) return r.list.processes.every((p) => Number.isInteger(p.pid) && typeof p.name === "string" && (p.startTimeMs === undefined || Math.abs(p.startTimeMs) <= 8.64e15));
    return r.error.startsWith("f") && oneLine(r.error);
}

/** JSON shaped like a host list, with any values where the fields go. */
const field = fc.oneof(fc.jsonValue(), fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.constantFrom("/Date(99999999999999999)/", "/Date(-9000000000000000)/", "+275760-09-13T00:00:00.001Z", "2024-12-01T09:00:00+01:00"));
const row = fc.oneof(
    fc.record({ Id: field, ProcessName: field, StartTime: field }, { requiredKeys: [] }),
    fc.tuple(field, field, field),
    fc.array(field, { maxLength: 5 }),
    field,
);
const list = fc.oneof(
    fc.array(row, { maxLength: 20 }),
    fc.record({ MachineName: field, DockerdPid: field, TotalProcesses: field, Processes: fc.oneof(fc.array(row, { maxLength: 20 }), field), VmWorkers: fc.oneof(fc.array(fc.tuple(field, field)), field), ComputeSystems: fc.oneof(fc.array(fc.tuple(field, field)), field) }, { requiredKeys: [] }),
    fc.record({ value: fc.array(row, { maxLength: 5 }), Count: fc.integer() }),
);

test("any JSON shaped like a host list: a list or one line, never a throw", () => {
    fc.assert(fc.property(list, (v) => answers(JSON.stringify(v))), { numRuns: 2000 });
});

test("any text, and any bytes in any of PowerShell's encodings: a list or one line, never a throw", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => answers(s)), { numRuns: 1000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => answers(decodePowerShellText(Buffer.from(b)))), { numRuns: 1000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => answers(decodePowerShellText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(b)])))), { numRuns: 300 });
});

test("deep nesting anywhere a value goes: a clear refusal, not a stack overflow", () => {
    const deep = (n: number, leaf: string) => `${'{"value":'.repeat(n)}${leaf}${"}".repeat(n)}`;
    for (const text of [
        `[{"Id":1,"ProcessName":"a","StartTime":${deep(200_000, "1")}}]`,
        `[${"[".repeat(200_000)}${"]".repeat(200_000)}]`,
        `{"Processes":${deep(200_000, "[]")},"MachineName":"m"}`,
        `{"Processes":[[4,"System"]],"VmWorkers":[${"[".repeat(100_000)}${"]".repeat(100_000)}]}`,
    ]) {
        expect(answers(text)).toBe(true);
    }
});

test("the Run Command output decoder and docker top's parser take anything without throwing", () => {
    fc.assert(fc.property(fc.string(), (s) => {
        const d = decodeScriptOutput(`z:${s}`);
        return typeof d === "string" || oneLine(d.error);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.jsonValue(), (v) => {
        const t = parseTop(v);
        return t === undefined || t.every((p) => Number.isSafeInteger(p.pid));
    }), { numRuns: 500 });
});
