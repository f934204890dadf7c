/**
 * The human report: engine line, one row per running container, then the findings. Every string
 * the engine or a host list chose (names, labels, versions, messages that quote them) goes through
 * textLine: control characters and escape sequences are shown, never sent to the terminal.
 */
import { Attestation, ContainerVerdict, EngineVerdict } from "../../rules";
import { textLine } from "../escape";

function engineLine(e: EngineVerdict): string {
    const os = [e.osType, e.operatingSystem, e.osBuildName ? `build ${e.osBuildName}` : e.kernelVersion ? `kernel ${e.kernelVersion}` : undefined]
        .filter(Boolean)
        .join(" | ");
    const isolation = `default isolation ${e.defaultIsolation} (reported '${e.reportedDefaultIsolation ?? ""}')`;
    return textLine(`Engine: ${os} | ${isolation} | swarm ${e.swarmState}${e.serverVersion ? ` | dockerd ${e.serverVersion}` : ""}`);
}

function renderRows(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(header), ...rows.map(line)];
}

function row(c: ContainerVerdict, witness: boolean): string[] {
    const cells = [
        c.name,
        c.workload ?? (c.labelled ? "-" : "(unlabelled)"),
        c.trust,
        c.declared,
        c.reported === "" ? "''" : c.reported,
        c.effective + (c.via === "engine-default" ? " (engine default)" : ""),
        c.proven ? "yes" : "NO",
    ];
    // The witness column sits before PROVEN: it is evidence, PROVEN is the conclusion.
    if (witness) cells.splice(cells.length - 1, 0, c.witness?.verdict ?? "-");
    return cells.map(textLine);
}

const HEADER = ["CONTAINER", "WORKLOAD", "TRUST", "DECLARED", "REPORTED", "EFFECTIVE", "PROVEN"];

export function renderTable(endpoint: string, a: Attestation, exitCode: number): string {
    const out: string[] = [textLine(`Verify ${endpoint}`), engineLine(a.engine)];
    if (a.witness) out.push(textLine(`Witness: ${a.witness.source} (${a.witness.hostProcessCount} host processes) against each container's GET /containers/{id}/top`));
    out.push("");
    const header = a.witness ? [...HEADER.slice(0, -1), "WITNESS", "PROVEN"] : HEADER;
    if (a.containers.length === 0) out.push("No running containers.");
    else out.push(...renderRows(header, a.containers.map((c) => row(c, a.witness !== undefined))));
    out.push("");
    if (a.findings.length === 0) out.push("No findings.");
    else {
        out.push(`Findings (${a.findings.length}):`);
        for (const f of a.findings) out.push(`  ${f.level.toUpperCase().padEnd(7)} ${f.ruleId}: ${textLine(f.message)}`);
    }
    const errors = a.findings.filter((f) => f.level === "error").length;
    const warnings = a.findings.length - errors;
    out.push("");
    out.push(`${a.proven ? "PROVEN" : "NOT PROVEN"}: ${a.containers.length} running container(s), ${errors} error(s), ${warnings} warning(s); exit ${exitCode}`);
    return out.join("\n") + "\n";
}
