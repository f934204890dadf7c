/**
 * Is a freshly bootstrapped engine ready? The judgement over one `GET /info` answer, once for
 * every caller (the ContainerHost readiness wait polls the endpoint and asks this on each answer).
 * Ready means: the engine answers, runs the pinned version, runs on the expected Windows build,
 * defaults to the expected isolation (Hyper-V on every host we build: daemon.json's
 * `exec-opts: ["isolation=hyperv"]`) and, where the node needs it, is an active swarm member.
 * Fail closed: a field that is missing or unreadable is "not ready", never a pass.
 */
import { EffectiveIsolation, engineDefaultIsolation, parseWindowsKernelBuild } from "../attestation/attestation";

export interface EngineReadinessExpectation {
    /** `ServerVersion` the bootstrap installed (the pinned Docker release). */
    readonly serverVersion: string;
    /**
     * Windows build read from `KernelVersion` (the image's build, e.g. 20348); `null` expects an
     * engine that is not Windows (only the tests' Linux engine, which has no Windows build).
     */
    readonly osBuild: number | null;
    /** The engine's default isolation as attestation reads it: `hyperv` on every host we build. */
    readonly defaultIsolation: EffectiveIsolation;
    /** True when the node must already be an active swarm member (a host, a pool's first node). */
    readonly swarmActive: boolean;
}

/** What the engine said, in the words of the expectation (for messages and outputs). */
export interface EngineReadinessFacts {
    readonly serverVersion: string;
    readonly osBuild: number | null;
    readonly defaultIsolation: EffectiveIsolation;
    /** `Isolation` as the engine wrote it ("" when absent). */
    readonly reportedIsolation: string;
    readonly swarmState: string;
}

export type EngineReadiness =
    | { readonly ready: true; readonly facts: EngineReadinessFacts }
    /** `reason` is one sentence naming every mismatch: what the engine said and what was expected. */
    | { readonly ready: false; readonly reason: string; readonly facts?: EngineReadinessFacts };

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The engine's `GET /info` body (already parsed JSON) judged against what the bootstrap installs. */
export function judgeEngineReadiness(info: unknown, expected: EngineReadinessExpectation): EngineReadiness {
    if (info === null || typeof info !== "object" || Array.isArray(info)) {
        return { ready: false, reason: "GET /info answered with something that is not a JSON object" };
    }
    const i = info as Record<string, unknown>;
    const swarm = i.Swarm !== null && typeof i.Swarm === "object" ? (i.Swarm as Record<string, unknown>) : {};
    const osType = str(i.OSType);
    const reportedIsolation = str(i.Isolation);
    const facts: EngineReadinessFacts = {
        serverVersion: str(i.ServerVersion),
        osBuild: osType === "windows" ? (parseWindowsKernelBuild(str(i.KernelVersion)) ?? null) : null,
        defaultIsolation: engineDefaultIsolation({ osType, defaultIsolation: reportedIsolation }),
        reportedIsolation,
        swarmState: str(swarm.LocalNodeState),
    };
    const problems: string[] = [];
    if (facts.serverVersion !== expected.serverVersion) {
        problems.push(`version '${facts.serverVersion}', not ${expected.serverVersion}`);
    }
    if (osType === "windows" && facts.osBuild === null) {
        problems.push(`KernelVersion '${str(i.KernelVersion)}' with no Windows build in it`);
    } else if (facts.osBuild !== expected.osBuild) {
        problems.push(`${facts.osBuild === null ? `OSType '${osType}' (no Windows build)` : `Windows build ${facts.osBuild}`}, not ${expected.osBuild === null ? "a non-Windows engine" : `build ${expected.osBuild}`}`);
    }
    if (facts.defaultIsolation !== expected.defaultIsolation) {
        const seen = osType !== "windows" ? `no Windows default isolation (OSType '${osType}', Isolation '${reportedIsolation}')` : `default isolation '${reportedIsolation}'`;
        problems.push(`${seen}, not '${expected.defaultIsolation}' (daemon.json's exec-opts)`);
    }
    if (expected.swarmActive && facts.swarmState !== "active") {
        problems.push(`swarm state '${facts.swarmState}', not 'active'`);
    }
    if (problems.length > 0) return { ready: false, reason: `the engine reports ${problems.join("; ")}`, facts };
    return { ready: true, facts };
}
