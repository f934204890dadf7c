/**
 * A real PowerShell parser for tests: tree-sitter's PowerShell grammar (airbus-cert/
 * tree-sitter-powershell, shipped as .wasm in its npm package) run by web-tree-sitter, so no
 * native build is needed. Its trustworthiness is shown first in powershellParser.test.ts.
 */
import { readFileSync } from "fs";
import { Language, Node, Parser } from "web-tree-sitter";

let parser: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
    await Parser.init();
    // Bytes, not a path: loading by path makes web-tree-sitter use a dynamic import jest refuses.
    const language = await Language.load(readFileSync(require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm")));
    const p = new Parser();
    p.setLanguage(language);
    return p;
}

export interface ParseProblem {
    readonly kind: "error" | "missing";
    readonly line: number;
    readonly column: number;
    readonly text: string;
}

export interface PowerShellParse {
    readonly ok: boolean;
    readonly problems: ParseProblem[];
    /** Node types in the tree (to check the parser understood, not just tolerated, a script). */
    readonly nodeTypes: Set<string>;
}

/** Parses PowerShell source; ok is false when the tree has any ERROR or MISSING node. */
export async function parsePowerShell(source: string): Promise<PowerShellParse> {
    parser ??= load();
    const tree = (await parser).parse(source);
    if (!tree) throw new Error("tree-sitter returned no tree");
    const problems: ParseProblem[] = [];
    const nodeTypes = new Set<string>();
    const walk = (n: Node) => {
        nodeTypes.add(n.type);
        if (n.isError || n.isMissing) {
            problems.push({ kind: n.isMissing ? "missing" : "error", line: n.startPosition.row + 1, column: n.startPosition.column + 1, text: n.text.slice(0, 60) });
        }
        for (const c of n.children) if (c) walk(c);
    };
    walk(tree.rootNode);
    const ok = !tree.rootNode.hasError && problems.length === 0;
    tree.delete();
    return { ok, problems, nodeTypes };
}
