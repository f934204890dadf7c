/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf requests have no TypeScript types */
/**
 * Where the program declares a resource, from what Pulumi's SDK sends with every registration:
 * the request's stack trace (RegisterResourceRequest.stackTrace, the frames below the resource's
 * constructor, already mapped to TypeScript lines by the runtime's source maps), first frame
 * inside the program directory and outside node_modules, so a resource a component creates is
 * shown at the program's line that declares the component. When no frame is the program's, the
 * request's sourcePosition (the constructor's caller) if it is.
 */
import * as path from "path";
import { fileURLToPath } from "url";
import { SourceLocation } from "../analyzer/resource";

function position(pos: any): SourceLocation | undefined {
    const uri: string | undefined = pos?.getUri?.();
    if (!uri || !uri.startsWith("file:")) return undefined;
    try {
        return { file: fileURLToPath(uri), line: pos.getLine(), column: pos.getColumn() };
    } catch {
        return undefined;
    }
}

export function declaringLine(req: any, programDir: string): SourceLocation | undefined {
    const inProgram = (l: SourceLocation | undefined): l is SourceLocation =>
        l !== undefined && l.line > 0 && l.file.startsWith(programDir + path.sep) && !l.file.includes(`${path.sep}node_modules${path.sep}`);
    for (const frame of req.getStacktrace?.()?.getFramesList?.() ?? []) {
        const where = position(frame.getPc?.());
        if (inProgram(where)) return where;
    }
    const source = position(req.getSourceposition?.());
    return inProgram(source) ? source : undefined;
}
