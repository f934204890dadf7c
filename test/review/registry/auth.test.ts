/** The reader's pure parts: WWW-Authenticate challenges, token answers, Docker config credentials, the per-host limit. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseChallenge, tokenOf, tokenUrl } from "../../../review/registry/auth";
import { credentialsFor } from "../../../review/registry/credentials";
import { isLoopback } from "../../../review/registry/http";
import { Limiter } from "../../../review/registry/limiter";
import { targetOf } from "../../../review/registry/reader";

test("a Bearer challenge as mcr.microsoft.com and Docker Hub send it becomes the token URL", () => {
    const c = parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"');
    expect(c).toEqual({ scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" } });
    expect(String(tokenUrl(c!, "library/nginx"))).toBe("https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fnginx%3Apull");
    // No scope in the challenge: ask for pull on the repository.
    expect(String(tokenUrl(parseChallenge('Bearer realm="https://mcr.microsoft.com/oauth2/token",service="mcr.microsoft.com"')!, "windows/servercore"))).toBe(
        "https://mcr.microsoft.com/oauth2/token?service=mcr.microsoft.com&scope=repository%3Awindows%2Fservercore%3Apull",
    );
    expect(tokenUrl(parseChallenge('Bearer service="x"')!, "a")).toEqual({ problem: "its Bearer challenge names no realm" });
    expect(parseChallenge('Basic realm="Registry"')?.scheme).toBe("basic");
});

test("a token answer: token or access_token; anything else is none", () => {
    expect(tokenOf(Buffer.from('{"token":"t1"}'))).toBe("t1");
    expect(tokenOf(Buffer.from('{"access_token":"t2"}'))).toBe("t2");
    expect(tokenOf(Buffer.from("<html>"))).toBeUndefined();
});

test("Docker config auths: by host, by https URL, Docker Hub's legacy key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-dockercfg-"));
    try {
        const file = path.join(dir, "config.json");
        const auth = (u: string) => Buffer.from(u).toString("base64");
        fs.writeFileSync(file, JSON.stringify({ auths: { "myacr.azurecr.io": { auth: auth("u1:p:1") }, "https://ghcr.io": { auth: auth("u2:p2") }, "https://index.docker.io/v1/": { auth: auth("u3:p3") } } }));
        expect(credentialsFor("myacr.azurecr.io", file)).toEqual({ username: "u1", password: "p:1" });
        expect(credentialsFor("ghcr.io", file)).toEqual({ username: "u2", password: "p2" });
        expect(credentialsFor("docker.io", file)).toEqual({ username: "u3", password: "p3" });
        expect(credentialsFor("quay.io", file)).toBeUndefined();
        expect(credentialsFor("quay.io", path.join(dir, "none.json"))).toBeUndefined();
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("where a reference is asked: Docker Hub's host and library/ prefix, a registry's own host and port", () => {
    expect(targetOf("nginx")).toEqual({ registry: "docker.io", host: "registry-1.docker.io", repository: "library/nginx", ref: "latest" });
    expect(targetOf("mcr.microsoft.com/windows/servercore:ltsc2022")).toEqual({ registry: "mcr.microsoft.com", host: "mcr.microsoft.com", repository: "windows/servercore", ref: "ltsc2022" });
    expect(targetOf(`localhost:5000/app@sha256:${"a".repeat(64)}`)).toEqual({ registry: "localhost:5000", host: "localhost:5000", repository: "app", ref: `sha256:${"a".repeat(64)}` });
    expect(targetOf("Bad/Name")).toEqual({ problem: expect.stringMatching(/must be lowercase/) });
});

test("plain http only for loopback hosts", () => {
    expect(["localhost", "127.0.0.1", "127.1.2.3", "[::1]"].map(isLoopback)).toEqual([true, true, true, true]);
    expect(["10.0.0.1", "localhost.example.com", "mcr.microsoft.com"].map(isLoopback)).toEqual([false, false, false]);
});

test("the limiter never runs more than its limit, and hands each freed slot to a waiter", async () => {
    const l = new Limiter(3);
    let running = 0;
    let most = 0;
    await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
            l.run(async () => {
                running++;
                most = Math.max(most, running);
                await new Promise((r) => setTimeout(r, i % 3));
                running--;
            }),
        ),
    );
    expect([most, l.peak]).toEqual([3, 3]);
});
