/**
 * What the kernel's witness (witness.ts) means for one container, next to the engine's record:
 * it can contradict the record, it condemns an untrusted container that shares the host kernel
 * whatever the record says, and an inconclusive witness is said out loud, never read as a pass.
 */
import type { EffectiveIsolation } from "./attestation";
import type { Trust } from "../os/isolation";
import type { Witness } from "./witness";
import type { VerifyRuleId } from "./attestationRules";

export interface WitnessFinding {
    readonly ruleId: Extract<VerifyRuleId, `witness-${string}`>;
    readonly message: string;
}

export interface WitnessSubject {
    readonly name: string;
    readonly labelled: boolean;
    readonly trust: Trust;
    /** `HostConfig.Isolation` as reported. */
    readonly reported: string;
    readonly effective: EffectiveIsolation;
}

/**
 * The findings one witness verdict gives a container. With `requireWitness` (--require-witness)
 * an inconclusive witness of an untrusted container is an error; a trusted one's stays a warning.
 */
export function witnessFindings(c: WitnessSubject, w: Witness, requireWitness = false): WitnessFinding[] {
    const record = `the engine records HostConfig.Isolation '${c.reported}' (effective ${c.effective})`;
    const findings: WitnessFinding[] = [];
    if (w.verdict === "inconclusive") {
        if (requireWitness && c.trust === "untrusted") {
            findings.push({ ruleId: "witness-required", message: `${c.labelled ? "untrusted" : "unlabelled (so untrusted)"} container ${c.name}: --require-witness, and the host's process list proves nothing: ${w.reason}` });
        } else {
            findings.push({ ruleId: "witness-inconclusive", message: `container ${c.name}: the host's process list proves nothing: ${w.reason}` });
        }
        return findings;
    }
    const contradicts = w.verdict === "shares-host-kernel" ? c.effective === "hyperv" : c.effective === "process" || c.effective === "none";
    if (contradicts) {
        findings.push({
            ruleId: "witness-contradicts-engine",
            message: `container ${c.name}: ${record}, but the host's process list says ${w.verdict}: ${w.reason}`,
        });
    }
    if (w.verdict === "shares-host-kernel" && c.trust === "untrusted") {
        findings.push({
            ruleId: "witness-untrusted-shares-kernel",
            message: `${c.labelled ? "untrusted" : "unlabelled (so untrusted)"} container ${c.name} shares the host kernel (${record}): ${w.reason}`,
        });
    }
    return findings;
}
