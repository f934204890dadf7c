/**
 * The ignoreChanges refusal and the policies share one list of judged inputs
 * (rules/policies/judgedInputs.ts): each path on it changes what a policy finds when its value
 * changes, so the list names what the policies read, not a guess beside them.
 */
import { untrustedNoHostAccessProblems } from "../../../policy/untrustedNoHostAccess";
import { untrustedRequiresHypervProblems } from "../../../policy/untrustedRequiresHyperv";
import { ignoredJudgedChanges } from "../../../review/plan/ignoredChanges";
import { CONTAINER_INPUTS, DOCKER_PROVIDER_INPUTS, dockerEndpointProblems, fieldName, SERVICE_INPUTS } from "../../../rules";

const SERVICE = "docker:index/service:Service";
const CONTAINER = "docker:index/container:Container";
const untrusted = [{ label: "windows-isolation.trust", value: "untrusted" }];

/** `value` with `bad` set at `path`. */
function withValue(value: Record<string, unknown>, path: readonly string[], bad: unknown): Record<string, unknown> {
    const copy = structuredClone(value);
    let at: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = bad;
    return copy;
}

const findings = (type: string, props: Record<string, unknown>) => [...(untrustedRequiresHypervProblems(type, props) ?? []), ...(untrustedNoHostAccessProblems(type, props) ?? [])];

describe("every judged docker.Service input the isolation and host-access policies read changes their findings, and is refused under ignoreChanges", () => {
    const happy = { labels: untrusted, taskSpec: { containerSpec: { image: "mcr.microsoft.com/windows/servercore:ltsc2022", isolation: "hyperv", labels: untrusted } } };
    const bad: Partial<Record<keyof typeof SERVICE_INPUTS, unknown>> = {
        labels: [{ label: "windows-isolation.trust", value: "maybe" }],
        containerLabels: [{ label: "windows-isolation.trust", value: "maybe" }],
        isolation: "process",
        mounts: [{ type: "npipe", source: "\\\\.\\pipe\\docker_engine", target: "\\\\.\\pipe\\docker_engine" }],
        credentialSpec: { file: "gmsa.json" },
        ports: [{ targetPort: 80, publishMode: "host" }],
    };
    test("the happy service has no findings", () => expect(findings(SERVICE, happy)).toEqual([]));
    test.each(Object.entries(bad))("%s", (key, value) => {
        const path = SERVICE_INPUTS[key as keyof typeof SERVICE_INPUTS];
        expect(findings(SERVICE, withValue(happy, path, value)).length).toBeGreaterThan(0);
        expect(ignoredJudgedChanges(SERVICE, "s", [fieldName(path)])).toMatch(new RegExp(`keeps the deployed .*${fieldName(path).replace(/\./g, "\\.")}`));
    });
});

describe("every judged docker.Container input changes the findings of an untrusted container's host-access check", () => {
    const happy = { labels: untrusted, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" };
    const bad: Partial<Record<keyof typeof CONTAINER_INPUTS, unknown>> = {
        mounts: [{ type: "bind", source: "C:\\", target: "C:\\host" }],
        volumes: [{ hostPath: "C:\\", containerPath: "C:\\host" }],
        devices: [{ hostPath: "class/x" }],
        securityOpts: ["credentialspec=file://gmsa.json"],
    };
    test.each(Object.entries(bad))("%s", (key, value) => {
        const path = CONTAINER_INPUTS[key as keyof typeof CONTAINER_INPUTS];
        expect(untrustedNoHostAccessProblems(CONTAINER, withValue(happy, path, value))).not.toEqual(untrustedNoHostAccessProblems(CONTAINER, happy));
        expect(ignoredJudgedChanges(CONTAINER, "c", [fieldName(path)])).toBeDefined();
    });
    test("labels: trusted lifts the host-access findings", () => {
        const bindy = withValue(happy, CONTAINER_INPUTS.mounts, bad.mounts);
        expect(untrustedNoHostAccessProblems(CONTAINER, withValue(bindy, CONTAINER_INPUTS.labels, [{ label: "windows-isolation.trust", value: "trusted" }]))).toEqual([]);
    });
});

describe("every judged Docker provider input changes docker-api-tls-only's findings", () => {
    const happy = { host: "tcp://h:2376", caMaterial: "ca", certMaterial: "cert", keyMaterial: "key" };
    const bad: Record<keyof typeof DOCKER_PROVIDER_INPUTS, unknown> = {
        host: "tcp://other:2375",
        context: "elsewhere",
        caMaterial: "",
        certMaterial: "",
        keyMaterial: "",
        certPath: "",
        sshOpts: ["-o", "StrictHostKeyChecking=no"],
    };
    test.each(Object.keys(bad).filter((k) => !["host", "certPath"].includes(k)))("%s", (key) => {
        expect(dockerEndpointProblems({ ...happy, [key]: bad[key as keyof typeof bad] }).length).toBeGreaterThan(0);
    });
    test("host and certPath: plain tcp without material fails; a certPath makes it pass", () => {
        expect(dockerEndpointProblems({ host: bad.host })).not.toEqual([]);
        expect(dockerEndpointProblems({ host: bad.host, certPath: "/certs" })).toEqual([]);
    });
});
