/**
 * The public API is a decision: the built package root's export keys (and those of its `windows`
 * namespace) must equal the committed list in public-api.json. A new name fails this test until
 * it is added there on purpose (and a removed one until it is noted in the CHANGELOG).
 * Read from build/index.js, the package's entry point: `npm run build` (scripts/build.js) from the
 * current sources, since the unit project's global setup rebuilds build/ whenever any source differs
 * from what it was made from (scripts/ensureBuilt.js), and the build starts from an empty build/.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/build/builtTools";

const committed = JSON.parse(fs.readFileSync(path.join(__dirname, "public-api.json"), "utf8")) as { root: string[]; windows: string[] };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const built: Record<string, unknown> = require(path.join(ROOT, "build", "index.js"));

test("the package root exports exactly the committed names", () => {
    expect(Object.keys(built).sort()).toEqual([...committed.root, "windows"].sort());
});

test("the windows namespace exports exactly the committed names", () => {
    expect(Object.keys(built.windows as object).sort()).toEqual([...committed.windows].sort());
});

test("the committed list is sorted and free of duplicates, so a diff shows one decision per line", () => {
    for (const list of [committed.root, committed.windows]) {
        expect(list).toEqual([...new Set(list)].sort());
    }
});

test("the public classes are the component classes, not copies", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const workload = require(path.join(ROOT, "build", "components", "workload", "windowsContainer.js"));
    expect(built.WindowsContainer).toBe(workload.WindowsContainer);
});
