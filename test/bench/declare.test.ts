/**
 * The component-overhead bench compares WindowsContainer with "the same resource graph written by
 * hand": that yardstick is only honest if it registers exactly what the component registers.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: unknown;
}

/** Every registration of a run of `mode` with 3 workloads, in name order (the SDK registers asynchronously). */
function registrations(mode: string): Registration[] {
    const out = execFileSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), path.join(ROOT, "bench", "declare.ts"), mode, "3"], {
        encoding: "utf8",
        env: { ...process.env, BENCH_RECORD: "1" },
    });
    const all: Registration[] = JSON.parse(out.trim().split("\n").pop()!).registrations;
    return all.sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

test("the hand-written graph registers the same resources with the same inputs as WindowsContainer", () => {
    const component = registrations("component");
    expect(component.map((r) => `${r.type} ${r.name}`)).toEqual([
        "docker:index/service:Service w0-service",
        "docker:index/service:Service w1-service",
        "docker:index/service:Service w2-service",
        "pulumi:providers:docker host-docker",
        "windows-isolation:index:ExistingDockerHost host",
        "windows-isolation:index:WindowsContainer w0",
        "windows-isolation:index:WindowsContainer w1",
        "windows-isolation:index:WindowsContainer w2",
    ]);
    expect(registrations("hand")).toEqual(component);
});
