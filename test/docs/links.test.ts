/**
 * The README and the pages under docs/ link each other by relative paths: every such link must
 * name a file that exists and, when it names a heading (`#anchor`), a heading that file has.
 */
import * as fs from "fs";
import * as path from "path";
import { anchors, headings, links, slug } from "../helpers/markdown";

const root = path.resolve(__dirname, "..", "..");
const docsDir = path.join(root, "docs");
const pages = ["README.md", ...fs.readdirSync(docsDir).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const read = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** What is wrong with one relative link from `page`, or undefined when it resolves. */
function brokenLink(page: string, target: string): string | undefined {
    const [file, anchor] = target.split("#", 2);
    const resolved = file === "" ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), decodeURI(file));
    if (!resolved.startsWith(root + path.sep)) return `points outside the repository (${resolved})`;
    if (!fs.existsSync(resolved)) return `no file ${path.relative(root, resolved)}`;
    if (anchor === undefined) return undefined;
    if (!resolved.endsWith(".md")) return `an anchor into ${path.relative(root, resolved)}, which is not Markdown`;
    const known = anchors(fs.readFileSync(resolved, "utf8"));
    return known.has(anchor) ? undefined : `no heading '#${anchor}' in ${path.relative(root, resolved)} (it has: ${[...known].join(", ")})`;
}

describe.each(pages)("%s", (page) => {
    test("every relative link resolves to a file and heading that exist", () => {
        const broken = links(read(page))
            .filter((l) => !external(l.target))
            .map((l) => ({ ...l, problem: brokenLink(page, l.target) }))
            .filter((l) => l.problem !== undefined)
            .map((l) => `${page}:${l.line}: (${l.target}) ${l.problem}`);
        expect(broken).toEqual([]);
    });
});

test("the README links every page under docs/", () => {
    const linked = new Set(links(read("README.md")).map((l) => path.normalize(l.target.split("#")[0])));
    expect(pages.filter((p) => p !== "README.md" && !linked.has(path.normalize(p)))).toEqual([]);
});

describe("the link checker itself", () => {
    test("finds links in prose but not in code, and anchors as GitHub makes them", () => {
        const text = ["# `pulumi up`, step by step", "see [a](b.md#c) and `[no](link)`", "```sh", "# not a heading [no](link)", "```", "## Twice", "## Twice"].join("\n");
        expect(links(text)).toEqual([{ target: "b.md#c", line: 2 }]);
        expect(headings(text).map((h) => h.text)).toEqual(["`pulumi up`, step by step", "Twice", "Twice"]);
        expect([...anchors(text)]).toEqual(["pulumi-up-step-by-step", "twice", "twice-1"]);
        expect(slug("Scale past one host (a swarm of several nodes)")).toBe("scale-past-one-host-a-swarm-of-several-nodes");
    });

    test("reports a missing file and a missing heading", () => {
        expect(brokenLink("README.md", "docs/no-such-page.md")).toMatch(/^no file docs\/no-such-page\.md$/);
        expect(brokenLink("README.md", "docs/plan.md#no-such-heading")).toMatch(/^no heading '#no-such-heading' in docs\/plan\.md/);
        expect(brokenLink("docs/plan.md", "../README.md#set-up")).toBeUndefined();
    });
});
