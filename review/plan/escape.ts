/** The plan's escaping is the one shared with verify (review/escape.ts); plan modules import it from here. */
export { mdCode, mdText, textLine } from "../escape";
