/**
 * The user's registry credentials, as the Docker CLI keeps them: `~/.docker/config.json` (or
 * `$DOCKER_CONFIG/config.json`) `auths.<registry>.auth` (base64 user:password), and credential
 * helpers (`credHelpers.<registry>` or `credsStore`: `docker-credential-<name> get` with the
 * registry on stdin, JSON {Username, Secret} on stdout). A helper that is not installed, fails or
 * runs past its deadline gives no credentials (the request goes anonymous and the registry says
 * 401, reported with the image). Secrets are kept in memory only and never printed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Credentials {
    readonly username: string;
    readonly password: string;
}

interface DockerConfig {
    readonly auths?: Record<string, { readonly auth?: string; readonly username?: string; readonly password?: string }>;
    readonly credHelpers?: Record<string, string>;
    readonly credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"), "config.json");
}

function readConfig(file: string): DockerConfig {
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
        return parsed !== null && typeof parsed === "object" ? parsed : {};
    } catch {
        return {};
    }
}

/** Keys the Docker CLI files a registry under: Docker Hub's legacy index URL, the host, an https URL. */
function keysFor(registry: string): string[] {
    if (registry === "registry-1.docker.io" || registry === "docker.io") return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];
    return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

function fromHelper(helper: string, server: string): Credentials | undefined {
    if (!/^[A-Za-z0-9._-]+$/.test(helper)) return undefined;
    // The environment is passed as a plain copy: the helper is found on this process's PATH as it is now.
    const out = spawnSync(`docker-credential-${helper}`, ["get"], { input: server, encoding: "utf8", timeout: 10_000, maxBuffer: 64 * 1024, env: { ...process.env } });
    if (out.status !== 0 || typeof out.stdout !== "string") return undefined;
    try {
        const parsed = JSON.parse(out.stdout) as { Username?: unknown; Secret?: unknown };
        if (typeof parsed.Username === "string" && typeof parsed.Secret === "string" && parsed.Secret !== "") return { username: parsed.Username, password: parsed.Secret };
    } catch {
        // Not JSON: no credentials.
    }
    return undefined;
}

/** Credentials for `registry` (host[:port]) from the Docker config, or undefined (anonymous). */
export function credentialsFor(registry: string, configFile: string = dockerConfigPath()): Credentials | undefined {
    const config = readConfig(configFile);
    const keys = keysFor(registry);
    const helper = keys.map((k) => config.credHelpers?.[k]).find((h) => typeof h === "string");
    if (helper) return fromHelper(helper, keys[0]);
    for (const k of keys) {
        const entry = config.auths?.[k];
        if (!entry) continue;
        if (typeof entry.auth === "string" && entry.auth !== "") {
            const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
            const colon = decoded.indexOf(":");
            if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
        }
        if (typeof entry.username === "string" && typeof entry.password === "string") return { username: entry.username, password: entry.password };
    }
    if (typeof config.credsStore === "string") return fromHelper(config.credsStore, keys[0]);
    return undefined;
}
