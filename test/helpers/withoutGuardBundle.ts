/**
 * Runs `body` as on a checkout where the build never ran: `fs.statSync` of the guard bundle fails
 * with ENOENT (on the fs module object itself: a namespace import is a read-only view of it).
 */
import type * as fs from "fs";
import { GUARD_BUNDLE_FILE } from "../../components/azure/guardBundle";

export function withoutGuardBundle(body: () => void): void {
    const nodeFs = jest.requireActual<typeof fs>("fs");
    const realStat = nodeFs.statSync;
    const spy = jest.spyOn(nodeFs, "statSync").mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) => {
        if (String(p) === GUARD_BUNDLE_FILE) throw Object.assign(new Error(`ENOENT: no such file, stat '${String(p)}'`), { code: "ENOENT" });
        return realStat(p, o);
    }) as typeof fs.statSync);
    try {
        body();
    } finally {
        spy.mockRestore();
    }
}
