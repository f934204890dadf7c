/**
 * The public API is a decision: the built package root's export keys (and those of its `windows`
 * namespace) must equal the committed list in public-api.json. A new name fails this test until
 * it is added there on purpose (and a removed one until it is noted in the CHANGELOG).
 * Built as a user gets it: a fresh checkout's `npm run build` (scripts/build.js), then build/index.js.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { freshCheckout } from "../helpers/checkout";

const committed = JSON.parse(fs.readFileSync(path.join(__dirname, "public-api.json"), "utf8")) as { root: string[]; windows: string[] };

let checkout: string;
let built: Record<string, unknown>;

beforeAll(() => {
    checkout = freshCheckout("wi-exports-");
    execFileSync(process.execPath, [path.join(checkout, "scripts", "build.js")], { cwd: checkout, stdio: "pipe" });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    built = require(path.join(checkout, "build", "index.js"));
}, 300_000);

afterAll(() => {
    if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
});

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
    const workload = require(path.join(checkout, "build", "components", "workload", "windowsContainer.js"));
    expect(built.WindowsContainer).toBe(workload.WindowsContainer);
});
