import fc from "fast-check";
import {
    decidePoolIsolation,
    imageBuilds,
    isolationSupport,
    knownBuilds,
    NODE_HYPERV_LABEL,
    NODE_OS_BUILD_LABEL,
    nodeCanRun,
    nodeLabels,
    nodeMatchesConstraints,
    placementConstraints,
    PoolNode,
} from "../../../rules";

/** The node as swarm sees it once the pool has labelled it. */
const asSwarmNode = (n: PoolNode) => ({ platformOs: "windows", labels: nodeLabels(n) });

describe("node labels", () => {
    test("are the build and the Hyper-V flag under the project's prefix", () => {
        expect(NODE_OS_BUILD_LABEL).toBe("windows-isolation.os-build");
        expect(NODE_HYPERV_LABEL).toBe("windows-isolation.hyperv");
        expect(nodeLabels({ osBuild: 26100, hypervCapable: false })).toEqual({ "windows-isolation.os-build": "26100", "windows-isolation.hyperv": "false" });
    });
});

describe("placementConstraints", () => {
    const n2022: PoolNode = { name: "vm-0", osBuild: 20348, hypervCapable: true };
    const n2025: PoolNode = { name: "vm-1", osBuild: 26100, hypervCapable: true };
    const n2025plain: PoolNode = { name: "vm-2", osBuild: 26100, hypervCapable: false };

    test("a process-isolated ltsc2025 image is kept off the 2022 nodes", () => {
        expect(placementConstraints([n2022, n2025], "process", 26100)).toEqual({
            ok: true,
            constraints: ["node.platform.os==windows", "node.labels.windows-isolation.os-build!=20348"],
            nodes: ["vm-1"],
        });
    });

    test("a Hyper-V ltsc2019 image runs on every Hyper-V node: only the hyperv label constrains it", () => {
        expect(placementConstraints([n2022, n2025, n2025plain], "hyperv", 17763)).toEqual({
            ok: true,
            constraints: ["node.platform.os==windows", "node.labels.windows-isolation.hyperv==true"],
            nodes: ["vm-0", "vm-1"],
        });
    });

    test("a process-isolated ltsc2022 image runs on 2022 and 2025 nodes, Hyper-V capable or not", () => {
        const r = placementConstraints([n2022, n2025, n2025plain], "process", 20348);
        expect(r).toEqual({ ok: true, constraints: ["node.platform.os==windows"], nodes: ["vm-0", "vm-1", "vm-2"] });
    });

    test("no node able to run the workload is an error naming its needs and every node", () => {
        const r = placementConstraints([n2022, n2025plain], "hyperv", 26100);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.message).toBe(
            "needs hyperv isolation for an image of build 26100 (ltsc2025), i.e. a Hyper-V capable node whose build runs 26100 (ltsc2025) images under Hyper-V isolation (build >= 26100); " +
            "the pool's nodes are vm-0 (20348 (ltsc2022), hyperv yes), vm-2 (26100 (ltsc2025), hyperv no); add such a node or change the image or isolation",
        );
        expect(placementConstraints([], "process", 20348)).toEqual({ ok: false, message: expect.stringContaining("the pool has no nodes") });
    });

    // Builds a host can have (known ones and a few unknown) and builds an image can pin.
    const hostBuild = fc.oneof(fc.constantFrom(...knownBuilds().map((b) => b.build)), fc.constantFrom(12345, 30000));
    const node = fc.record({ osBuild: hostBuild, hypervCapable: fc.boolean() });
    const pool = fc.array(node, { minLength: 0, maxLength: 8 }).map((ns) => ns.map((n, i): PoolNode => ({ name: `vm-${i}`, ...n })));
    const mode = fc.constantFrom("process" as const, "hyperv" as const);
    const image = fc.constantFrom(...imageBuilds());

    test("property: a pool node satisfies the constraints iff the compatibility rule says it can run the workload", () => {
        fc.assert(
            fc.property(pool, mode, image, (nodes, isolation, imageBuild) => {
                const expected = nodes.filter((n) => (isolation === "process" || n.hypervCapable) && isolationSupport(n.osBuild, imageBuild)[isolation].supported);
                const r = placementConstraints(nodes, isolation, imageBuild);
                if (expected.length === 0) {
                    expect(r.ok).toBe(false);
                    if (!r.ok) for (const n of nodes) expect(r.message).toContain(n.name);
                    return;
                }
                expect(r.ok).toBe(true);
                if (!r.ok) return;
                expect(r.nodes).toEqual(expected.map((n) => n.name));
                for (const n of nodes) {
                    expect(nodeMatchesConstraints(asSwarmNode(n), r.constraints)).toBe(expected.includes(n));
                    expect(nodeCanRun(n, isolation, imageBuild)).toBe(expected.includes(n));
                }
                // Only the two operators swarm knows.
                for (const c of r.constraints) expect(c).toMatch(/^[a-z.-]+(==|!=)[a-z0-9]+$/);
            }),
            { numRuns: 2000 },
        );
    });

    test("property: a Linux node or an unlabelled Windows node never gets a Hyper-V workload", () => {
        fc.assert(
            fc.property(pool.filter((ns) => ns.some((n) => n.hypervCapable)), image, (nodes, imageBuild) => {
                const r = placementConstraints(nodes, "hyperv", imageBuild);
                if (!r.ok) return;
                expect(nodeMatchesConstraints({ platformOs: "linux", labels: nodeLabels({ osBuild: 26100, hypervCapable: true }) }, r.constraints)).toBe(false);
                expect(nodeMatchesConstraints({ platformOs: "windows", labels: {} }, r.constraints)).toBe(false);
            }),
        );
    });
});

describe("nodeMatchesConstraints (swarmkit's matching)", () => {
    test("a missing label fails == and passes !=; values compare case-insensitively", () => {
        const node = { platformOs: "windows", labels: { a: "True" } };
        expect(nodeMatchesConstraints(node, ["node.labels.a==true"])).toBe(true);
        expect(nodeMatchesConstraints(node, ["node.labels.b==1"])).toBe(false);
        expect(nodeMatchesConstraints(node, ["node.labels.b!=1"])).toBe(true);
        expect(nodeMatchesConstraints(node, ["node.platform.os==windows", "node.labels.a!=true"])).toBe(false);
    });

    test("refuses constraints it does not understand rather than guessing", () => {
        expect(() => nodeMatchesConstraints({ platformOs: "windows", labels: {} }, ["node.role==manager"])).toThrow(/unsupported swarm constraint key 'node.role'/);
        expect(() => nodeMatchesConstraints({ platformOs: "windows", labels: {} }, ["node.labels.a>3"])).toThrow(/unsupported swarm constraint/);
    });
});

describe("decidePoolIsolation", () => {
    test("an empty pool is an error on the host field", () => {
        expect(decidePoolIsolation([], { trust: "trusted", imageBuild: 20348 })).toEqual({
            ok: false,
            error: { field: "host", value: [], message: "the pool has no nodes; give it at least one node" },
        });
    });

    test("one reason shared by every node is reported once, as for a single host", () => {
        const r = decidePoolIsolation([{ name: "a", osBuild: 20348, hypervCapable: true }, { name: "b", osBuild: 26100, hypervCapable: true }], { trust: "partner", imageBuild: 20348 });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.field).toBe("trust");
    });
});
