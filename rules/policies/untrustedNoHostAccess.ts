/**
 * untrusted-no-host-access: an untrusted workload (or one without a trust label) is given nothing
 * of the host: no named pipe, no bind of a host path, no host device. Hyper-V isolation is only a
 * boundary while nothing crosses it: with the engine's pipe (`\\.\pipe\docker_engine`) mounted,
 * the workload asks the engine for `docker run --isolation=process` itself; with a bind it reads
 * the engine's TLS keys under C:\ProgramData\docker\certs.d.
 *
 * Sources: Docker accepts `npipe` mounts on containers (moby/moby#33852; the Windows parser reads
 * `-v \\.\pipe\x:\\.\pipe\x` as one, moby/moby#36562) and, since 19.03, on swarm services
 * (moby/moby#34795, fixed by moby/moby#37400; e.g. jenkinsci/docker-swarm-plugin#66 mounts the
 * engine pipe into a swarm service). The Engine API's MountType lists bind, cluster, image, npipe,
 * tmpfs and volume. The Docker provider writes a docker.Container `volumes` entry as a bind string
 * `<volumeName or hostPath>:<containerPath>`, which the daemon reads as a host bind whenever the
 * source is a path or pipe (kreuzwerker/terraform-provider-docker discussion #300 mounts the pipe
 * this way). Windows' local volume driver takes no options ("options are not supported on this
 * platform", moby volume/local), so a named volume cannot point at a host path there.
 *
 * Host identity and host network count as host access too. A gMSA credential spec
 * (swarm `Privileges.CredentialSpec`, `docker run --security-opt credentialspec=...`) makes the
 * container act on the network as the host's Active Directory group managed service account
 * (Microsoft: manage-serviceaccounts, "Run a container with a gMSA"); Hyper-V isolation does not
 * change whose Kerberos tickets it gets. A port published in `host` mode (swarm
 * `EndpointSpec.Ports[].PublishMode`) binds straight on the node's own interfaces, bypassing the
 * routing mesh, so the workload answers on the host's address (docs.docker.com, swarm services,
 * "Publish a service's ports directly on the swarm node").
 */
import { Trust } from "../os/isolation";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** The host-access inputs of one workload, each with the field path the user wrote. */
export interface HostAccessFacts {
    /** docker.Service `taskSpec.containerSpec.mounts` or docker.Container `mounts`. */
    readonly mounts?: { readonly field: string; readonly value: unknown };
    /** docker.Container `volumes`. */
    readonly volumes?: { readonly field: string; readonly value: unknown };
    /** docker.Container `devices`. */
    readonly devices?: { readonly field: string; readonly value: unknown };
    /** docker.Service `taskSpec.containerSpec.privileges.credentialSpec` (a gMSA credential spec). */
    readonly credentialSpec?: { readonly field: string; readonly value: unknown };
    /** docker.Container `securityOpts`, where `credentialspec=` names a gMSA credential spec. */
    readonly securityOpts?: { readonly field: string; readonly value: unknown };
    /** docker.Service `endpointSpec.ports`, whose `publishMode: host` binds a port on the host itself. */
    readonly publishedPorts?: { readonly field: string; readonly value: unknown };
}

/** Mount types that keep the host out: engine-managed storage. */
const SAFE_MOUNT_TYPES = ["volume", "tmpfs"];
/** Docker's name rule for local volumes; anything else may be read as a host path or pipe. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Whether an optional input is set at all (the provider leaves out an empty string too). */
function given(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

/** A set value that is not a volume name, which Docker may read as a host path or pipe. */
function notAVolumeName(v: unknown): boolean {
    return given(v) && !(typeof v === "string" && VOLUME_NAME.test(v));
}

const FIX = "remove it (or declare the workload trusted if it really is)";
const RULE = "untrusted-no-host-access: an untrusted workload gets no host pipe, host path, host device, host identity (gMSA) or host-mode port";

function shown(v: unknown): string {
    return v === UNKNOWN_UNTIL_DEPLOY ? "(not known until deploy)" : JSON.stringify(v) ?? String(v);
}

/** Each entry of a list input; a list not known until deploy (or not a list) is one problem. */
function eachEntry(input: { field: string; value: unknown } | undefined, judge: (entry: unknown, field: string) => string | undefined): string[] {
    if (input === undefined || input.value === undefined || input.value === null) return [];
    if (input.value === UNKNOWN_UNTIL_DEPLOY) return [`${input.field} is not known until deploy, so the plan cannot show it gives the host nothing; ${RULE}; set ${input.field} to literal values`];
    if (!Array.isArray(input.value)) return [`${input.field} ${shown(input.value)} is not a list; ${RULE}; set ${input.field} to a list of entries`];
    return input.value.flatMap((entry, i) => {
        const field = `${input.field}[${i}]`;
        if (entry === UNKNOWN_UNTIL_DEPLOY || entry === null || typeof entry !== "object") return [`${field} ${shown(entry)} is not known until deploy or not an entry; ${RULE}; set it to literal values`];
        const p = judge(entry, field);
        return p ? [p] : [];
    });
}

function mountProblem(entry: unknown, field: string): string | undefined {
    const m = entry as Record<string, unknown>;
    if (m.type === UNKNOWN_UNTIL_DEPLOY) return `${field}.type is not known until deploy, so it may be 'npipe' or 'bind'; ${RULE}; set type 'volume' or 'tmpfs'`;
    // Compared lower-cased: the Docker CLI lower-cases --mount type=, so NPIPE is a pipe to anyone who forwards it.
    const type = typeof m.type === "string" ? m.type.toLowerCase() : undefined;
    const what = `${field} type ${shown(m.type)} source ${shown(m.source)}`;
    if (type === "npipe") return `${what} hands a host named pipe to the workload (with the engine's pipe it starts its own process-isolated containers); ${RULE}; ${FIX}`;
    if (type === "bind") return `${what} binds a host path into the workload (the engine's TLS keys and daemon.json live on that host); ${RULE}; ${FIX}`;
    if (type === undefined || !SAFE_MOUNT_TYPES.includes(type)) return `${what} is not a mount type this rule knows keeps the host out (only volume and tmpfs); ${RULE}; use a volume or tmpfs mount`;
    if (type === "volume" && m.source === UNKNOWN_UNTIL_DEPLOY) return `${field}.source is not known until deploy, so the plan cannot show it names a volume rather than a host path; ${RULE}; set source to a literal volume name`;
    if (type === "volume" && notAVolumeName(m.source)) {
        return `${what} is not a volume name (letters, digits, '_', '.', '-'), so Docker may read it as a host path; ${RULE}; name a volume`;
    }
    return undefined;
}

function volumeProblem(entry: unknown, field: string): string | undefined {
    const v = entry as Record<string, unknown>;
    if (given(v.hostPath)) {
        return `${field}.hostPath ${shown(v.hostPath)} binds a host path (or pipe) into the workload; ${RULE}; ${FIX}, or use volumeName`;
    }
    const name = v.volumeName;
    if (name === UNKNOWN_UNTIL_DEPLOY) return `${field}.volumeName is not known until deploy, and the provider passes it to Docker as a bind source that may be a host path; ${RULE}; set volumeName to a literal volume name`;
    if (notAVolumeName(name)) {
        return `${field}.volumeName ${shown(name)} is not a volume name (letters, digits, '_', '.', '-'), and the provider passes it to Docker as a bind source, which reads a path or pipe as the host's; ${RULE}; name a volume`;
    }
    return undefined;
}

function deviceProblem(entry: unknown, field: string): string {
    return `${field}.hostPath ${shown((entry as Record<string, unknown>).hostPath)} hands a host device to the workload; ${RULE}; ${FIX}`;
}

/** A set credential spec (any of its fields, or the whole spec unknown until deploy). */
function credentialSpecProblem(input: { field: string; value: unknown } | undefined): string[] {
    const spec = input?.value;
    if (spec === undefined || spec === null) return [];
    if (spec === UNKNOWN_UNTIL_DEPLOY) return [`${input!.field} is not known until deploy, so the plan cannot show it names no gMSA credential spec; ${RULE}; remove it or set it to a literal value`];
    const set = typeof spec !== "object" || Object.values(spec as Record<string, unknown>).some(given);
    if (!set) return [];
    return [`${input!.field} is set: the workload acts on the network as the host's group managed service account (gMSA), whatever its isolation; ${RULE}; ${FIX}`];
}

function securityOptProblem(entry: unknown, field: string): string | undefined {
    if (entry === UNKNOWN_UNTIL_DEPLOY) return `${field} is not known until deploy, so it may be a gMSA credential spec; ${RULE}; set it to a literal value`;
    if (typeof entry === "string" && /^\s*credentialspec\s*[=:]/i.test(entry)) {
        return `${field} sets a credentialspec: the workload acts on the network as the host's group managed service account (gMSA), whatever its isolation; ${RULE}; ${FIX}`;
    }
    return undefined;
}

function publishedPortProblem(entry: unknown, field: string): string | undefined {
    const mode = (entry as Record<string, unknown>).publishMode;
    if (mode === UNKNOWN_UNTIL_DEPLOY) return `${field}.publishMode is not known until deploy, so it may be 'host'; ${RULE}; set publishMode 'ingress' (or leave it out)`;
    if (typeof mode === "string" && mode.toLowerCase() === "host") {
        return `${field}.publishMode 'host' binds the port on the host's own interfaces, outside the routing mesh; ${RULE}; publish it in 'ingress' mode (the default)`;
    }
    return undefined;
}

/** The entries of a string list (securityOpts): each string judged on its own. */
function eachString(input: { field: string; value: unknown } | undefined, judge: (entry: unknown, field: string) => string | undefined): string[] {
    if (input === undefined || input.value === undefined || input.value === null) return [];
    if (input.value === UNKNOWN_UNTIL_DEPLOY) return [`${input.field} is not known until deploy, so the plan cannot show it gives the host nothing; ${RULE}; set ${input.field} to literal values`];
    if (!Array.isArray(input.value)) return [`${input.field} is not a list; ${RULE}; set ${input.field} to a list of entries`];
    return input.value.flatMap((entry, i) => {
        const p = judge(entry, `${input.field}[${i}]`);
        return p ? [p] : [];
    });
}

/** untrusted-no-host-access for one workload: every finding, none for a trusted one. */
export function hostAccessProblems(trust: Trust, facts: HostAccessFacts): string[] {
    if (trust === "trusted") return [];
    return [
        ...eachEntry(facts.mounts, mountProblem),
        ...eachEntry(facts.volumes, volumeProblem),
        ...eachEntry(facts.devices, deviceProblem),
        ...credentialSpecProblem(facts.credentialSpec),
        ...eachString(facts.securityOpts, securityOptProblem),
        ...eachEntry(facts.publishedPorts, publishedPortProblem),
    ];
}
