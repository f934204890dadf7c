/**
 * The registry reader against a REAL registry (docker-registry 2.8, TLS with a test CA, token
 * auth) filled through the Registry API with Windows-shaped indexes and manifests, and a fault
 * proxy in front of it for what a real registry does not do on demand (500s, slowness, a huge
 * body, a redirect loop). One registry for the file, stopped on every path.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { RegistryReader } from "../../../review/registry/reader";
import { isResolved, ResolvedImage, UnresolvedImage, windowsPlatforms } from "../../../rules/os/resolvedImage";
import { startRegistry, TestRegistry } from "../../helpers/registry/registry";

let reg: TestRegistry;
const W = (osVersion: unknown, osFeatures?: string[]) => ({ os: "windows", osVersion, osFeatures });

beforeAll(async () => {
    reg = await startRegistry();
    await reg.push("windows/servercore", "multi", { index: true, platforms: [W("10.0.17763.5576"), W("10.0.20348.2340", ["win32k"]), W("10.0.26100.1742")] });
    await reg.push("windows/nanoserver", "ltsc2022", { platforms: [W("10.0.20348.2340")] });
    await reg.push("app/moved", "ltsc2022", { index: true, platforms: [W("10.0.20348.2340")] });
    await reg.push("private/app", "1.4", { platforms: [W("10.0.17763.6054")] });
    await reg.push("library/alpine", "3.20", { index: true, platforms: [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }] });
    await reg.push("app/badversion", "1", { index: true, platforms: [W("20348")] });
    await reg.push("app/noversion", "1", { platforms: [{ os: "windows" }] });
    await reg.push("app/oci", "ltsc2025", { index: true, indexMediaType: "application/vnd.oci.image.index.v1+json", platforms: [W("10.0.26100.1742")] });
    for (const repo of ["flaky/a", "flaky/b", "slow/a", "huge/a", "loop/a", "forbidden/a"]) await reg.push(repo, "1", { platforms: [W("10.0.20348.2340")] });
}, 120_000);

afterAll(async () => {
    for (const r of readers) r.close();
    await reg?.stop();
});

const readers: RegistryReader[] = [];
const reader = (opts: ConstructorParameters<typeof RegistryReader>[0] = {}) => {
    const r = new RegistryReader({ ca: reg.ca, dockerConfig: reg.dockerConfig, backoffMs: 20, ...opts });
    readers.push(r);
    return r;
};
const resolved = (r: ResolvedImage | UnresolvedImage): ResolvedImage => {
    if (!isResolved(r)) throw new Error(`expected a resolution: ${(r as UnresolvedImage).error}`);
    return r;
};
const failed = (r: ResolvedImage | UnresolvedImage): string => {
    if (isResolved(r)) throw new Error(`expected an error, got ${r.digest}`);
    return r.error;
};

test("a multi-platform index: every Windows entry with its digest, os.version and os.features", async () => {
    const r = resolved(await reader().resolve(`${reg.host}/windows/servercore:multi`));
    expect(r.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(r.platforms.map((p) => [p.os, p.architecture, p.osVersion, p.osFeatures ?? []])).toEqual([
        ["windows", "amd64", "10.0.17763.5576", []],
        ["windows", "amd64", "10.0.20348.2340", ["win32k"]],
        ["windows", "amd64", "10.0.26100.1742", []],
    ]);
    expect(new Set(r.platforms.map((p) => p.digest)).size).toBe(3);
});

test("an OCI index and a single manifest (read through its config blob) resolve alike", async () => {
    const oci = resolved(await reader().resolve(`${reg.host}/app/oci:ltsc2025`));
    expect(oci.platforms.map((p) => p.osVersion)).toEqual(["10.0.26100.1742"]);
    const single = resolved(await reader().resolve(`${reg.host}/windows/nanoserver:ltsc2022`));
    expect(single.platforms).toEqual([{ digest: single.digest, os: "windows", architecture: "amd64", osVersion: "10.0.20348.2340" }]);
});

test("a tag that moved resolves to its new digest and build; the old digest still resolves to the old one", async () => {
    const before = resolved(await reader().resolve(`${reg.host}/app/moved:ltsc2022`));
    const moved = await reg.push("app/moved", "ltsc2022", { index: true, platforms: [W("10.0.17763.6054")] });
    const after = resolved(await reader().resolve(`${reg.host}/app/moved:ltsc2022`));
    expect(after.digest).toBe(moved);
    expect(after.digest).not.toBe(before.digest);
    expect(after.platforms.map((p) => p.osVersion)).toEqual(["10.0.17763.6054"]);
    const old = resolved(await reader().resolve(`${reg.host}/app/moved@${before.digest}`));
    expect(old.platforms.map((p) => p.osVersion)).toEqual(["10.0.20348.2340"]);
});

test("a digest reference is checked against the bytes the registry sends", async () => {
    const tagged = resolved(await reader().resolve(`${reg.host}/windows/servercore:multi`));
    const byDigest = resolved(await reader().resolve(`${reg.host}/windows/servercore@${tagged.digest}`));
    expect(byDigest.digest).toBe(tagged.digest);
    const wrong = `sha256:${"0".repeat(64)}`;
    expect(failed(await reader().resolve(`${reg.host}/windows/servercore@${wrong}`))).toBe(`image '${reg.host}/windows/servercore@${wrong}' at ${reg.host}: 404: no manifest '${wrong}' in repository windows/servercore`);
});

test("a private repository: pulled with the Docker config's login through the token service; without it, a 401 naming image, registry and fix", async () => {
    expect(resolved(await reader().resolve(`${reg.host}/private/app:1.4`)).platforms[0].osVersion).toBe("10.0.17763.6054");
    const none = path.join(reg.dir, "no-such-config.json");
    expect(failed(await reader({ dockerConfig: none }).resolve(`${reg.host}/private/app:1.4`))).toBe(
        `image '${reg.host}/private/app:1.4' at ${reg.host}: 401 unauthorized: repository private/app needs a login and the Docker config has none for ${reg.host}; run docker login ${reg.host}`,
    );
    const wrongLogin = path.join(reg.dir, "wrong-config.json");
    fs.writeFileSync(wrongLogin, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from("alice:nope").toString("base64") } } }));
    expect(failed(await reader({ dockerConfig: wrongLogin }).resolve(`${reg.host}/private/app:1.4`))).toMatch(/the token service https:\/\/127\.0\.0\.1:\d+ answered 401 to the credentials from the Docker config$/);
});

test("a credential helper from the Docker config is run (docker-credential-<name> get)", async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "wi-credhelper-"));
    try {
        fs.writeFileSync(path.join(bin, "docker-credential-wi-test"), `#!/bin/sh\nserver=$(cat)\n[ "$server" = "${reg.host}" ] && echo '{"ServerURL":"'$server'","Username":"alice","Secret":"alice-pw"}' || exit 1\n`, { mode: 0o755 });
        const config = path.join(bin, "config.json");
        fs.writeFileSync(config, JSON.stringify({ credHelpers: { [reg.host]: "wi-test" } }));
        const oldPath = process.env.PATH;
        process.env.PATH = `${bin}:${oldPath}`;
        try {
            expect(resolved(await reader({ dockerConfig: config }).resolve(`${reg.host}/private/app:1.4`)).platforms).toHaveLength(1);
        } finally {
            process.env.PATH = oldPath;
        }
    } finally {
        fs.rmSync(bin, { recursive: true, force: true });
    }
});

test("a Linux-only image and Windows entries without a usable os.version resolve, and the rules say why they cannot be judged", async () => {
    const linux = resolved(await reader().resolve(`${reg.host}/library/alpine:3.20`));
    expect(windowsPlatforms(linux)).toEqual({ problem: `image '${reg.host}/library/alpine:3.20' (${linux.digest} at ${reg.host}) has no Windows platform (platforms: linux/amd64, linux/arm64)` });
    const bad = resolved(await reader().resolve(`${reg.host}/app/badversion:1`));
    expect(windowsPlatforms(bad)).toEqual({ problem: `image '${reg.host}/app/badversion:1' at ${reg.host}: Windows platform ${bad.platforms[0].digest} its os.version "20348" is not of the form 10.0.<build>.<revision>` });
    const missing = resolved(await reader().resolve(`${reg.host}/app/noversion:1`));
    expect(windowsPlatforms(missing)).toEqual({ problem: `image '${reg.host}/app/noversion:1' at ${reg.host}: Windows platform ${missing.digest} its os.version is missing` });
});

test("a tag that does not exist is a 404 naming the tag and repository", async () => {
    expect(failed(await reader().resolve(`${reg.host}/windows/servercore:nope`))).toBe(`image '${reg.host}/windows/servercore:nope' at ${reg.host}: 404: no manifest 'nope' in repository windows/servercore`);
});

test("500 then success: retried with back-off and resolved; 500 for good: an error after the retries", async () => {
    reg.faults.set("flaky/a", { kind: "fail-then-succeed", remaining: 2, status: 500 });
    const ok = resolved(await reader().resolve(`${reg.proxyHost}/flaky/a:1`));
    expect(ok.platforms[0].osVersion).toBe("10.0.20348.2340");
    reg.faults.set("flaky/b", { kind: "fail-then-succeed", remaining: 100, status: 503 });
    expect(failed(await reader({ retries: 2 }).resolve(`${reg.proxyHost}/flaky/b:1`))).toBe(`image '${reg.proxyHost}/flaky/b:1' at ${reg.proxyHost}: 503 for the manifest of flaky/b:1, still after retries`);
});

test("403 is not retried and says who may not pull what", async () => {
    reg.faults.set("forbidden/a", { kind: "fail-then-succeed", remaining: 100, status: 403 });
    expect(failed(await reader().resolve(`${reg.proxyHost}/forbidden/a:1`))).toBe(`image '${reg.proxyHost}/forbidden/a:1' at ${reg.proxyHost}: 403 forbidden: the login for ${reg.proxyHost} may not pull forbidden/a`);
});

test("a registry slower than the timeout is an error, never a hang", async () => {
    reg.faults.set("slow/a", { kind: "slow", delayMs: 5_000 });
    expect(failed(await reader({ timeoutMs: 300, retries: 1 }).resolve(`${reg.proxyHost}/slow/a:1`))).toBe(`image '${reg.proxyHost}/slow/a:1' at ${reg.proxyHost}: unreachable after 2 attempts: no answer within 300 ms`);
});

test("a huge manifest and a redirect loop are clear errors", async () => {
    reg.faults.set("huge/a", { kind: "huge", bytes: 8 * 1024 * 1024 });
    expect(failed(await reader().resolve(`${reg.proxyHost}/huge/a:1`))).toBe(`image '${reg.proxyHost}/huge/a:1' at ${reg.proxyHost}: answer is larger than the 1048576 bytes allowed`);
    reg.faults.set("loop/a", { kind: "redirect-loop" });
    expect(failed(await reader().resolve(`${reg.proxyHost}/loop/a:1`))).toMatch(new RegExp(`^image '${reg.proxyHost}/loop/a:1' at ${reg.proxyHost}: redirect loop \\(http://${reg.proxyHost}/v2/loop/a/manifests/1 again\\)$`));
});

test("an unreachable registry is an error naming it", async () => {
    const port = await new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const p = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(p));
        });
    });
    expect(failed(await reader({ retries: 1 }).resolve(`127.0.0.1:${port}/windows/servercore:ltsc2022`))).toBe(
        `image '127.0.0.1:${port}/windows/servercore:ltsc2022' at 127.0.0.1:${port}: unreachable after 2 attempts: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:${port}`,
    );
});

test("TLS: a registry whose CA is not trusted is refused (no silent plain-http fallback for a certificate error)", async () => {
    const e = failed(await reader({ ca: undefined, retries: 0 }).resolve(`${reg.host}/windows/servercore:multi`));
    expect(e).toMatch(/^image '127\.0\.0\.1:\d+\/windows\/servercore:multi' at 127\.0\.0\.1:\d+: unreachable after 1 attempts: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY) /);
});

test("16 images at once: never more than 8 requests in flight to the registry; a second pass with the disk cache asks tags only", async () => {
    const tags = Array.from({ length: 16 }, (_, i) => `t${i}`);
    await reg.pushIndexes("many/img", tags.map((tag, i) => ({ tag, osVersion: `10.0.20348.${i + 1}` })));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-registry-cache-"));
    try {
        const cold = reader({ cacheDir });
        const first = await Promise.all(tags.map((t) => cold.resolve(`${reg.host}/many/img:${t}`)));
        expect(first.map((r) => resolved(r).platforms[0].osVersion)).toEqual(tags.map((_, i) => `10.0.20348.${i + 1}`));
        expect(cold.peakConcurrency(reg.host)).toBe(8);
        const coldAsked = cold.requests.get(reg.host)!;
        const warm = reader({ cacheDir });
        const second = await Promise.all(tags.map((t) => warm.resolve(`${reg.host}/many/img:${t}`)));
        expect(second).toEqual(first);
        // Cold: a HEAD and a GET per tag, plus one anonymous 401 that earns the token; warm: the HEADs and the 401.
        expect(coldAsked).toBe(1 + 16 * 2);
        expect(warm.requests.get(reg.host)).toBe(1 + 16);
        expect(fs.readdirSync(cacheDir)).toHaveLength(16);
    } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
    }
});
