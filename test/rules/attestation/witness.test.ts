/** The kernel's witness: docker top's PIDs against the host's own process list. */
import fc from "fast-check";
import {
    ContainerProcess,
    HostProcess,
    processName,
    START_TIME_SLACK_MS,
    witnessContainer,
    witnessFindings,
    WitnessSubject,
} from "../../../rules";

const host = (...processes: HostProcess[]) => ({ source: "test list", processes });
const VMWP: HostProcess = { pid: 2376, name: "vmwp" };
const T0 = Date.parse("2026-12-01T10:00:00Z");

describe("processName: the same process however each side spells it", () => {
    test.each([
        ["ping", "ping"],
        ["PING", "ping"],
        ["ping.exe", "ping"],
        ["PING.EXE -t localhost", "ping"],
        ["C:\\Windows\\System32\\PING.EXE -t", "ping"],
        ["/bin/sleep 3600", "sleep"],
        ["sleep", "sleep"],
        ["  vmwp.exe ", "vmwp"],
    ])("%j -> %j", (raw, name) => expect(processName(raw)).toBe(name));
});

describe("witnessContainer verdicts", () => {
    const top = (...rows: [number, string][]): ContainerProcess[] => rows.map(([pid, command]) => ({ pid, command }));
    test.each<[string, ContainerProcess[] | undefined, number | undefined, ReturnType<typeof host>, string, RegExp]>([
        ["every process on the host with its Id and name", top([3964, "ping"], [4100, "cmd.exe"]), undefined, host({ pid: 3964, name: "PING" }, { pid: 4100, name: "cmd" }, VMWP), "shares-host-kernel", /^all 2 process\(es\) of GET \/containers\/\{id\}\/top \(PID 3964, 4100\) are host processes with the same Id and name \(top PID \+ process name against the host's Id \+ ProcessName from test list\)$/],
        ["none on the host, and a VM worker process", top([1732, "ping"]), undefined, host({ pid: 8, name: "System" }, VMWP), "kernel-isolated", /^none of the 1 process\(es\) .* \(PID 1732\) is a host process, and the host runs VM worker process\(es\) vmwp Id 2376 \(/],
        ["none on the host, but no VM worker process", top([1732, "ping"]), undefined, host({ pid: 8, name: "System" }), "inconclusive", /but the host list has no VM worker process \(vmwp\), so it may be another machine's or filtered/],
        ["the PID is on the host under another name: not the same process", top([1732, "ping"]), undefined, host({ pid: 1732, name: "svchost" }, VMWP), "kernel-isolated", /PID 1732\) is a host process/],
        ["only some processes found", top([3964, "ping"], [5000, "cmd"]), undefined, host({ pid: 3964, name: "ping" }, VMWP), "inconclusive", /^1 of 2 process\(es\) \(PID 3964\) are host processes with the same Id and name, PID 5000 are not/],
        ["same PID and name, but started long before the container: PID reused", top([3964, "ping"]), T0, host({ pid: 3964, name: "ping", startTimeMs: T0 - START_TIME_SLACK_MS - 1 }, VMWP), "inconclusive", /^PID reused: PID 3964 'ping' started 2026-12-01T09:59:49\.999Z, before the container's State\.StartedAt 2026-12-01T10:00:00\.000Z \(top PID \+ process name against the host's Id \+ ProcessName \(\+ StartTime vs State\.StartedAt\)/],
        ["same PID and name, started just before StartedAt (within the slack)", top([3964, "ping"]), T0, host({ pid: 3964, name: "ping", startTimeMs: T0 - 500 }), "shares-host-kernel", /\(\+ StartTime vs State\.StartedAt\) from test list\)$/],
        ["top listed nothing", top(), undefined, host(VMWP), "inconclusive", /^GET \/containers\/\{id\}\/top listed no processes$/],
        ["the engine gave no top answer", undefined, undefined, host(VMWP), "inconclusive", /^GET \/containers\/\{id\}\/top gave no process list$/],
        ["an empty host list", top([3964, "ping"]), undefined, host(), "inconclusive", /^the host process list \(test list\) is empty$/],
    ])("%s", (_what, processes, startedAt, list, verdict, reason) => {
        const w = witnessContainer(processes, startedAt, list);
        expect(w.verdict).toBe(verdict);
        expect(w.reason).toMatch(reason);
        expect(w.source).toBe("test list");
    });
});

describe("witnessFindings: what a verdict means next to the engine's record", () => {
    const subject = (over: Partial<WitnessSubject>): WitnessSubject => ({ name: "c1", labelled: true, trust: "trusted", reported: "process", effective: "process", ...over });
    const shares = witnessContainer([{ pid: 1, command: "ping" }], undefined, host({ pid: 1, name: "ping" }));
    const isolated = witnessContainer([{ pid: 1, command: "ping" }], undefined, host(VMWP));
    const unsure = witnessContainer([], undefined, host(VMWP));
    const ids = (s: WitnessSubject, w: typeof shares) => witnessFindings(s, w).map((f) => f.ruleId);
    test.each<[string, WitnessSubject, typeof shares, string[]]>([
        ["trusted, process, shares: consistent, nothing to say", subject({}), shares, []],
        ["trusted, hyperv on record, shares: contradiction", subject({ reported: "hyperv", effective: "hyperv" }), shares, ["witness-contradicts-engine"]],
        ["untrusted, hyperv on record, shares: contradiction and critical", subject({ trust: "untrusted", reported: "hyperv", effective: "hyperv" }), shares, ["witness-contradicts-engine", "witness-untrusted-shares-kernel"]],
        ["unlabelled, process, shares: critical whatever the engine says", subject({ labelled: false, trust: "untrusted" }), shares, ["witness-untrusted-shares-kernel"]],
        ["untrusted on a Linux engine (none), shares: critical, no contradiction", subject({ trust: "untrusted", reported: "", effective: "none" }), shares, ["witness-untrusted-shares-kernel"]],
        ["hyperv on record, kernel-isolated: consistent", subject({ trust: "untrusted", reported: "hyperv", effective: "hyperv" }), isolated, []],
        ["process on record, kernel-isolated: contradiction", subject({}), isolated, ["witness-contradicts-engine"]],
        ["no Windows isolation on record, kernel-isolated: contradiction", subject({ reported: "", effective: "none" }), isolated, ["witness-contradicts-engine"]],
        ["unknown on record: the witness has nothing to contradict", subject({ reported: "bogus", effective: "unknown" }), isolated, []],
        ["inconclusive: a warning, never a pass", subject({ reported: "hyperv", effective: "hyperv" }), unsure, ["witness-inconclusive"]],
    ])("%s", (_what, s, w, expected) => expect(ids(s, w)).toEqual(expected));

    test("messages name the engine's field and the witness's fields", () => {
        const [contradiction, critical] = witnessFindings(subject({ trust: "untrusted", reported: "hyperv", effective: "hyperv" }), shares);
        expect(contradiction.message).toBe(
            "container c1: the engine records HostConfig.Isolation 'hyperv' (effective hyperv), but the host's process list says shares-host-kernel: all 1 process(es) of GET /containers/{id}/top (PID 1) are host processes with the same Id and name (top PID + process name against the host's Id + ProcessName from test list)",
        );
        expect(critical.message).toMatch(/^untrusted container c1 shares the host kernel \(the engine records HostConfig\.Isolation 'hyperv' \(effective hyperv\)\): all 1 process/);
    });
});

describe("properties", () => {
    const name = fc.constantFrom("ping", "cmd", "sleep", "svchost", "csrss", "powershell");
    const proc = fc.record({ pid: fc.integer({ min: 1, max: 40000 }), command: name });
    const procs = fc.uniqueArray(proc, { minLength: 1, maxLength: 8, selector: (p) => p.pid });
    const others = fc.array(fc.record({ pid: fc.integer({ min: 40001, max: 80000 }), name }), { maxLength: 20 });

    test("a container whose processes are all on the host, in any order and case, shares the host kernel", () => {
        fc.assert(
            fc.property(procs, others, fc.boolean(), (top, rest, upper) => {
                const onHost = top.map((p) => ({ pid: p.pid, name: upper ? p.command.toUpperCase() : `${p.command}.exe` }));
                const w = witnessContainer(top, undefined, host(...[...rest, ...onHost].reverse(), VMWP));
                return w.verdict === "shares-host-kernel" && w.matchedPids.length === top.length;
            }),
        );
    });

    test("a container none of whose PIDs is on the host is kernel-isolated only when a VM worker runs", () => {
        fc.assert(
            fc.property(procs, others, fc.boolean(), (top, rest, withVm) => {
                const w = witnessContainer(top, undefined, host(...rest, ...(withVm ? [VMWP] : [{ pid: 1, name: "System" }])));
                return w.verdict === (withVm ? "kernel-isolated" : "inconclusive");
            }),
        );
    });

    test("adding host processes never turns shares-host-kernel into kernel-isolated (fail closed)", () => {
        fc.assert(
            fc.property(procs, others, (top, extra) => {
                const base = host(...top.map((p) => ({ pid: p.pid, name: p.command })));
                const more = host(...base.processes, ...extra, VMWP);
                return witnessContainer(top, undefined, base).verdict === "shares-host-kernel" && witnessContainer(top, undefined, more).verdict === "shares-host-kernel";
            }),
        );
    });

    test("a host process that started before the container never counts as the container's", () => {
        fc.assert(
            fc.property(procs, fc.integer({ min: START_TIME_SLACK_MS + 1, max: 10 ** 9 }), (top, earlier) => {
                const list = host(...top.map((p) => ({ pid: p.pid, name: p.command, startTimeMs: T0 - earlier })), VMWP);
                const w = witnessContainer(top, T0, list);
                return w.verdict === "inconclusive" && w.reason.startsWith("PID reused");
            }),
        );
    });
});
