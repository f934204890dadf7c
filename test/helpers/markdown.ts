/**
 * The little Markdown the doc tests need: headings and links outside code, sections by heading,
 * and GitHub's heading anchors. Lines inside ``` fences are code: a `# comment` in a shell block
 * is not a heading, and a `[x](y)` there is not a link.
 */

export interface Heading {
    readonly level: number;
    readonly text: string;
    /** 0-based line index. */
    readonly line: number;
}

/** Each line with whether it is inside (or is) a fence line. */
function linesWithFences(text: string): { line: string; code: boolean }[] {
    let inFence = false;
    return text.split("\n").map((line) => {
        if (/^\s*```/.test(line)) {
            inFence = !inFence;
            return { line, code: true };
        }
        return { line, code: inFence };
    });
}

export function headings(text: string): Heading[] {
    return linesWithFences(text).flatMap(({ line, code }, i) => {
        const m = code ? null : /^(#{1,6}) +(.+?) *#* *$/.exec(line);
        return m ? [{ level: m[1].length, text: m[2], line: i }] : [];
    });
}

/** The anchor GitHub gives a heading (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .replace(/`/g, "")
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** Every anchor of a file, repeated headings numbered as GitHub numbers them (`-1`, `-2`, ...). */
export function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const h of headings(text)) {
        const base = slug(h.text);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** The section under the heading with exactly this text, up to the next heading of the same or a higher level. */
export function section(text: string, headingText: string, fileForErrors: string): string {
    const all = headings(text);
    const at = all.findIndex((h) => h.text === headingText);
    if (at < 0) throw new Error(`${fileForErrors} has no heading '${headingText}'`);
    const next = all.slice(at + 1).find((h) => h.level <= all[at].level);
    const lines = text.split("\n");
    return lines.slice(all[at].line, next === undefined ? undefined : next.line).join("\n");
}

export interface Link {
    readonly target: string;
    /** 1-based line number. */
    readonly line: number;
}

/** Inline links `[text](target)` outside code fences and inline code spans. */
export function links(text: string): Link[] {
    return linesWithFences(text).flatMap(({ line, code }, i) => {
        if (code) return [];
        const prose = line.replace(/`+[^`]*`+/g, "");
        return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ target: m[1], line: i + 1 }));
    });
}
