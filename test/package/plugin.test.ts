/**
 * The repository as a source-based component plugin, launched the way Pulumi's nodejs language
 * host launches one for `pulumi package add`: the repository with its build/ (what its `npm install`
 * makes through `prepare`; the unit project's global setup rebuilds it whenever a source changed),
 * `@pulumi/pulumi/cmd/run-plugin <repository>` starts the provider
 * (gRPC on 127.0.0.1), and GetSchema is asked over gRPC. No Pulumi CLI here: the SDK generation
 * that would follow is not run.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import * as library from "../../index";
import { ROOT } from "../helpers/build/builtTools";

let plugin: ChildProcess | undefined;
let pluginStderr = "";

/** Starts the plugin and resolves with the port it prints (its first line of output). */
function startPlugin(dir: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin", "index.js"), dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        plugin = child;
        let out = "";
        child.stderr!.on("data", (d) => (pluginStderr += d));
        child.stdout!.on("data", (d) => {
            out += d;
            const line = out.split("\n")[0];
            if (out.includes("\n")) {
                if (/^\d+$/.test(line)) resolve(Number(line));
                else reject(new Error(`plugin printed '${line}' instead of its port; stderr: ${pluginStderr}`));
            }
        });
        child.on("exit", (code) => reject(new Error(`plugin exited (${code}) before printing its port; stderr: ${pluginStderr}`)));
    });
}

function getSchema(port: number): Promise<string> {
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const request = new GetSchemaRequest();
    request.setVersion(0);
    return new Promise<string>((resolve, reject) => {
        client.getSchema(request, (err, response) => (err ? reject(err) : resolve(response.getSchema())));
    }).finally(() => client.close());
}

let served: Record<string, unknown> & { resources: Record<string, { inputProperties: Record<string, { $ref?: string }> }>; types: Record<string, { enum?: { value: string }[] }> };

beforeAll(async () => {
    served = JSON.parse(await getSchema(await startPlugin(ROOT)));
}, 240_000);

afterAll(() => {
    plugin?.kill();
});

describe("windows-isolation as a nodejs source-based component plugin", () => {
    test("serves, over gRPC, the schema with each component and the isolation and trust enums", () => {
        expect(served.name).toBe("windows-isolation");
        expect(Object.keys(served.resources)).toEqual(expect.arrayContaining(["windows-isolation:index:ExistingDockerHost", "windows-isolation:index:WindowsContainer"]));
        const wc = served.resources["windows-isolation:index:WindowsContainer"];
        const values = (ref: string | undefined) => served.types[ref!.replace("#/types/", "")].enum!.map((e) => e.value);
        expect(values(wc.inputProperties.isolation.$ref)).toEqual(["process", "hyperv"]);
        expect(values(wc.inputProperties.trust.$ref)).toEqual(["trusted", "untrusted"]);
    });

    test("the running plugin (package main, compiled) exposes exactly the components the source analysis sees", async () => {
        const components = getPulumiComponents(library);
        const inProcess = JSON.parse(await new ComponentProvider({ name: "windows-isolation", dirname: ROOT, components }).getSchema());
        expect(served).toEqual(inProcess);
    });
});
