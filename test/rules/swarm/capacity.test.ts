import fc from "fast-check";
import { checkAdditionalDemand, checkPoolCapacity, HYPERV_UVM_OVERHEAD_MB, NodeCapacity, replicaMemoryMb, vmSizeCapacity, WorkloadDemand } from "../../../rules";

describe("vmSizeCapacity", () => {
    test("vCPUs from the name, memory from the series' GiB per vCPU", () => {
        // Dsv5: 2 vCPU / 8 GiB smallest size, so 4 GiB per vCPU; D4s_v5 is 4 vCPU / 16 GiB.
        expect(vmSizeCapacity("Standard_D4s_v5")).toEqual({ vcpus: 4, memoryMb: 16 * 1024 });
        // Esv5: 8 GiB per vCPU; constrained core E8-4s_v5 counts 4 active vCPUs (a lower bound: it keeps 64 GiB).
        expect(vmSizeCapacity("Standard_E8-4s_v5")).toEqual({ vcpus: 4, memoryMb: 32 * 1024 });
    });

    test("unknown sizes have no capacity (callers must not guess)", () => {
        expect(vmSizeCapacity("Standard_Q4_v9")).toBeUndefined();
        expect(vmSizeCapacity("not-a-size")).toBeUndefined();
    });
});

describe("checkPoolCapacity", () => {
    const nodes: NodeCapacity[] = [
        { name: "vm-0", vcpus: 4, memoryMb: 16384 },
        { name: "vm-1", vcpus: 4, memoryMb: 16384 },
    ];

    test("the Hyper-V allowance is hcsshim's default utility VM memory, per replica", () => {
        expect(HYPERV_UVM_OVERHEAD_MB).toBe(1024);
        expect(replicaMemoryMb({ isolation: "hyperv", memoryMb: 512 })).toBe(1536);
        expect(replicaMemoryMb({ isolation: "hyperv" })).toBe(1024);
        expect(replicaMemoryMb({ isolation: "process", memoryMb: 512 })).toBe(512);
        expect(replicaMemoryMb({ isolation: "hyperv", memoryMb: 512 }, 300)).toBe(812);
    });

    test("a fitting set of workloads is ok and reports its totals", () => {
        const r = checkPoolCapacity(nodes, [
            { name: "web", isolation: "process", replicas: 4, memoryMb: 1024, cpus: 0.5 },
            { name: "job", isolation: "hyperv", replicas: 3, memoryMb: 2048, cpus: 1 },
        ]);
        expect(r).toEqual({ ok: true, problems: [], demand: { memoryMb: 4096 + 3 * 3072, cpus: 5 }, capacity: { memoryMb: 32768, vcpus: 8 } });
    });

    test("over-commit is an error naming totals and the fix, unless allowed", () => {
        const workloads: WorkloadDemand[] = [{ name: "job", isolation: "hyperv", replicas: 10, memoryMb: 2048, cpus: 1 }];
        const r = checkPoolCapacity(nodes, workloads);
        expect(r.ok).toBe(false);
        expect(r.problems).toEqual([
            "workloads declare 30720 MiB and 10 CPUs in total (Hyper-V replicas with 1024 MiB utility VM allowance each), the pool has 32768 MiB and 8 vCPUs; add nodes, lower the declared resources, or set allowOvercommit: true",
        ]);
        expect(checkPoolCapacity(nodes, workloads, { allowOvercommit: true }).ok).toBe(true);
    });

    test("the utility VM allowance alone can over-commit memory", () => {
        const w: WorkloadDemand[] = [{ name: "many", isolation: "hyperv", replicas: 33 }];
        expect(checkPoolCapacity(nodes, w).problems).toEqual([expect.stringContaining("workloads declare 33792 MiB")]);
        expect(checkPoolCapacity(nodes, [{ ...w[0], isolation: "process" }]).ok).toBe(true);
    });

    test("a replica larger than every node it may run on is an error even when over-commit is allowed", () => {
        const r = checkPoolCapacity(
            [{ name: "small", vcpus: 2, memoryMb: 8192 }, { name: "big", vcpus: 8, memoryMb: 65536 }],
            [{ name: "fat", isolation: "hyperv", replicas: 1, memoryMb: 16384, cpus: 4, nodes: ["small"] }],
            { allowOvercommit: true },
        );
        expect(r.problems).toEqual([
            "workload 'fat' needs 17408 MiB per replica (incl. 1024 MiB utility VM allowance), more than any node that may run it has (8192 MiB); lower memoryMb or add a larger node",
            "workload 'fat' needs 4 CPUs per replica, more than any node that may run it has (2); lower cpus or add a larger node",
        ]);
    });

    test("a negative or non-numeric allowance is refused", () => {
        expect(checkPoolCapacity(nodes, [], { hypervOverheadMb: -1 }).problems).toEqual(["hypervOverheadMb -1 must be a number of MiB >= 0"]);
    });

    test("property: ok exactly when totals fit (or over-commit is allowed) and every replica fits a node", () => {
        const node = fc.record({ vcpus: fc.integer({ min: 2, max: 64 }), memoryMb: fc.integer({ min: 4096, max: 262144 }) });
        const workload = fc.record({
            isolation: fc.constantFrom("process" as const, "hyperv" as const),
            replicas: fc.integer({ min: 1, max: 20 }),
            memoryMb: fc.option(fc.integer({ min: 6, max: 32768 }), { nil: undefined }),
            cpus: fc.option(fc.integer({ min: 1, max: 800 }).map((c) => c / 100), { nil: undefined }),
        });
        fc.assert(
            fc.property(fc.array(node, { minLength: 1, maxLength: 6 }), fc.array(workload, { maxLength: 8 }), fc.boolean(), (ns, ws, allow) => {
                const pool = ns.map((n, i) => ({ name: `vm-${i}`, ...n }));
                const loads = ws.map((w, i) => ({ name: `w${i}`, ...w }));
                const r = checkPoolCapacity(pool, loads, { allowOvercommit: allow });
                const mem = loads.reduce((s, w) => s + ((w.memoryMb ?? 0) + (w.isolation === "hyperv" ? 1024 : 0)) * w.replicas, 0);
                // Exact, in hundredths of a CPU.
                const cpuHundredths = loads.reduce((s, w) => s + Math.round((w.cpus ?? 0) * 100) * w.replicas, 0);
                const totalsFit = mem <= pool.reduce((s, n) => s + n.memoryMb, 0) && cpuHundredths <= pool.reduce((s, n) => s + n.vcpus, 0) * 100;
                const maxMem = Math.max(...pool.map((n) => n.memoryMb));
                const maxCpu = Math.max(...pool.map((n) => n.vcpus));
                const replicasFit = loads.every((w) => (w.memoryMb ?? 0) + (w.isolation === "hyperv" ? 1024 : 0) <= maxMem && (w.cpus ?? 0) <= maxCpu);
                expect(r.ok).toBe((totalsFit || allow) && replicasFit);
                expect(r.demand.memoryMb).toBe(mem);
            }),
            { numRuns: 1000 },
        );
    });

    test("property: one more workload on top of accepted ones gets the same verdict and problems as checking them all", () => {
        const workload = fc.record({
            isolation: fc.constantFrom("process" as const, "hyperv" as const),
            replicas: fc.integer({ min: 1, max: 12 }),
            memoryMb: fc.option(fc.integer({ min: 6, max: 40000 }), { nil: undefined }),
            cpus: fc.option(fc.integer({ min: 1, max: 1000 }).map((c) => c / 100), { nil: undefined }),
            nodes: fc.option(fc.subarray(["vm-0", "vm-1", "vm-2"], { minLength: 1 }), { nil: undefined }),
        });
        const pool: NodeCapacity[] = [{ name: "vm-0", vcpus: 4, memoryMb: 16384 }, { name: "vm-1", vcpus: 8, memoryMb: 32768 }, { name: "vm-2", vcpus: 2, memoryMb: 8192 }];
        fc.assert(fc.property(fc.array(workload, { maxLength: 10 }), workload, fc.boolean(), fc.option(fc.integer({ min: 0, max: 4096 }), { nil: undefined }), (ws, next, allow, overhead) => {
            const options = { allowOvercommit: allow, hypervOverheadMb: overhead };
            // The earlier workloads are the ones WindowsContainer accepted, one after the other.
            const accepted: WorkloadDemand[] = [];
            ws.forEach((w, i) => {
                const d = { name: `w${i}`, ...w };
                if (checkPoolCapacity(pool, [...accepted, d], options).ok) accepted.push(d);
            });
            const d = { name: "next", ...next };
            const incremental = checkAdditionalDemand(pool, accepted, d, options);
            const full = checkPoolCapacity(pool, [...accepted, d], options);
            expect(incremental).toEqual(full);
        }), { numRuns: 2000 });
    });
});
