/** Mermaid's own parser, run in a Node child (Mermaid is an ES module; jest runs CommonJS): see parse.mjs. */
import { spawnSync } from "child_process";
import * as path from "path";

export type ParsedDiagram =
    | {
          readonly ok: true;
          readonly diagramType: string;
          /** A node's label, line by line, entity codes decoded. */
          readonly vertices: { id: string; lines: string[]; type: string; classes: string[] }[];
          readonly subgraphs: { id: string; title: string; nodes: string[] }[];
          readonly edges: number;
          readonly classDefs: string[];
      }
    | { readonly ok: false; readonly error: string };

/** Parses each diagram text (one child process for all of them). */
export function parseMermaid(texts: readonly string[]): ParsedDiagram[] {
    const r = spawnSync(process.execPath, [path.join(__dirname, "parse.mjs")], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`the Mermaid parser exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

/** The diagram inside plan.md's ```mermaid fence. */
export function mermaidBlock(markdown: string): string {
    const m = /^```mermaid\n([\s\S]*?)\n```$/m.exec(markdown);
    if (!m) throw new Error("no ```mermaid block");
    return m[1];
}
