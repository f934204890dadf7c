// Parses Mermaid diagrams with Mermaid itself (the npm package `mermaid`, the code GitHub, GitLab
// and Azure DevOps render diagrams with) and prints what its flowchart parser made of each, as
// JSON: stdin is a JSON array of diagram texts. Mermaid is an ES module that sanitizes labels with
// DOMPurify, which needs a DOM: jsdom gives it one. Used by test/helpers/mermaid/index.ts.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

/** Mermaid keeps entity codes (`#35;`) encoded while it parses and decodes them when it renders. */
const decode = (s) => String(s).replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)));

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
    try {
        const { diagramType } = await mermaid.parse(text);
        const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
        const db = diagram.db;
        results.push({
            ok: true,
            diagramType,
            // Lines split where the diagram itself breaks them, before entity codes decode (a name's `<br>` is not a break).
            vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, lines: String(v.text).split(/<br\s*\/?>/).map(decode), type: v.type, classes: [...v.classes] })),
            subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: [...s.nodes] })),
            edges: db.getEdges().length,
            classDefs: [...db.getClasses().keys()],
        });
    } catch (e) {
        results.push({ ok: false, error: String(e?.message ?? e).split("\n")[0] });
    }
}
process.stdout.write(JSON.stringify(results));
