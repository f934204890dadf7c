/**
 * Splits `nodeargs` into words as the Node.js language host does (github.com/google/shlex
 * Split): blanks separate words; '...' is literal; in "..." a backslash escapes only `"`, `\`,
 * `$`, `` ` `` and a newline; outside quotes a backslash escapes the next character; `#` at the start
 * of a word comments out the rest. Undefined for an unclosed quote or a trailing backslash (shlex
 * fails on both, and so the run).
 */
export function splitShellWords(text: string): string[] | undefined {
    const words: string[] = [];
    let word: string | undefined;
    let i = 0;
    const add = (s: string) => (word = (word ?? "") + s);
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            if (word !== undefined) words.push(word);
            word = undefined;
            i++;
        } else if (c === "#" && word === undefined) {
            break;
        } else if (c === "\\") {
            if (i + 1 >= text.length) return undefined;
            add(text[i + 1]);
            i += 2;
        } else if (c === "'") {
            const end = text.indexOf("'", i + 1);
            if (end < 0) return undefined;
            add(text.slice(i + 1, end));
            i = end + 1;
        } else if (c === '"') {
            i++;
            let closed = false;
            let s = "";
            while (i < text.length) {
                const d = text[i];
                if (d === '"') {
                    closed = true;
                    i++;
                    break;
                }
                if (d === "\\" && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
                    s += text[i + 1];
                    i += 2;
                } else {
                    s += d;
                    i++;
                }
            }
            if (!closed) return undefined;
            add(s);
        } else {
            add(c);
            i++;
        }
    }
    if (word !== undefined) words.push(word);
    return words;
}
