/**
 * One run in its own process: a ContainerHostPool of H Azure hosts (alternating ltsc2022 and
 * ltsc2025) with N workloads, through the components (pool validation, WindowsContainer's
 * isolation decision over the nodes, placement constraints, capacity bookkeeping) or as the same
 * resources declared raw: the same per-node resources at the stack's root (built by the same
 * node builder, so the inputs are byte for byte the same), the pool's NSG, network, CA, Run
 * Commands and provider, and docker.Service resources with the constraints written by hand.
 * Under Pulumi's mock monitor (preview); prints wall time as JSON.
 * Usage: declarePool.ts <component|raw> <N> <H>
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { nodeLabels } from "../rules";
import { installCountingMocks } from "./countingMocks";
import { benchWorkload, rawService } from "./mixedWorkloads";

const [mode, nArg, hArg] = require.main === module ? process.argv.slice(2) : [];
const n = Number(nArg);
const hosts = Number(hArg);

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the mocks are installed */
/**
 * Declares the pool and its N workloads (components or raw) in the current Pulumi program and
 * returns how many resources that registers. Also the body of bench/programs/pool (bench:plan).
 */
export function declarePoolProgram(mode: "component" | "raw", n: number, hosts: number, allowOvercommit?: boolean): number {
    const lib = require("../components") as typeof import("../components");
    const hostSpecs = Array.from({ length: hosts }, (_, i) => ({ windowsVersion: i % 2 === 0 ? "ltsc2022" as const : "ltsc2025" as const }));
    const poolArgs = { resourceGroupName: "rg", location: "westeurope", hosts: hostSpecs, ...(allowOvercommit === undefined ? {} : { allowOvercommit }) };
    let provider: docker.Provider;
    let ready: pulumi.Resource[];
    let pool: InstanceType<typeof lib.ContainerHostPool> | undefined;
    if (mode === "component") {
        pool = new lib.ContainerHostPool("pool", poolArgs);
        provider = pool.provider;
        ready = pool.readyResources;
    } else {
        ({ provider, ready } = declareRawPool(lib, poolArgs));
    }
    for (let i = 0; i < n; i++) {
        const w = benchWorkload(i);
        if (pool) new lib.WindowsContainer(w.name, { host: pool, image: w.image, trust: w.trust });
        else rawService(w, { provider, dependsOn: ready });
    }
    // Pool: NSG, VNet, subnet, 8 CA/client resources (the CA, the deployer's and CI's certificates),
    // tokens, labels, provider (+ the component), 8 per node, a join per node but the first; then the workloads.
    const poolResources = 14 + 8 * hosts + (hosts - 1) + (mode === "component" ? 1 : 0);
    return poolResources + (mode === "component" ? 2 * n : n);
}

async function main(): Promise<void> {
    const mocks = await installCountingMocks();
    const start = process.hrtime.bigint();
    const expected = declarePoolProgram(mode as "component" | "raw", n, hosts);
    await mocks.waitFor(expected);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ mode, n, hosts, resources: mocks.registered(), wallMs }));
    process.exit(0);
}

/** The pool's resources without the component: what a program would declare by hand. */
function declareRawPool(lib: typeof import("../components"), args: { resourceGroupName: string; location: string; hosts: { windowsVersion: "ltsc2022" | "ltsc2025" }[]; allowOvercommit?: boolean }) {
    const compute = require("@pulumi/azure-native/compute") as typeof import("@pulumi/azure-native/compute");
    const network = require("@pulumi/azure-native/network") as typeof import("@pulumi/azure-native/network");
    const { createHostNode } = require("../components/azure/containerHostNode") as typeof import("../components/azure/containerHostNode");
    const { createCertificateAuthority } = require("../components/azure/containerHostPki") as typeof import("../components/azure/containerHostPki");
    const { createOwnSubnet } = require("../components/azure/ownNetwork") as typeof import("../components/azure/ownNetwork");
    const bootstrap = require("../components/azure/bootstrap") as typeof import("../components/azure/bootstrap");
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { "windows-isolation:container-host": "hyperv" } };
    const subnetPrefix = "10.40.0.0/24";
    // A stand-in parent argument: the node builder only passes it on as `parent` (undefined = the stack).
    const root = undefined as unknown as pulumi.Resource;
    const nsg = new network.NetworkSecurityGroup("pool-nsg", { ...common, securityRules: lib.poolSecurityRules(undefined, subnetPrefix) });
    const subnetId = createOwnSubnet("pool", common, root);
    const ca = createCertificateAuthority("pool", root);
    const { readGuardBundle } = require("../components/azure/guardBundle") as typeof import("../components/azure/guardBundle");
    const guard = readGuardBundle();
    if (!guard.ok) throw new Error(guard.problem);
    const nodes = args.hosts.map((h, i) => createHostNode(`pool-${i}`, {
        ...common,
        zone: String((i % 3) + 1),
        subnetId,
        networkSecurityGroupId: nsg.id,
        resolved: lib.resolveContainerHostArgs({ resourceGroupName: args.resourceGroupName, windowsVersion: h.windowsVersion }),
        computerName: `pool-${i}`,
        ca,
        guardScript: guard.text,
        swarm: { role: i === 0 ? "init" : "join", subnetCidr: subnetPrefix },
        owner: "raw",
    }, root));
    const leader = nodes[0];
    const tokens = new compute.VirtualMachineRunCommandByVirtualMachine("pool-swarm-tokens", {
        ...common, vmName: leader.vm.name, source: { script: bootstrap.bootstrapScript("swarm-tokens.ps1") }, asyncExecution: false, timeoutInSeconds: 300, treatFailureAsDeploymentFailure: true,
    }, { dependsOn: [leader.wait], additionalSecretOutputs: ["instanceView"] });
    const view = compute.getVirtualMachineRunCommandByVirtualMachineOutput({ resourceGroupName: common.resourceGroupName, vmName: leader.vm.name, runCommandName: tokens.name, expand: "instanceView" });
    const token = pulumi.secret(view.instanceView.apply((v) => v?.output ?? "preview"));
    let lastManager: pulumi.Resource | undefined;
    const joins = nodes.slice(1).map((node, k) => {
        const role = k < 2 ? "manager" : "worker";
        const join = new compute.VirtualMachineRunCommandByVirtualMachine(`pool-${k + 1}-swarm-join`, {
            ...common, vmName: node.vm.name, source: { script: bootstrap.bootstrapScript("swarm-join.ps1") },
            parameters: [{ name: "ManagerAddress", value: leader.privateIp }, { name: "Role", value: role }],
            protectedParameters: [{ name: "JoinToken", value: token }],
            asyncExecution: false, timeoutInSeconds: 600, treatFailureAsDeploymentFailure: true,
        }, { dependsOn: [node.wait, tokens, ...(lastManager ? [lastManager] : [])], additionalSecretOutputs: ["protectedParameters"] });
        if (role === "manager") lastManager = join;
        return join;
    });
    const labels = new compute.VirtualMachineRunCommandByVirtualMachine("pool-swarm-nodes", {
        ...common, vmName: leader.vm.name, source: { script: bootstrap.bootstrapScript("swarm-nodes.ps1") },
        parameters: [{ name: "Nodes", value: bootstrap.base64Json(args.hosts.map((h, i) => ({ hostname: `pool-${i}`, role: i < 3 ? "manager" : "worker", labels: nodeLabels({ osBuild: h.windowsVersion === "ltsc2022" ? 20348 : 26100, hypervCapable: true }) }))) }],
        asyncExecution: false, timeoutInSeconds: 720, treatFailureAsDeploymentFailure: true,
    }, { dependsOn: [leader.wait, ...joins] });
    const provider = new docker.Provider("pool-docker", { host: leader.dockerEndpoint, caMaterial: ca.caCertPem, certMaterial: ca.clientCertPem, keyMaterial: ca.clientKeyPem }, { dependsOn: [labels] });
    return { provider, ready: [labels] as pulumi.Resource[] };
}

// Run only as a script: bench/programs/pool imports declarePoolProgram.
if (require.main === module) {
    main().catch((e) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(2);
    });
}
