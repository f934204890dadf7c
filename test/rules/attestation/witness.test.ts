/** The kernel's witness: docker top's PIDs against the host's own process list. */
import fc from "fast-check";
import {
    ContainerProcess,
    HostProcess,
    HostProcessList,
    processName,
    START_TIME_SLACK_MS,
    witnessContainers,
    witnessFindings,
    WitnessSubject,
    WitnessTarget,
} from "../../../rules";

const WINDOWS = { osType: "windows", machineName: "W2022NODE01" };
const SYSTEM: HostProcess = { pid: 4, name: "System" };
const DOCKERD: HostProcess = { pid: 2100, name: "dockerd" };
/** A list that proves it is whole and from the engine's machine; `processes` come on top. */
const host = (...processes: HostProcess[]): HostProcessList => ({ source: "test list", machineName: "w2022node01", processes: [SYSTEM, DOCKERD, ...processes] });
const VMWP: HostProcess = { pid: 2376, name: "vmwp" };
const T0 = Date.parse("2026-12-01T10:00:00Z");
const top = (...rows: [number, string][]): ContainerProcess[] => rows.map(([pid, command]) => ({ pid, command }));
const one = (processes: ContainerProcess[] | undefined, list: HostProcessList, startedAtMs?: number) => witnessContainers([{ id: "c1", processes, startedAtMs }], list, WINDOWS)[0];

describe("processName: the executable's name however each side spells it, never a command line's first word", () => {
    test.each([
        ["ping", "ping"],
        ["PING", "ping"],
        ["ping.exe", "ping"],
        ["C:\\Windows\\System32\\PING.EXE", "ping"],
        ["sleep", "sleep"],
        ["  vmwp.exe ", "vmwp"],
        ["my  app.exe", "my app"],
        // What /proc's comm and `ps -o comm` both say for an executable at "/a b/vmwp":
        ["vmwp", "vmwp"],
        ["/a b/vmwp", "vmwp"],
    ])("%j -> %j", (raw, name) => expect(processName(raw)).toBe(name));
});

describe("verdicts for one container on a whole list of the engine's machine", () => {
    test.each<[string, ContainerProcess[] | undefined, number | undefined, HostProcessList, string, RegExp]>([
        ["every process on the host with its Id and name", top([3964, "ping"], [4100, "cmd.exe"]), undefined, host({ pid: 3964, name: "PING" }, { pid: 4100, name: "cmd" }, VMWP), "shares-host-kernel", /^all 2 process\(es\) of GET \/containers\/\{id\}\/top \(PID 3964, 4100\) are host processes with the same Id and name \(top PID \+ process name against the host's Id \+ ProcessName from test list\)$/],
        ["none on the host, and a VM worker process: a count", top([1732, "ping"]), undefined, host(VMWP), "kernel-isolated", /^none of the 1 process\(es\) .* \(PID 1732\) is a host process, and 1 VM worker process\(es\) \(vmwp Id 2376\) run for the 1 container\(s\) without a host process: a count, not a mapping/],
        ["none on the host, but no VM worker process", top([1732, "ping"]), undefined, host(), "inconclusive", /but the host runs no VM worker process \(vmwp\) that is not a container's own/],
        ["the PID is on the host under another name: not the same process", top([1732, "ping"]), undefined, host({ pid: 1732, name: "svchost" }, VMWP), "kernel-isolated", /PID 1732\) is a host process/],
        ["only some processes found", top([3964, "ping"], [5000, "cmd"]), undefined, host({ pid: 3964, name: "ping" }, VMWP), "inconclusive", /^1 of 2 process\(es\) \(PID 3964\) are host processes with the same Id and name, PID 5000 are not/],
        ["same PID and name, but started long before the container: PID reused", top([3964, "ping"]), T0, host({ pid: 3964, name: "ping", startTimeMs: T0 - START_TIME_SLACK_MS - 1 }, VMWP), "inconclusive", /^PID reused: PID 3964 'ping' started 2026-12-01T09:59:49\.999Z, before the container's State\.StartedAt 2026-12-01T10:00:00\.000Z \(top PID \+ process name against the host's Id \+ ProcessName \(\+ StartTime vs State\.StartedAt\)/],
        ["same PID and name, started just before StartedAt (within the slack)", top([3964, "ping"]), T0, host({ pid: 3964, name: "ping", startTimeMs: T0 - 500 }), "shares-host-kernel", /\(\+ StartTime vs State\.StartedAt\) from test list\)$/],
        ["top listed nothing", top(), undefined, host(VMWP), "inconclusive", /^GET \/containers\/\{id\}\/top listed no processes$/],
        ["the engine gave no top answer", undefined, undefined, host(VMWP), "inconclusive", /^GET \/containers\/\{id\}\/top gave no process list$/],
    ])("%s", (_what, processes, startedAt, list, verdict, reason) => {
        const w = one(processes, list, startedAt);
        expect(w.verdict).toBe(verdict);
        expect(w.reason).toMatch(reason);
        expect(w.source).toBe("test list");
    });
});

describe("a list must prove it is whole and from the engine's machine before absence means anything", () => {
    const notProven = /^the host list \(test list\) is not proven complete and from the engine's machine: /;
    test.each<[string, HostProcessList, string]>([
        ["Get-Process -Name vmwp alone", { source: "test list", machineName: "w2022node01", processes: [VMWP] }, "no 'System' process with Id 4; no 'dockerd' process"],
        ["no machine name (the bare Get-Process one-liner)", { source: "test list", processes: [SYSTEM, DOCKERD, VMWP] }, "it does not name the machine it was taken on"],
        ["another machine's list", { ...host(VMWP), machineName: "w2022node02" }, "it was taken on 'w2022node02', but the engine runs on 'W2022NODE01' (GET /info Name)"],
        ["System under another PID", { source: "test list", machineName: "w2022node01", processes: [{ pid: 8, name: "System" }, DOCKERD, VMWP] }, "no 'System' process with Id 4"],
        ["dockerd missing at the PID its pid file names", { ...host(VMWP), dockerdPid: 9999 }, "no 'dockerd' process with Id 9999, the PID in the engine's pid file"],
    ])("%s: inconclusive with the reason", (_what, list, problems) => {
        const w = one(top([1732, "ping"]), list);
        expect(w.verdict).toBe("inconclusive");
        expect(w.reason).toMatch(notProven);
        expect(w.reason.replace(notProven, "")).toBe(problems);
    });

    test("an engine that gives no Name cannot be matched", () => {
        const w = witnessContainers([{ id: "c1", processes: top([1, "x"]) }], host(VMWP), { osType: "windows" })[0];
        expect(w.reason).toContain("GET /info gave no Name to compare the machine with");
    });

    test("Linux: PID 1 stands for the kernel's own process", () => {
        const list: HostProcessList = { source: "test list", machineName: "n1", processes: [{ pid: 1, name: "sh" }, { pid: 40, name: "dockerd" }, { pid: 50, name: "sleep" }] };
        expect(witnessContainers([{ id: "c", processes: top([50, "sleep"]) }], list, { osType: "linux", machineName: "n1" })[0].verdict).toBe("shares-host-kernel");
        const noInit = { ...list, processes: list.processes.slice(1) };
        expect(witnessContainers([{ id: "c", processes: top([50, "sleep"]) }], noInit, { osType: "linux", machineName: "n1" })[0].reason).toContain("no process with Id 1 (init)");
    });
});

describe("positive evidence per container: a mapping to its VM, or a count that says so", () => {
    const hyperv = (id: string, pid: number): WitnessTarget => ({ id, processes: top([pid, "ping"]) });
    test("two Hyper-V claimants and one vmwp: neither is proven", () => {
        const ws = witnessContainers([hyperv("a", 1732), hyperv("b", 1800)], host(VMWP), WINDOWS);
        expect(ws.map((w) => w.verdict)).toEqual(["inconclusive", "inconclusive"]);
        expect(ws[0].reason).toContain("but 2 containers have no process on the host and only 1 VM worker process(es) (vmwp Id 2376) run, so not each has a utility VM");
    });

    test("two claimants and two vmwp: kernel-isolated by count, and it says so", () => {
        const ws = witnessContainers([hyperv("a", 1732), hyperv("b", 1800)], host(VMWP, { pid: 2380, name: "vmwp" }), WINDOWS);
        expect(ws.map((w) => [w.verdict, w.evidence])).toEqual([["kernel-isolated", "vm-count"], ["kernel-isolated", "vm-count"]]);
        expect(ws[0].vmWorkerPid).toBeUndefined();
    });

    test("with the host compute service's systems and vmwp command lines: each container names its own vmwp", () => {
        const vmA = "5c1b4b1e-0000-4000-8000-00000000000a";
        const vmB = "5c1b4b1e-0000-4000-8000-00000000000b";
        const list: HostProcessList = {
            ...host(VMWP, { pid: 2380, name: "vmwp" }),
            vmWorkers: [{ pid: 2376, vmId: vmB }, { pid: 2380, vmId: vmA }],
            computeSystems: [{ id: "a", runtimeId: vmA }, { id: "B", runtimeId: vmB.toUpperCase() }],
        };
        const ws = witnessContainers([hyperv("a", 1732), hyperv("b", 1800)], list, WINDOWS);
        expect(ws.map((w) => [w.verdict, w.evidence, w.vmWorkerPid])).toEqual([["kernel-isolated", "vm-mapping", 2380], ["kernel-isolated", "vm-mapping", 2376]]);
        expect(ws[0].reason).toMatch(/the host compute service runs it as compute system a with RuntimeId 5c1b4b1e-0000-4000-8000-00000000000a, the VM of vmwp PID 2380/);
        // A compute system list that lacks the container, or a VM with no worker: no proof, whatever the count.
        const missing = witnessContainers([hyperv("c", 1900)], list, WINDOWS)[0];
        expect(missing.reason).toContain("the host compute service lists no compute system c");
        const noWorker = witnessContainers([hyperv("a", 1732)], { ...list, vmWorkers: [{ pid: 2376, vmId: vmB }] }, WINDOWS)[0];
        expect(noWorker).toMatchObject({ verdict: "inconclusive" });
        expect(noWorker.reason).toContain(`no vmwp on the host carries compute system a's RuntimeId ${vmA}`);
    });

    test("a vmwp that is one of a container's own PIDs never counts as a host VM worker", () => {
        // The container runs an executable named vmwp; /proc and docker top both call it vmwp, at the same PID.
        const ws = witnessContainers([{ id: "bent", processes: top([3000, "vmwp"]) }, hyperv("other", 1732)], host({ pid: 3000, name: "vmwp" }), WINDOWS);
        expect(ws[0].verdict).toBe("shares-host-kernel");
        expect(ws[1].verdict).toBe("inconclusive");
        expect(ws[1].vmWorkerPids).toEqual([]);
    });
});

describe("witnessFindings: what a verdict means next to the engine's record", () => {
    const subject = (over: Partial<WitnessSubject>): WitnessSubject => ({ name: "c1", labelled: true, trust: "trusted", reported: "process", effective: "process", ...over });
    const shares = one(top([1, "ping"]), host({ pid: 1, name: "ping" }));
    const isolated = one(top([1, "ping"]), host(VMWP));
    const unsure = one([], host(VMWP));
    const ids = (s: WitnessSubject, w: typeof shares, require = false) => witnessFindings(s, w, require).map((f) => f.ruleId);
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

    test("--require-witness: inconclusive is an error for untrusted and unlabelled containers, a warning for trusted ones", () => {
        expect(ids(subject({ trust: "untrusted" }), unsure, true)).toEqual(["witness-required"]);
        expect(ids(subject({ labelled: false, trust: "untrusted" }), unsure, true)).toEqual(["witness-required"]);
        expect(ids(subject({ trust: "trusted" }), unsure, true)).toEqual(["witness-inconclusive"]);
        expect(witnessFindings(subject({ labelled: false, trust: "untrusted" }), unsure, true)[0].message).toMatch(/^unlabelled \(so untrusted\) container c1: --require-witness, and the host's process list proves nothing: GET /);
    });

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
    const proc = fc.record({ pid: fc.integer({ min: 10, max: 40000 }), command: name });
    const procs = fc.uniqueArray(proc, { minLength: 1, maxLength: 8, selector: (p) => p.pid });
    const others = fc.array(fc.record({ pid: fc.integer({ min: 40001, max: 80000 }), name }), { maxLength: 20 });

    test("a container whose processes are all on the host, in any order and case, shares the host kernel", () => {
        fc.assert(
            fc.property(procs, others, fc.boolean(), (t, rest, upper) => {
                const onHost = t.map((p) => ({ pid: p.pid, name: upper ? p.command.toUpperCase() : `${p.command}.exe` }));
                const w = one(t, host(...[...rest, ...onHost].reverse(), VMWP));
                return w.verdict === "shares-host-kernel" && w.matchedPids.length === t.length;
            }),
        );
    });

    test("a container none of whose PIDs is on the host is kernel-isolated only when a VM worker runs", () => {
        fc.assert(
            fc.property(procs, others, fc.boolean(), (t, rest, withVm) => {
                const w = one(t, host(...rest, ...(withVm ? [VMWP] : [])));
                return w.verdict === (withVm ? "kernel-isolated" : "inconclusive");
            }),
        );
    });

    test("adding host processes never turns shares-host-kernel into kernel-isolated (fail closed)", () => {
        fc.assert(
            fc.property(procs, others, (t, extra) => {
                const base = host(...t.map((p) => ({ pid: p.pid, name: p.command })));
                const more = { ...base, processes: [...base.processes, ...extra, VMWP] };
                return one(t, base).verdict === "shares-host-kernel" && one(t, more).verdict === "shares-host-kernel";
            }),
        );
    });

    test("never kernel-isolated unless the list is whole and from the engine's machine", () => {
        fc.assert(
            fc.property(procs, others, fc.boolean(), fc.boolean(), fc.boolean(), (t, rest, system, dockerd, named) => {
                const list: HostProcessList = { source: "x", ...(named ? { machineName: "w2022node01" } : {}), processes: [...(system ? [SYSTEM] : []), ...(dockerd ? [DOCKERD] : []), ...rest, VMWP] };
                const w = one(t, list);
                return system && dockerd && named ? w.verdict === "kernel-isolated" : w.verdict === "inconclusive";
            }),
        );
    });

    test("a host process that started before the container never counts as the container's", () => {
        fc.assert(
            fc.property(procs, fc.integer({ min: START_TIME_SLACK_MS + 1, max: 10 ** 9 }), (t, earlier) => {
                const w = one(t, host(...t.map((p) => ({ pid: p.pid, name: p.command, startTimeMs: T0 - earlier })), VMWP), T0);
                return w.verdict === "inconclusive" && w.reason.startsWith("PID reused");
            }),
        );
    });
});
