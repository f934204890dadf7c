import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { VERIFY_RULES } from "../../../rules";
import { currentTasks, RawTask } from "../../../review/verify/gather";

const service = (id: string, mode: object, labels: Record<string, string> = { "windows-isolation.trust": "untrusted" }) =>
    ({ ID: id, Spec: { Name: `svc-${id}`, Labels: { "windows-isolation.workload": id }, Mode: mode, TaskTemplate: { ContainerSpec: { Image: "x", Labels: labels } } } }) as unknown as Docker.Service;
const task = (id: string, serviceId: string, slot: number | undefined, createdAt: string, state: string, nodeId = "n1"): RawTask => ({
    ID: id, ServiceID: serviceId, Slot: slot, NodeID: nodeId, CreatedAt: createdAt, DesiredState: state === "running" ? "running" : "shutdown", Status: { State: state },
});

describe("currentTasks", () => {
    test("the newest task of each slot stands for it; history and slots beyond the replicas do not", () => {
        const got = currentTasks([service("a", { Replicated: { Replicas: 2 } })], [
            task("old1", "a", 1, "2026-11-29T01:00:00Z", "rejected"),
            task("new1", "a", 1, "2026-11-29T02:00:00Z", "running"),
            task("only2", "a", 2, "2026-11-29T01:30:00Z", "rejected"),
            task("scaled3", "a", 3, "2026-11-29T03:00:00Z", "running"),
            task("orphan", "gone", 1, "2026-11-29T03:00:00Z", "running"),
        ]);
        expect(got.map((t) => [t.id, t.state]).sort()).toEqual([["new1", "running"], ["only2", "rejected"]]);
        expect(got[0].labels).toEqual({ "windows-isolation.workload": "a", "windows-isolation.trust": "untrusted" });
        expect(got[0].serviceName).toBe("svc-a");
    });

    test("global services: one current task per node", () => {
        const got = currentTasks([service("g", { Global: {} })], [
            task("n1-old", "g", undefined, "2026-11-29T01:00:00Z", "failed", "n1"),
            task("n1-new", "g", undefined, "2026-11-29T02:00:00Z", "running", "n1"),
            task("n2", "g", undefined, "2026-11-29T01:00:00Z", "running", "n2"),
        ]);
        expect(got.map((t) => t.id).sort()).toEqual(["n1-new", "n2"]);
    });
});

test("docs/verify.md explains every verify rule at its level", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "verify.md"), "utf8");
    for (const rule of Object.values(VERIFY_RULES)) {
        expect(page).toMatch(new RegExp(`^\\| \`${rule.id}\` \\| ${rule.level}`, "m"));
    }
});
