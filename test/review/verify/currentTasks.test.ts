import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { VERIFY_RULES } from "../../../rules";
import { currentTasks, goTimeNanos, isNewerTask, RawTask } from "../../../review/verify/gather";

const service = (id: string, mode: object, labels: Record<string, string> = { "windows-isolation.trust": "untrusted" }) =>
    ({ ID: id, Spec: { Name: `svc-${id}`, Labels: { "windows-isolation.workload": id }, Mode: mode, TaskTemplate: { ContainerSpec: { Image: "x", Labels: labels, Isolation: "hyperv" } } } }) as unknown as Docker.Service;
const task = (id: string, serviceId: string, slot: number | undefined, createdAt: string, state: string, nodeId = "n1"): RawTask => ({
    ID: id, ServiceID: serviceId, Slot: slot, NodeID: nodeId, CreatedAt: createdAt, DesiredState: state === "running" ? "running" : "shutdown", Status: { State: state },
});

describe("currentTasks", () => {
    test("the newest task of each slot stands for it; history and idle slots beyond the replicas do not", () => {
        const got = currentTasks([service("a", { Replicated: { Replicas: 2 } })], [
            task("old1", "a", 1, "2026-11-29T01:00:00Z", "rejected"),
            task("new1", "a", 1, "2026-11-29T02:00:00Z", "running"),
            task("only2", "a", 2, "2026-11-29T01:30:00Z", "rejected"),
            task("gone3", "a", 3, "2026-11-29T03:00:00Z", "shutdown"),
            task("orphan", "gone", 1, "2026-11-29T03:00:00Z", "running"),
        ]);
        expect(got.map((t) => [t.id, t.state]).sort()).toEqual([["new1", "running"], ["only2", "rejected"]]);
        const new1 = got.find((t) => t.id === "new1")!;
        expect(new1.labels).toEqual({ "windows-isolation.workload": "a", "windows-isolation.trust": "untrusted" });
        expect(new1.serviceName).toBe("svc-a");
        expect(new1.slot).toBe(1);
        expect(new1.serviceIsolation).toBe("hyperv");
    });

    test("a task that may still run code is listed, even beside a newer one or beyond the replicas", () => {
        const stopping = { ...task("stopping", "a", 1, "2026-11-29T01:00:00Z", "running"), DesiredState: "shutdown" };
        const got = currentTasks([service("a", { Replicated: { Replicas: 1 } })], [
            stopping,
            task("new1", "a", 1, "2026-11-29T02:00:00Z", "starting"),
            { ...task("scaled2", "a", 2, "2026-11-29T03:00:00Z", "running"), DesiredState: "shutdown" },
        ]);
        expect(got.map((t) => t.id).sort()).toEqual(["new1", "scaled2", "stopping"]);
    });

    test("global services: one current task per node", () => {
        const got = currentTasks([service("g", { Global: {} })], [
            task("n1-old", "g", undefined, "2026-11-29T01:00:00Z", "failed", "n1"),
            task("n1-new", "g", undefined, "2026-11-29T02:00:00Z", "running", "n1"),
            task("n2", "g", undefined, "2026-11-29T01:00:00Z", "running", "n2"),
        ]);
        expect(got.map((t) => t.id).sort()).toEqual(["n1-new", "n2"]);
    });

    // Go's time.Time marshals RFC 3339 with trailing zeros of the fraction trimmed: as strings,
    // "…:05Z" > "…:05.5Z" and "…:05.1Z" > "…:05.12Z", the wrong way round (the merge base's order).
    test.each([
        ["05.5Z", "05Z"],
        ["05.12Z", "05.1Z"],
        ["05.000000001Z", "05Z"],
        ["06Z", "05.999999999Z"],
        ["05.1+00:00", "05.09Z"],
    ])("a refused slot: the task created at …:%s is newer than the one at …:%s, whatever the list order", (newer, older) => {
        const tasks = [task("newer", "a", 1, `2026-11-29T01:00:${newer}`, "rejected"), task("older", "a", 1, `2026-11-29T01:00:${older}`, "rejected")];
        for (const list of [tasks, [...tasks].reverse()]) {
            expect(currentTasks([service("a", { Replicated: { Replicas: 1 } })], list).map((t) => t.id)).toEqual(["newer"]);
        }
    });

    test("goTimeNanos reads Go's times to the nanosecond, and nothing else", () => {
        expect(goTimeNanos("1970-01-01T00:00:01.5Z")).toBe(1_500_000_000n);
        expect(goTimeNanos("1970-01-01T00:00:01.000000007Z")).toBe(1_000_000_007n);
        expect(goTimeNanos("1970-01-01T01:00:00+01:00")).toBe(0n);
        expect(goTimeNanos("yesterday")).toBeUndefined();
        expect(goTimeNanos(undefined)).toBeUndefined();
    });

    test("same time: Version.Index breaks the tie, then the ID; an unreadable time is older", () => {
        const at = "2026-11-29T01:00:00.5Z";
        const a = { ...task("a", "s", 1, at, "rejected"), Version: { Index: 7 } };
        const b = { ...task("b", "s", 1, at, "rejected"), Version: { Index: 9 } };
        expect(isNewerTask(b, a)).toBe(true);
        expect(isNewerTask(a, b)).toBe(false);
        expect(isNewerTask(task("z", "s", 1, at, "x"), task("y", "s", 1, at, "x"))).toBe(true);
        expect(isNewerTask(task("y", "s", 1, at, "x"), task("z", "s", 1, "garbage", "x"))).toBe(true);
        expect(isNewerTask(task("z", "s", 1, "garbage", "x"), task("y", "s", 1, at, "x"))).toBe(false);
    });
});

test("docs/verify.md explains every verify rule at its level", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "verify.md"), "utf8");
    for (const rule of Object.values(VERIFY_RULES)) {
        expect(page).toMatch(new RegExp(`^\\| \`${rule.id}\` \\| ${rule.level}`, "m"));
    }
});
