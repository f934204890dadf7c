/**
 * Text someone else chose (a program's resource names, labels and images in the plan's reports;
 * an engine's container names, labels, commands and errors in verify's) in the reports. Nothing in it may break a table row, start a line of its own (a fake `Result:` line),
 * steer a terminal, or turn into Markdown or HTML: control and line-breaking characters are
 * shown as escapes, and Markdown gets its syntax characters backslash-escaped.
 */

/** C0/C1 controls, DEL, Unicode line/paragraph separators and bidirectional overrides. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };

/** One line of plain text: every unsafe character as a visible escape (`\n`, `\u001b`, `\u202e`). */
export function textLine(s: string): string {
    return s.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Inline Markdown text (a table cell, a list item): one line, every syntax character escaped. */
export function mdText(s: string): string {
    return textLine(s).replace(/[\\`*_~[\]<>|&#!]/g, "\\$&");
}

/**
 * An inline code span holding `s` verbatim on one line: the fence is one backtick longer than
 * any run inside (CommonMark), so a backtick cannot end it. Not for table cells, where a pipe
 * would still split the cell.
 */
export function mdCode(s: string): string {
    const text = textLine(s);
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
    const fence = "`".repeat(longest + 1);
    // CommonMark strips one space from each end when both ends have one (and drops none otherwise).
    const stripped = text.startsWith(" ") && text.endsWith(" ") && text.trim() !== "";
    const pad = text.startsWith("`") || text.endsWith("`") || stripped ? " " : "";
    return `${fence}${pad}${text}${pad}${fence}`;
}
