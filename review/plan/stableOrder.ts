/**
 * The resources in an order that depends only on the program, never on the order its
 * registrations happened to reach the monitor (which differs run to run for work done in
 * parallel): by declaring position (file, line, column; none first), then a parent before its
 * children, then URN. Rows and findings follow it, so two runs of a program give byte-identical
 * reports.
 */
import { RecordedResource } from "../analyzer/resource";

export function inStableOrder(resources: readonly RecordedResource[]): RecordedResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const depths = new Map<string, number>();
    const depth = (r: RecordedResource): number => {
        let d = depths.get(r.urn);
        if (d === undefined) {
            const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
            d = parent && parent !== r ? depth(parent) + 1 : 0;
            depths.set(r.urn, d);
        }
        return d;
    };
    const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    return [...resources].sort(
        (a, b) =>
            cmp(a.location?.file ?? "", b.location?.file ?? "") ||
            cmp(a.location?.line ?? 0, b.location?.line ?? 0) ||
            cmp(a.location?.column ?? 0, b.location?.column ?? 0) ||
            cmp(depth(a), depth(b)) ||
            cmp(a.urn, b.urn),
    );
}
