/**
 * Other Pulumi languages: runs @pulumi/pulumi's own component provider (the code a source-based
 * plugin runs for `pulumi package add`) over this repository and checks the schema it infers.
 * Then the repository as that plugin, launched the way Pulumi's nodejs language host launches one:
 * the repository with its build/ (what its `npm install` makes through `prepare`; the unit
 * project's global setup rebuilds it whenever a source changed), `@pulumi/pulumi/cmd/run-plugin
 * <repository>` starts the provider (gRPC on 127.0.0.1), and GetSchema is asked over gRPC. The
 * schema checked is that served one, what `pulumi package add` reads; its resources must be exactly
 * the components the source exports (getPulumiComponents over index.ts). The analysis runs once,
 * in the plugin: running @pulumi/pulumi's ComponentProvider over the same directory in this process
 * as well (as this file did) repeated the same type-check of the package, about 10 s of CPU, to
 * compare two runs of one function on one input.
 * No Pulumi CLI here: the SDK generation itself is not run; the schema it would start from is.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import * as library from "../../index";

const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

interface Property { type?: string; $ref?: string; plain?: boolean; items?: Property; additionalProperties?: Property; description?: string }
interface SchemaResource { isComponent: boolean; inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[] }
interface SchemaType { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, Property>; required?: string[] }
interface Schema { name: string; version: string; resources: Record<string, SchemaResource>; types: Record<string, SchemaType>; dependencies: { name: string; version: string }[] }

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
let schema: Schema;
let componentNames: string[];

beforeAll(async () => {
    // The components as the nodejs plugin host (cmd/run-plugin) finds them, here from the sources.
    componentNames = getPulumiComponents(library).map((c) => c.name).sort();
    const text = await startPlugin(root).then(getSchema);
    schema = JSON.parse(text);
    served = JSON.parse(text);
}, 240_000);

afterAll(() => {
    plugin?.kill();
});

const token = (name: string) => `windows-isolation:index:${name}`;
const enumValues = (ref: string | undefined) => schema.types[ref!.replace("#/types/", "")]?.enum?.map((e) => e.value);

describe("component schema inferred by @pulumi/pulumi's analyzer", () => {
    test("is the windows-isolation package, at the npm version, with one resource per exported component", () => {
        expect(schema.name).toBe("windows-isolation");
        expect(schema.version).toBe(manifest.version);
        expect(componentNames).toEqual(["ContainerHost", "ContainerHostPool", "ExistingDockerHost", "WindowsContainer"]);
        expect(Object.keys(schema.resources).sort()).toEqual(componentNames.map(token));
        for (const resource of Object.values(schema.resources)) expect(resource.isComponent).toBe(true);
    });

    test("WindowsContainer: isolation and trust are enums, host is the host's plain facts", () => {
        const wc = schema.resources[token("WindowsContainer")];
        expect(wc.requiredInputs).toEqual(["host", "image"]);
        expect(Object.keys(wc.inputProperties).sort()).toEqual([
            "command", "cpus", "env", "host", "image", "imageOsBuild", "isolation", "labels", "memoryMb", "networks", "ports", "replicas", "rollingUpdate", "secretEnv", "serviceName", "trust",
        ]);
        expect(wc.inputProperties.isolation.$ref).toBe(`#/types/${token("IsolationMode")}`);
        expect(enumValues(wc.inputProperties.isolation.$ref)).toEqual(["process", "hyperv"]);
        expect(wc.inputProperties.trust.$ref).toBe(`#/types/${token("Trust")}`);
        expect(enumValues(wc.inputProperties.trust.$ref)).toEqual(["trusted", "untrusted"]);
        expect(wc.inputProperties.image).toMatchObject({ type: "string", plain: true });
        expect(wc.inputProperties.imageOsBuild).toMatchObject({ type: "number", plain: true });
        expect(wc.inputProperties.ports.items!.$ref).toBe(`#/types/${token("PublishedPort")}`);
        expect(enumValues(schema.types[token("PublishedPort")].properties!.protocol.$ref)).toEqual(["tcp", "udp"]);
        expect(wc.inputProperties.secretEnv).toMatchObject({ type: "object", additionalProperties: { type: "string" } });

        // What crosses languages for `host`: the facts only. The provider, ready resources and
        // port registry are accessors the analyzer skips (a provider object cannot cross).
        expect(wc.inputProperties.host.$ref).toBe(`#/types/${token("WindowsDockerHost")}`);
        const host = schema.types[token("WindowsDockerHost")];
        expect(Object.keys(host.properties!).sort()).toEqual(["cpuCount", "hostName", "hypervCapable", "osBuild"]);
        expect(host.required).toEqual(["hostName", "hypervCapable", "osBuild"]);

        expect(wc.required).toEqual(["isolation", "isolationReason", "service", "trust"]);
        expect(wc.properties.isolation.$ref).toBe(`#/types/${token("IsolationMode")}`);
        expect(wc.properties.trust.$ref).toBe(`#/types/${token("Trust")}`);
        expect(wc.properties.isolationReason.type).toBe("string");
        expect(wc.properties.service.$ref).toBe("/docker/v5.2.0/schema.json#/resources/docker:index%2Fservice:Service");
    });

    test("ExistingDockerHost: TLS material is a (secret-capable) input, outputs are the host facts", () => {
        const h = schema.resources[token("ExistingDockerHost")];
        expect(h.requiredInputs).toEqual(["endpoint", "hypervCapable", "osBuild"]);
        expect(h.inputProperties.endpoint).toMatchObject({ type: "string", plain: true });
        expect(h.inputProperties.osBuild).toMatchObject({ type: "number", plain: true });
        expect(h.inputProperties.hypervCapable).toMatchObject({ type: "boolean", plain: true });
        for (const pem of ["caPem", "certPem", "keyPem"]) {
            expect(h.inputProperties[pem].type).toBe("string");
            expect(h.inputProperties[pem].plain).toBeUndefined(); // an Input: secrets and outputs welcome
        }
        expect(Object.keys(h.properties).sort()).toEqual(["cpuCount", "hostName", "hypervCapable", "osBuild"]);
        expect(h.required).toEqual(["hostName", "hypervCapable", "osBuild"]);
    });

    test("ContainerHost: windowsVersion is an enum; outputs carry what another language needs for its own Docker provider", () => {
        const h = schema.resources[token("ContainerHost")];
        expect(h.requiredInputs).toEqual(["resourceGroupName", "windowsVersion"]);
        expect(h.inputProperties.windowsVersion.$ref).toBe(`#/types/${token("WindowsServerVersion")}`);
        expect(enumValues(h.inputProperties.windowsVersion.$ref)).toEqual(["ltsc2022", "ltsc2025"]);
        expect(h.inputProperties.resourceGroupName.plain).toBeUndefined(); // an Input
        expect(h.inputProperties.publicEndpoint.$ref).toBe(`#/types/${token("PublicEndpointArgs")}`);
        for (const out of ["hostName", "osBuild", "hypervCapable", "dockerEndpoint", "caCertPem", "clientCertPem", "clientKeyPem", "ciClientCertPem", "ciClientKeyPem"]) {
            expect(h.required).toContain(out);
        }
        // The guard's Node.js pin, typed like the engine's.
        expect(Object.keys(schema.types[h.inputProperties.nodeVersion.$ref!.replace("#/types/", "")].properties!).sort()).toEqual(["sha256", "url", "version"]);
        expect(h.properties.vm.$ref).toBe("/azure-native/v3.28.0/schema.json#/resources/azure-native:compute:VirtualMachine");
        for (const live of ["provider", "readyResources", "publishedPorts"]) expect(Object.keys(h.properties)).not.toContain(live);
    });

    test("ContainerHostPool: count or typed host specs; outputs carry every node's endpoint and the client material", () => {
        const p = schema.resources[token("ContainerHostPool")];
        expect(p.requiredInputs).toEqual(["resourceGroupName"]);
        expect(p.inputProperties.count).toMatchObject({ type: "number", plain: true });
        expect(enumValues(p.inputProperties.windowsVersion.$ref)).toEqual(["ltsc2022", "ltsc2025"]);
        const spec = schema.types[p.inputProperties.hosts.items!.$ref!.replace("#/types/", "")];
        expect(spec.required).toEqual(["windowsVersion"]);
        expect(enumValues(spec.properties!.windowsVersion.$ref)).toEqual(["ltsc2022", "ltsc2025"]);
        for (const out of ["hostName", "osBuild", "hypervCapable", "nodes", "subnetAddressPrefix", "dockerEndpoint", "caCertPem", "clientCertPem", "clientKeyPem", "ciClientCertPem", "ciClientKeyPem"]) {
            expect(p.required).toContain(out);
        }
        const node = schema.types[p.properties.nodes.items!.$ref!.replace("#/types/", "")];
        expect(Object.keys(node.properties!).sort()).toEqual(["adminPassword", "dockerEndpoint", "name", "osBuild", "privateIp", "role", "vmId", "vmSize", "zone"]);
        expect(enumValues(node.properties!.role.$ref)).toEqual(["init", "manager", "worker"]);
        for (const live of ["provider", "readyResources", "publishedPorts", "swarmNodes", "swarmCapacity"]) expect(Object.keys(p.properties)).not.toContain(live);
    });

    test("every reference resolves: local types exist, external ones name a declared dependency", () => {
        const refs: string[] = [];
        const collect = (p: Property | undefined) => {
            if (!p) return;
            if (p.$ref) refs.push(p.$ref);
            collect(p.items);
            collect(p.additionalProperties);
        };
        for (const r of Object.values(schema.resources)) [...Object.values(r.inputProperties), ...Object.values(r.properties)].forEach(collect);
        for (const t of Object.values(schema.types)) Object.values(t.properties ?? {}).forEach(collect);
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) {
            if (ref.startsWith("#/types/")) expect(Object.keys(schema.types)).toContain(ref.slice("#/types/".length));
            else expect(schema.dependencies.map((d) => `/${d.name}/v${d.version}/`)).toContain(ref.slice(0, ref.indexOf("schema.json")));
        }
        expect([...schema.dependencies].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
            { name: "azure-native", version: "3.28.0" },
            { name: "docker", version: "5.2.0" },
        ]);
    });

    test("PulumiPlugin.yaml declares the nodejs runtime", () => {
        const lines = fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
        expect(lines).toEqual(["runtime: nodejs"]);
    });
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

    test("the running plugin (package main, compiled) exposes exactly the components the source exports", () => {
        expect(Object.keys(served.resources).sort()).toEqual(componentNames.map(token));
        expect(componentNames).toEqual(["ContainerHost", "ContainerHostPool", "ExistingDockerHost", "WindowsContainer"]);
    });
});
