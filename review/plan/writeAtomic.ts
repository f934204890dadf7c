/**
 * Writes a report file whole or not at all: the text goes to a temporary file beside it, which
 * then replaces the report in one rename. A reader (or a tool that watches the folder) never sees
 * a half-written report, and a report in place is always the one this plan wrote last.
 */
import * as fs from "fs";
import * as path from "path";

export function writeAtomic(file: string, text: string): void {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
        fs.writeFileSync(temp, text);
        fs.renameSync(temp, file);
    } finally {
        fs.rmSync(temp, { force: true });
    }
}
