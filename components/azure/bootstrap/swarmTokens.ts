/**
 * The swarm join tokens, as the leader's `swarm-tokens.ps1` Run Command prints them. The tokens
 * are secrets: whoever holds the manager token can add a manager and read every secret of the
 * swarm. Errors here therefore never repeat the output they were given.
 */

/** The marker swarm-tokens.ps1 prints before its one line of JSON. */
export const SWARM_TOKENS_MARKER = "WI-SWARM-TOKENS ";

export interface SwarmJoinTokens {
    readonly manager: string;
    readonly worker: string;
}

/**
 * Docker's token formats, from moby/swarmkit ca/config.go GenerateJoinToken: v1
 * `SWMTKN-1-<root CA SHA-256 in base 36, 50 chars>-<secret in base 36, 25 chars>`; v2 (FIPS
 * clusters) `SWMTKN-2-<0|1>-` and the same rest.
 */
const JOIN_TOKEN = /^SWMTKN-(?:1|2-[01])-[0-9a-z]{50}-[0-9a-z]{25}$/;

/** The tokens from the Run Command's output; an error that does not echo the output when they are missing or malformed. */
export function parseSwarmTokens(output: string | undefined, runCommand: string): SwarmJoinTokens {
    const where = `the Run Command ${runCommand}`;
    if (output === undefined || output === null || output.trim() === "") {
        throw new Error(`${where} returned no output (Azure returns it with $expand=instanceView); re-run \`pulumi up\`, and if it stays empty check the command's instance view in the portal`);
    }
    const line = output.split(/\r?\n/).find((l) => l.startsWith(SWARM_TOKENS_MARKER));
    if (line === undefined) throw new Error(`${where} printed no '${SWARM_TOKENS_MARKER.trim()}' line; its script ends with that line when the leader is an active swarm manager`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(line.slice(SWARM_TOKENS_MARKER.length));
    } catch {
        throw new Error(`${where} printed a '${SWARM_TOKENS_MARKER.trim()}' line that is not JSON`);
    }
    const p = parsed as Partial<SwarmJoinTokens> | null;
    for (const role of ["manager", "worker"] as const) {
        const token = p?.[role];
        if (typeof token !== "string" || !JOIN_TOKEN.test(token)) {
            throw new Error(`${where} printed no valid ${role} join token (expected Docker's SWMTKN-1-<50>-<25> form)`);
        }
    }
    return { manager: p!.manager!, worker: p!.worker! };
}
