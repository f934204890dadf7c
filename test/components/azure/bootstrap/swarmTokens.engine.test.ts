/**
 * The join tokens a real swarm hands out (Debian's dockerd, swarm initialised by globalSetup),
 * read the way swarm-tokens.ps1 reads them (`docker swarm join-token --quiet manager|worker`) and
 * printed the way it prints them: the pool's parser must accept exactly what swarmkit generates.
 */
import { execFileSync } from "node:child_process";
import { constants, generateKeyPairSync, publicEncrypt } from "node:crypto";
import * as fs from "node:fs";
import Docker from "dockerode";
import { parseSwarmTokens, SWARM_TOKENS_MARKER } from "../../../../components/azure/bootstrap";
import { EngineState, STATE_ENV } from "../../../helpers/engine/engine";

const state: EngineState = JSON.parse(fs.readFileSync(process.env[STATE_ENV]!, "utf8"));

const cli = (...args: string[]) => execFileSync("docker", ["-H", state.unixEndpoint, ...args], { encoding: "utf8" }).trim();

test("the tokens of a real swarm, as the leader's Run Command prints them, parse to the same tokens", async () => {
    const manager = cli("swarm", "join-token", "--quiet", "manager");
    const worker = cli("swarm", "join-token", "--quiet", "worker");
    // The engine API agrees with the CLI.
    const swarm = await new Docker({ socketPath: state.unixEndpoint.replace("unix://", "") }).swarmInspect();
    expect([manager, worker]).toEqual([swarm.JoinTokens.Manager, swarm.JoinTokens.Worker]);
    // swarm-tokens.ps1: the marker + ([ordered]@{ manager; worker } | ConvertTo-Json -Compress) encrypted
    // with RSA-OAEP SHA-256 to the token key, in a CRLF output.
    const key = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const cipher = publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(JSON.stringify({ manager, worker })));
    const output = `${SWARM_TOKENS_MARKER}${cipher.toString("base64")}\r\n`;
    expect(parseSwarmTokens(output, key.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "test")).toEqual({ manager, worker });
    expect(manager).not.toBe(worker);
});
