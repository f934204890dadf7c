/**
 * docker-api-tls-only, the endpoint half: a Docker provider on tcp uses mutual TLS. The NSG half
 * (no rule opens the Docker API, RDP, WinRM or the swarm ports to the Internet) is
 * exposedManagementPorts in ../azure/network.ts, beside the rules the components build.
 *
 * How the Docker provider reaches the engine (kreuzwerker terraform-provider-docker
 * internal/provider/config.go MakeClient, provider.go configure): `context` overrides `host`
 * with the endpoint stored in the deploying machine's ~/.docker/contexts; with `certMaterial`
 * and `keyMaterial` it speaks TLS (without `caMaterial` it skips verifying the engine,
 * InsecureSkipVerify); else with a non-empty `certPath` it reads ca.pem, cert.pem and key.pem
 * there; else an `ssh://` host goes through ssh with `sshOpts`; else it speaks plain tcp. So an
 * empty value at deploy means plain tcp, and a value a preview does not know may well be empty.
 */
import { endpointNeedsTls, parseDockerEndpoint } from "../docker/endpoint";
import { sshOptionsProblems } from "../docker/sshOptions";
import { UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** A Docker provider's connection inputs, as the provider reads them. */
export interface DockerEndpointFacts {
    readonly host?: unknown;
    /** The Docker context, which overrides `host` (stack config `docker:context` for a default provider). */
    readonly context?: unknown;
    readonly caMaterial?: unknown;
    readonly certMaterial?: unknown;
    readonly keyMaterial?: unknown;
    readonly certPath?: unknown;
    readonly sshOpts?: unknown;
    /** Where the engine downloads the provider plugin from (a resource or provider option the engine records in the provider's inputs); empty is Pulumi's own release. */
    readonly pluginDownloadURL?: unknown;
    /**
     * The provider is the one a host component (ContainerHost, ContainerHostPool) makes from the
     * CA it generates: its material is unknown at preview but never empty, so unknown counts as
     * set there and nowhere else.
     */
    readonly materialFromGeneratedCa?: boolean;
}

const MATERIAL = ["caMaterial", "certMaterial", "keyMaterial"] as const;

/**
 * docker-api-tls-only for a Docker provider: every finding. A tcp endpoint (or one that may be
 * tcp: not known until deploy, or not in Docker's grammar) needs CA, client certificate and key,
 * as material or a certPath. A material or certPath not known until deploy counts as not set
 * (it may be empty at deploy, which is plain tcp), except for a host component's generated CA.
 * A `context` hides the endpoint from every review (fail closed); `sshOpts` that turn off ssh's
 * host key check open an ssh endpoint to a man in the middle.
 */
export function dockerEndpointProblems(facts: DockerEndpointFacts): string[] {
    const problems: string[] = [];
    const contextSet = facts.context === UNKNOWN_UNTIL_DEPLOY || (facts.context !== undefined && facts.context !== null && facts.context !== "");
    if (contextSet) {
        const shown = facts.context === UNKNOWN_UNTIL_DEPLOY ? "(not known until deploy)" : `'${String(facts.context)}'`;
        problems.push(
            `Docker context ${shown} overrides host: the provider connects to the endpoint that context names in the deploying machine's ~/.docker/contexts, which neither the plan nor the policy pack can see, so nobody can show it is reached with mutual TLS; remove context and set host (with caMaterial, certMaterial and keyMaterial for tcp)`,
        );
    }
    problems.push(...sshOptionsProblems(facts.sshOpts));
    const plugin = pluginSourceProblem(facts.pluginDownloadURL);
    if (plugin) problems.push(plugin);
    if (contextSet) return problems;
    const p = tlsProblem(facts);
    return p ? [...problems, p] : problems;
}

function tlsProblem(facts: DockerEndpointFacts): string | undefined {
    const hostUnknown = facts.host === UNKNOWN_UNTIL_DEPLOY;
    if (!hostUnknown && (typeof facts.host !== "string" || !endpointNeedsTls(facts.host))) return undefined;
    const unknownIsSet = facts.materialFromGeneratedCa === true;
    const set = (v: unknown) => (v === UNKNOWN_UNTIL_DEPLOY ? unknownIsSet : typeof v === "string" && v !== "");
    if (set(facts.certPath)) return undefined;
    const missing = MATERIAL.filter((k) => !set(facts[k]));
    if (missing.length === 0) return undefined;
    const unknown = [...MATERIAL, "certPath" as const].filter((k) => facts[k] === UNKNOWN_UNTIL_DEPLOY);
    const endpoint = hostUnknown
        ? "Docker endpoint (not known until deploy, so possibly tcp)"
        : `Docker endpoint '${String(facts.host)}' ${parseDockerEndpoint(facts.host).ok ? "is tcp" : "(not a unix, npipe or ssh endpoint, so possibly tcp)"}`;
    const why = unknown.length === 0 ? "" : `; ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not known until deploy and may be empty then, which the provider reads as plain tcp`;
    return `${endpoint} without mutual TLS (${missing.join(", ")} missing${why}): whoever reaches it is root on the host; set caMaterial, certMaterial and keyMaterial to literal PEM (or secrets) (dockerd with tlsverify on 2376)`;
}

/**
 * The Docker provider plugin is the code that turns every docker resource (isolation, labels,
 * mounts) into Docker API calls with the provider's TLS keys; one from another download server
 * is someone else's code, and no review of the program's inputs shows what it sends.
 */
function pluginSourceProblem(url: unknown): string | undefined {
    if (url === undefined || url === null || url === "") return undefined;
    const shown = url === UNKNOWN_UNTIL_DEPLOY ? "(not known until deploy)" : `'${String(url)}'`;
    return `the Docker provider plugin comes from pluginDownloadURL ${shown}, not Pulumi's own release: that plugin turns every docker resource (isolation, labels, mounts) into Docker API calls with this provider's keys, and nothing the plan or the pack reads shows what it sends; remove pluginDownloadURL (from the provider or the resources that name it)`;
}
