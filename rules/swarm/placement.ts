/**
 * Where in a swarm of Windows nodes a workload may run, as swarm placement constraints derived
 * from the one compatibility rule (`isolationSupport`).
 *
 * Swarm ANDs the constraints of a service and only knows `==` and `!=`, so "a node whose build
 * runs this image in this mode" is written as: Windows, Hyper-V capable when the mode is hyperv,
 * and `os-build != b` for every build of the pool that cannot run it. A build the pool does not
 * list is not excluded by name: nodes joined by hand outside the declared list are constrained
 * only by platform and Hyper-V capability (see docs/pool.md, "Limits").
 */
import { describeBuild } from "../os/builds";
import { IsolationMode, isolationSupport, OsVersion } from "../os/compatibility";
import { DecisionResult, decideIsolation, IsolationRequest } from "../os/isolation";
import { NODE_HYPERV_LABEL, NODE_OS_BUILD_LABEL } from "../os/labels";

/** One swarm node as the pool declares it. */
export interface PoolNode {
    /** Node name used in messages (the VM or host name). */
    readonly name: string;
    /** Windows build of the node, e.g. 20348. */
    readonly osBuild: number;
    /** Whether the node runs Hyper-V isolated containers (nested virtualization, Hyper-V role). */
    readonly hypervCapable: boolean;
    /** Logical CPUs of the node; with `memoryMb` on every node, workloads are checked against capacity. */
    readonly cpuCount?: number;
    /** Memory of the node in MiB; with `cpuCount` on every node, workloads are checked against capacity. */
    readonly memoryMb?: number;
}

/** The swarm node labels a pool sets on a node (`docker node update --label-add`). */
export function nodeLabels(node: Pick<PoolNode, "osBuild" | "hypervCapable">): Record<string, string> {
    return { [NODE_OS_BUILD_LABEL]: String(node.osBuild), [NODE_HYPERV_LABEL]: String(node.hypervCapable) };
}

/** Whether `node` can run an image of `image` build in `isolation` mode (the rule, per node). */
export function nodeCanRun(node: Pick<PoolNode, "osBuild" | "hypervCapable">, isolation: IsolationMode, image: number | OsVersion): boolean {
    if (isolation === "hyperv" && !node.hypervCapable) return false;
    return isolationSupport(node.osBuild, image)[isolation].supported;
}

export type PlacementResult =
    | { readonly ok: true; readonly constraints: readonly string[]; readonly nodes: readonly string[] }
    | { readonly ok: false; readonly message: string };

function describeNode(n: PoolNode): string {
    return `${n.name} (${describeBuild(n.osBuild)}, hyperv ${n.hypervCapable ? "yes" : "no"})`;
}

/**
 * Swarm constraints that keep a workload on the pool's nodes able to run it, and the names of
 * those nodes; an error naming the workload's needs and every node when none can.
 */
export function placementConstraints(nodes: readonly PoolNode[], isolation: IsolationMode, image: number | OsVersion): PlacementResult {
    const imageBuild = typeof image === "number" ? image : image.build;
    const able = nodes.filter((n) => nodeCanRun(n, isolation, image));
    if (able.length === 0) {
        const need = isolation === "hyperv"
            ? `a Hyper-V capable node whose build runs ${describeBuild(imageBuild)} images under Hyper-V isolation (build >= ${imageBuild})`
            : `a node whose build runs ${describeBuild(imageBuild)} images in process isolation`;
        const pool = nodes.length === 0 ? "the pool has no nodes" : `the pool's nodes are ${nodes.map(describeNode).join(", ")}`;
        return { ok: false, message: `needs ${isolation} isolation for an image of build ${describeBuild(imageBuild)}, i.e. ${need}; ${pool}; add such a node or change the image or isolation` };
    }
    const constraints = ["node.platform.os==windows"];
    if (isolation === "hyperv") constraints.push(`node.labels.${NODE_HYPERV_LABEL}==true`);
    const excluded = new Set<number>();
    for (const n of nodes) {
        // A build is excluded when its nodes cannot run the workload for a reason other than
        // Hyper-V capability, which the label above already covers.
        if (!isolationSupport(n.osBuild, image)[isolation].supported) excluded.add(n.osBuild);
    }
    for (const b of [...excluded].sort((a, b) => a - b)) constraints.push(`node.labels.${NODE_OS_BUILD_LABEL}!=${b}`);
    return { ok: true, constraints, nodes: able.map((n) => n.name) };
}

/**
 * Whether a node with these facts satisfies swarm constraints, the way swarmkit's
 * `constraint.NodeMatches` (manager/constraint/constraint.go) matches them: every constraint must
 * hold; values compare case-insensitively (strings.EqualFold); a label missing on the node
 * compares as "" (so it fails `==true` and passes `!=20348`).
 * Used by `plan` to show placement and by the tests as the independent check of the rule.
 */
export function nodeMatchesConstraints(node: { readonly platformOs: string; readonly labels: Readonly<Record<string, string>> }, constraints: readonly string[]): boolean {
    return constraints.every((c) => {
        const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.+?)\s*$/.exec(c);
        if (!m) throw new Error(`unsupported swarm constraint '${c}'`);
        const [, key, op, value] = m;
        let actual: string | undefined;
        if (key === "node.platform.os") actual = node.platformOs;
        else if (key.startsWith("node.labels.")) actual = node.labels[key.slice("node.labels.".length)];
        else throw new Error(`unsupported swarm constraint key '${key}'`);
        const equal = (actual ?? "").toLowerCase() === value.toLowerCase();
        return op === "==" ? equal : !equal;
    });
}

/**
 * The swarm nodes a service may be scheduled on: those its placement constraints admit (Windows
 * nodes, labelled as the pool labels them). Throws on a constraint this matcher does not know.
 */
export function admittedNodes<N extends Pick<PoolNode, "osBuild" | "hypervCapable">>(nodes: readonly N[], constraints: readonly string[]): N[] {
    return nodes.filter((n) => nodeMatchesConstraints({ platformOs: "windows", labels: nodeLabels(n) }, constraints));
}

/**
 * The isolation decision for a pool: `decideIsolation` on every distinct kind of node, then the
 * cheapest mode some node can run (process before hyperv, as for one host). Untrusted workloads
 * still only ever get hyperv, since every per-node decision says so. When no node can run the
 * workload, the error lists each kind of node and why.
 */
export function decidePoolIsolation(nodes: readonly PoolNode[], req: Omit<IsolationRequest, "hostBuild" | "hostHypervCapable" | "hostRevision">): DecisionResult {
    const kinds = new Map<string, PoolNode[]>();
    for (const n of nodes) {
        const key = `${n.osBuild}/${n.hypervCapable}`;
        kinds.set(key, [...(kinds.get(key) ?? []), n]);
    }
    const results = [...kinds.values()].map((group) => ({
        group,
        result: decideIsolation({ ...req, hostBuild: group[0].osBuild, hostHypervCapable: group[0].hypervCapable }),
    }));
    const ok = results.flatMap((r) => (r.result.ok ? [{ ...r, decision: r.result }] : []));
    const best = ok.find((r) => r.decision.isolation === "process") ?? ok[0];
    if (best) {
        return { ...best.decision, reason: `${best.decision.reason} (pool nodes ${best.group.map((n) => n.name).join(", ")})` };
    }
    if (results.length === 0) return { ok: false, error: { field: "host", value: [], message: "the pool has no nodes; give it at least one node" } };
    const messages = new Set(results.map((r) => (r.result.ok ? "" : r.result.error.message)));
    if (messages.size === 1 && !results[0].result.ok) {
        const e = results[0].result.error;
        return { ok: false, error: { ...e, message: `${e.message} (the same on every node of the pool: ${nodes.map(describeNode).join(", ")})` } };
    }
    const why = results.map((r) => `${r.group.map((n) => n.name).join(", ")}: ${r.result.ok ? "" : r.result.error.message}`).join(" | ");
    return { ok: false, error: { field: "host", value: nodes.map((n) => n.name), message: `no node of the pool can run this workload (${why})` } };
}
