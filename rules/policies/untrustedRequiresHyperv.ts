/**
 * untrusted-requires-hyperv: untrusted code (and code without a trust label) runs only under
 * explicit Hyper-V isolation. The policy (policy/untrustedRequiresHyperv.ts) reads each
 * resource's trust with labelTrust.ts and asks these rules.
 */
import { dockerIsolation, Trust } from "../os/isolation";
import { TRUST_LABEL } from "../os/labels";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/**
 * untrusted-requires-hyperv for a workload that can state its isolation (docker.Service,
 * WindowsContainer, an image build): undefined when fine, else why not. The value is read as
 * Docker reads it (`dockerIsolation`), and only Hyper-V satisfies the rule for untrusted code:
 * missing, `default`, an unrecognised string (all the daemon default, which on a host we did not
 * build is process isolation on Windows Server) and a value not known until deploy all fail.
 */
export function untrustedIsolationProblem(trust: Trust, isolation: unknown, field = "isolation"): string | undefined {
    if (trust !== "untrusted") return undefined;
    if (isolation === UNKNOWN_UNTIL_DEPLOY) {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not known until deploy, so the plan cannot show it will be Hyper-V; set ${field} to the literal 'hyperv'`;
    }
    const mode = dockerIsolation(isolation);
    if (mode === "hyperv") return undefined;
    if (isolation === undefined || isolation === null || isolation === "") {
        return `trust 'untrusted' (declared or by default) requires ${field} 'hyperv', and the ${field} is not set, which leaves the choice to the Docker daemon; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
    }
    if (mode === "default") {
        const why = String(isolation).toLowerCase() === "default" ? "hands the choice to the Docker daemon" : "is not an isolation mode Docker knows, so Docker applies the daemon default";
        return `trust 'untrusted' requires ${field} 'hyperv': ${field} '${String(isolation)}' ${why}; set ${field} 'hyperv'`;
    }
    const read = isolation === mode ? "" : ` (Docker reads it as '${mode}')`;
    return `trust 'untrusted' requires ${field} 'hyperv', got '${String(isolation)}'${read}; set ${field} 'hyperv' (or declare the workload trusted if it really is)`;
}

/** What decides how a docker.RemoteImage / docker.RegistryImage build runs. */
export interface ImageBuildFacts {
    readonly isolation?: unknown;
    /** `build.builder`: a buildx builder by name. */
    readonly builder?: unknown;
    /** `build.useLegacyBuilder`: forces the classic builder, which passes isolation to the daemon. */
    readonly useLegacyBuilder?: unknown;
}

function given(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

/**
 * untrusted-requires-hyperv for a docker.RemoteImage / docker.RegistryImage build. The provider
 * (kreuzwerker terraform-provider-docker resource_docker_image_funcs.go buildImage) builds with
 * buildx unless `useLegacyBuilder` is true or the daemon is Windows without BuildKit and
 * DOCKER_BUILDKIT is unset on the deploying machine, which no review can see; and on the buildx
 * path `build.isolation` is passed as the network mode (docker_buildx_build.go
 * mapBuildAttributesToBuildOptions: `options.networkMode = isolation`), not an isolation at all.
 * So an untrusted build is Hyper-V isolated only with `useLegacyBuilder: true`, no `builder`,
 * and `isolation: 'hyperv'`.
 */
/** Whether the provider may build through buildx, where build.isolation is no isolation (see untrustedImageBuildProblem). */
export function buildMayUseBuildx(build: ImageBuildFacts): boolean {
    return build.builder === UNKNOWN_UNTIL_DEPLOY || given(build.builder) || build.useLegacyBuilder !== true;
}

export function untrustedImageBuildProblem(trust: Trust, build: ImageBuildFacts): string | undefined {
    if (trust !== "untrusted") return undefined;
    const legacyFix = "set build.useLegacyBuilder true (the classic builder passes build.isolation to the daemon) and build.isolation 'hyperv', or label the build windows-isolation.trust=trusted only if its context really is";
    if (build.builder === UNKNOWN_UNTIL_DEPLOY || given(build.builder)) {
        const shown = build.builder === UNKNOWN_UNTIL_DEPLOY ? "(not known until deploy)" : `'${String(build.builder)}'`;
        return `trust 'untrusted' (declared or by default) requires a Hyper-V isolated build, and build.builder ${shown} sends it to a buildx builder, where build.isolation is only the network mode and the RUN steps run wherever that builder runs them; remove build.builder and ${legacyFix}`;
    }
    if (build.useLegacyBuilder !== true) {
        const why = build.useLegacyBuilder === UNKNOWN_UNTIL_DEPLOY ? "is not known until deploy" : "is not true";
        return `trust 'untrusted' (declared or by default) requires a Hyper-V isolated build, and build.useLegacyBuilder ${why}, so the provider may build with buildx (DOCKER_BUILDKIT or a daemon offering BuildKit at deploy), which passes build.isolation as the network mode, not as an isolation; ${legacyFix}`;
    }
    return untrustedIsolationProblem(trust, build.isolation, "build.isolation");
}

/**
 * untrusted-requires-hyperv for docker.BuildxBuilder: a buildx builder runs BuildKit (the
 * docker-container driver starts a privileged buildkitd container on the engine; kubernetes and
 * remote drivers build elsewhere), no build through it can state a Windows isolation, and it
 * carries no trust label.
 */
export function buildxBuilderProblem(): string {
    return "a docker.BuildxBuilder runs BuildKit (its docker-container driver starts a privileged buildkitd container on the engine), and no build through it can state a Windows isolation (buildx reads build.isolation as the network mode); build with docker.RemoteImage, build.useLegacyBuilder true and build.isolation 'hyperv', or build elsewhere and reference the image by digest";
}

/**
 * untrusted-requires-hyperv for docker.Plugin: a managed plugin runs on the engine host with the
 * privileges it is granted (grantAllPermissions, devices, host networking), outside any
 * container isolation, and carries no trust label.
 */
export function dockerPluginProblem(): string {
    return "a docker.Plugin installs a managed plugin that runs on the engine host with the privileges it is granted, outside any container isolation, and it cannot be labelled trusted; install engine plugins as part of the host's own set-up, not from the program";
}

/**
 * untrusted-requires-hyperv for docker.Image: its build has no isolation field, so its RUN steps
 * run in the daemon default, and it carries no trust label either.
 */
export function unstatedBuildIsolationProblem(): string {
    return "a docker.Image build cannot state an isolation mode (its build has no isolation field), so the Dockerfile's RUN steps run in whatever the daemon defaults to; build with docker.RemoteImage, build.useLegacyBuilder true and build.isolation 'hyperv' (labelled windows-isolation.trust=trusted only if the build context really is), or build elsewhere and reference the image by digest";
}

/**
 * untrusted-requires-hyperv for docker.Container, which cannot express an isolation mode at
 * all (neither @pulumi/docker nor upstream docker_container has the field): only a workload
 * labelled trusted may use it.
 */
export function containerResourceProblem(trust: Trust): string | undefined {
    if (trust === "trusted") return undefined;
    return `a docker.Container cannot state an isolation mode, so it runs in whatever the daemon defaults to, and this one is not labelled ${TRUST_LABEL}=trusted; use WindowsContainer (or docker.Service with taskSpec.containerSpec.isolation 'hyperv')`;
}
