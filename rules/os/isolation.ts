/**
 * The one isolation decision that components, policies and tools all call.
 *
 * Microsoft: "Only hypervisor-isolated containers provide a security boundary, and
 * process-isolated containers do not" (manage-containers/container-security). So untrusted
 * code runs under Hyper-V, always, and a missing trust level means untrusted.
 */
import { describeBuild, hostBuildProblem, knownBuild, ltscName } from "./builds";
import type { FieldProblem } from "../problems";
import { IsolationMode, ISOLATION_MODES, isolationSupport, oldestProcessImageBuild } from "./compatibility";

/** Who wrote the code a workload runs; const object + value type so the schema analyzer sees an enum. */
export const Trust = { Trusted: "trusted", Untrusted: "untrusted" } as const;
export type Trust = (typeof Trust)[keyof typeof Trust];
export const TRUST_LEVELS: readonly Trust[] = ["trusted", "untrusted"];

/** A rule broken by one input field, phrased so that the message alone tells the fix. */
export interface FieldError extends FieldProblem {
    readonly value: unknown;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FieldError };

function show(value: unknown): string {
    return typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Missing trust means untrusted (fail closed); anything but the two levels is an error. */
export function parseTrust(value: unknown): Parsed<Trust> {
    if (value === undefined || value === null) return { ok: true, value: "untrusted" };
    if (value === "trusted" || value === "untrusted") return { ok: true, value };
    return {
        ok: false,
        error: {
            field: "trust",
            value,
            message: `trust ${show(value)} is not a trust level; use 'trusted' or 'untrusted' (or leave it out: untrusted)`,
        },
    };
}

/** An isolation mode as the Docker engine applies it; `default` is whatever the daemon defaults to. */
export type DockerIsolation = IsolationMode | "default";

/**
 * Reads an isolation string exactly as Docker does, for resources that hand it to the engine
 * verbatim (docker.Service, docker.RemoteImage builds). moby api/types/container/hostconfig.go:
 * `IsHyperV` is `strings.ToLower(i) == "hyperv"`, `IsProcess` is `strings.ToLower(i) == "process"`,
 * `IsDefault` is `strings.ToLower(i) == "default" || i == ""`; daemon/cluster/convert/container.go
 * `isolationToGRPC` sends anything neither Hyper-V nor process to swarmkit as
 * ISOLATION_DEFAULT. So "HyperV" is Hyper-V, "PROCESS" is process, and a string Docker does
 * not recognise (or no string) is the daemon default. Our own components stay strictly typed
 * (`parseIsolation`); this is for judging what someone else wrote.
 */
export function dockerIsolation(value: unknown): DockerIsolation {
    if (typeof value !== "string") return "default";
    const lower = value.toLowerCase();
    return lower === "hyperv" || lower === "process" ? lower : "default";
}

/** An explicit isolation request; `default` is refused because it hands the choice to the daemon. */
export function parseIsolation(value: unknown): Parsed<IsolationMode | undefined> {
    if (value === undefined || value === null) return { ok: true, value: undefined };
    if (value === "process" || value === "hyperv") return { ok: true, value };
    const why =
        value === "default"
            ? "hands the choice to the Docker daemon, so nobody can say which isolation the workload gets"
            : "is not an isolation mode";
    return {
        ok: false,
        error: {
            field: "isolation",
            value,
            message: `isolation ${show(value)} ${why}; use ${ISOLATION_MODES.map((m) => `'${m}'`).join(" or ")} (or leave it out: hyperv for untrusted, the cheapest compatible mode for trusted)`,
        },
    };
}

export interface IsolationRequest {
    /** Declared trust; missing means untrusted. */
    readonly trust?: unknown;
    /** Requested isolation; missing means hyperv for untrusted, cheapest compatible for trusted. */
    readonly requested?: unknown;
    readonly hostBuild: number;
    readonly imageBuild: number;
    /** The image revision (10.0.build.REVISION) when the tag pins it. */
    readonly imageRevision?: number;
    /** The host revision, when known; only 14393 hosts need it. */
    readonly hostRevision?: number;
    readonly hostHypervCapable: boolean;
}

export interface IsolationDecision {
    readonly trust: Trust;
    readonly requested?: IsolationMode;
    readonly isolation: IsolationMode;
    /** Why this mode, in one sentence. */
    readonly reason: string;
}

export type DecisionResult =
    | ({ readonly ok: true } & IsolationDecision)
    | { readonly ok: false; readonly error: FieldError };

function fail(field: string, value: unknown, message: string): DecisionResult {
    return { ok: false, error: { field, value, message } };
}

function processFix(hostBuild: number): string {
    const oldest = oldestProcessImageBuild(hostBuild);
    const names = [oldest, hostBuild].map((b) => ltscName(b) ?? String(b));
    return oldest === hostBuild ? `an image tagged ${names[0]}` : `an image from ${names[0]} to ${names[1]}`;
}

/**
 * Decides the effective isolation of one workload, or says precisely which field breaks which
 * rule and how to fix it. Never returns anything but an explicit mode.
 */
export function decideIsolation(req: IsolationRequest): DecisionResult {
    const trust = parseTrust(req.trust);
    if (!trust.ok) return trust;
    const requested = parseIsolation(req.requested);
    if (!requested.ok) return requested;

    const host = describeBuild(req.hostBuild);
    const image = describeBuild(req.imageBuild);
    const hostProblem = hostBuildProblem(req.hostBuild);
    if (hostProblem) return fail("osBuild", req.hostBuild, `host osBuild ${hostProblem.message}`);
    if (!knownBuild(req.imageBuild)?.hasContainerImages) {
        return fail("imageOsBuild", req.imageBuild, `imageOsBuild ${req.imageBuild} is not a Windows build with Microsoft base images; use the build the image is based on (e.g. 17763, 20348, 26100)`);
    }

    const support = isolationSupport(
        { build: req.hostBuild, revision: req.hostRevision },
        { build: req.imageBuild, revision: req.imageRevision },
    );
    if (req.imageBuild > req.hostBuild) {
        return fail("image", req.imageBuild, `image build ${image} is newer than host build ${host}: Windows never runs a newer image; use an image built for ${ltscName(req.hostBuild) ?? req.hostBuild} or older, or a host at ${req.imageBuild} or newer`);
    }

    const hypervProblem = (): DecisionResult | undefined => {
        if (!req.hostHypervCapable) {
            return fail("isolation", "hyperv", `isolation 'hyperv' needs a Hyper-V capable host, and this host has hypervCapable false; use a host with Hyper-V (nested virtualization on Azure)${trust.value === "trusted" ? ` or isolation 'process' with ${processFix(req.hostBuild)}` : ""}`);
        }
        if (!support.hyperv.supported) return fail("isolation", "hyperv", `isolation 'hyperv' cannot run this image: ${support.hyperv.reason}`);
        return undefined;
    };

    if (trust.value === "untrusted") {
        if (requested.value === "process") {
            return fail("isolation", "process", "trust 'untrusted' requires isolation 'hyperv', got 'process'; set isolation: 'hyperv' (or leave it out), or declare the workload trust: 'trusted' if it really is");
        }
        return hypervProblem() ?? {
            ok: true,
            trust: "untrusted",
            requested: requested.value,
            isolation: "hyperv",
            reason: "untrusted workloads run only under Hyper-V isolation, the only security boundary Windows containers have",
        };
    }

    if (requested.value === "process") {
        if (!support.process.supported) {
            return fail("isolation", "process", `isolation 'process' cannot run image ${image} on host ${host}: ${support.process.reason}; use isolation 'hyperv' or ${processFix(req.hostBuild)}`);
        }
        return { ok: true, trust: "trusted", requested: "process", isolation: "process", reason: `requested; ${support.process.reason}` };
    }
    if (requested.value === "hyperv") {
        return hypervProblem() ?? { ok: true, trust: "trusted", requested: "hyperv", isolation: "hyperv", reason: "requested" };
    }
    if (support.process.supported) {
        return { ok: true, trust: "trusted", isolation: "process", reason: `cheapest compatible mode: ${support.process.reason}` };
    }
    const hv = hypervProblem();
    if (hv) {
        return fail("isolation", undefined, `no isolation mode runs image ${image} on host ${host}: process isolation needs ${processFix(req.hostBuild)} (${support.process.reason}), and Hyper-V isolation needs a Hyper-V capable host; change the image or the host`);
    }
    return { ok: true, trust: "trusted", isolation: "hyperv", reason: `process isolation cannot run it (${support.process.reason}); Hyper-V isolation can` };
}
