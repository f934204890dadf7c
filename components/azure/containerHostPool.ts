/**
 * ContainerHostPool: several ContainerHost-like Windows VMs on Azure forming one Docker swarm.
 * The first node inits the swarm; up to two more join as managers (three managers once the pool
 * has three hosts), the rest as workers. Each node is labelled with its Windows build and
 * Hyper-V capability, so WindowsContainer's placement constraints keep every workload on nodes
 * able to run it. The pool satisfies WindowsDockerHost: WindowsContainer works on it unchanged.
 *
 * Order of events: pool NSG, subnet and CA -> every node (VM, bootstrap, readiness) -> the
 * leader's join tokens (a Run Command's output, encrypted to the pool's token key and decrypted
 * here as a secret) -> managers join one by one -> workers join; meanwhile the leader waits for
 * every node, labels it (and promotes a node that should be a manager) and rotates the tokens,
 * also when a node never joins -> docker provider -> workloads.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { base64Json, bootstrapScript, parseSwarmTokens, SwarmJoinTokens, tokenRecipient } from "./bootstrap";
import { CONTAINER_HOST_TAG_VALUE } from "./containerHost";
import { poolSecurityRules } from "./containerHostNetwork";
import { createHostNode, HostNode } from "./containerHostNode";
import { ContainerHostPoolArgs, planPoolNodes, PoolNodePlan, validateContainerHostPoolArgs } from "./containerHostPoolArgs";
import { createCertificateAuthority } from "./containerHostPki";
import { readGuardBundle } from "./guardBundle";
import { WindowsDockerHost } from "../host/host";
import { attachEngine, attachSwarm, HostAccessors, shareHostAccessors } from "../host/hostParts";
import { createOwnSubnet, OWN_SUBNET_CIDR } from "./ownNetwork";
import { CONTAINER_HOST_POOL_TYPE, CONTAINER_HOST_TAG, ContainerHostPoolSummary, nodeLabels, SwarmRole } from "../../rules";

export * from "./containerHostPoolArgs";

/** Bound of one node's swarm-join Run Command, in seconds. */
const JOIN_TIMEOUT_SECONDS = 600;

/** RSA size of the swarm token key (tokens leave the leader encrypted to it). */
const TOKEN_KEY_BITS = 3072;

/**
 * How long the leader waits for every node to appear before labelling, in seconds: the joins run
 * meanwhile (managers one after the other, then the workers together), each bounded by
 * JOIN_TIMEOUT_SECONDS; at most three waves, so the Run Command stays far inside 90 minutes.
 */
export function labelWaitSeconds(managerJoins: number, workerJoins: number): number {
    return JOIN_TIMEOUT_SECONDS * (managerJoins + (workerJoins > 0 ? 1 : 0)) + 60;
}

/** What a preview shows (as a secret) for tokens that only exist once the leader runs. */
const PREVIEW_TOKENS: SwarmJoinTokens = { manager: "(read from the leader during the deployment)", worker: "(read from the leader during the deployment)" };

/** One node of the pool, as the pool's outputs show it. */
export interface PoolNodeOutputs {
    /** The swarm node's hostname (the VM's computer name). */
    readonly name: string;
    readonly role: SwarmRole;
    readonly osBuild: number;
    readonly vmSize: string;
    readonly zone?: string;
    readonly privateIp: pulumi.Output<string>;
    /** `tcp://<private IP>:2376` (the first node's public IP with a public endpoint): where `verify` asks this node. */
    readonly dockerEndpoint: pulumi.Output<string>;
    /** Generated local administrator password: a secret. */
    readonly adminPassword: pulumi.Output<string>;
    /** The VM's Azure resource id: where `verify --azure-vm` runs its read-only Run Command. */
    readonly vmId: pulumi.Output<string>;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the accessors are mixed in by shareHostAccessors (hostParts.ts)
export class ContainerHostPool extends pulumi.ComponentResource implements WindowsDockerHost {
    public readonly hostName: string;
    /** Build of the first node, which the pool's Docker provider reaches. */
    public readonly osBuild: number;
    /** Every node of a pool runs Hyper-V. */
    public readonly hypervCapable: boolean = true;
    /** vCPUs of the largest node: `cpus` above it can run nowhere in the pool. */
    public readonly cpuCount?: number;

    /** The nodes in order; node 0 inits the swarm. */
    public readonly nodes: PoolNodeOutputs[];
    /** The pool's subnet prefix: the only source the swarm ports accept. */
    public readonly subnetAddressPrefix: string;
    /** `tcp://<address>:2376` of the first node, where the pool's Docker provider points. */
    public readonly dockerEndpoint: pulumi.Output<string>;
    /** CA certificate that signed every node's engine certificate (public). */
    public readonly caCertPem: pulumi.Output<string>;
    /**
     * The deployer's client certificate (CN windows-isolation-deployer, public), accepted by every
     * node: the only identity the nodes' guards let create trusted work. For the Pulumi stack and
     * ops; this component's Docker provider uses it. Never give it to CI jobs or tenants.
     */
    public readonly clientCertPem: pulumi.Output<string>;
    /** The deployer's private key: a secret. */
    public readonly clientKeyPem: pulumi.Output<string>;
    /** The CI client certificate (CN windows-isolation-ci, public): untrusted + hyperv work only. */
    public readonly ciClientCertPem: pulumi.Output<string>;
    /** The CI private key: a secret. */
    public readonly ciClientKeyPem: pulumi.Output<string>;

    constructor(name: string, args: ContainerHostPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateContainerHostPoolArgs(args);
        const plans = problems.length === 0 ? planPoolNodes(name, args) : [];
        const swarmNodes = plans.map((p) => p.node);
        super(CONTAINER_HOST_POOL_TYPE, name, { ...summary(args, plans) }, opts);
        // Every node gets the guard: without its bundle nothing is created (reported with the arguments' problems).
        const guardScript = readGuardBundle();
        const all = guardScript.ok ? problems : [...problems, guardScript.problem];
        if (all.length > 0 || !guardScript.ok) {
            throw new pulumi.ResourceError(`ContainerHostPool '${name}': ${all.join("; ")}`, this);
        }
        this.hostName = name;
        this.osBuild = plans[0].resolved.osBuild;
        const cpuCounts = plans.flatMap((p) => (p.resolved.vcpus === undefined ? [] : [p.resolved.vcpus]));
        this.cpuCount = cpuCounts.length === plans.length ? Math.max(...cpuCounts) : undefined;
        this.subnetAddressPrefix = args.subnetAddressPrefix ?? OWN_SUBNET_CIDR;
        const { resourceGroupName, location } = args;
        const tags = { ...(args.tags ?? {}), [CONTAINER_HOST_TAG]: CONTAINER_HOST_TAG_VALUE };
        const common = { resourceGroupName, location, tags };

        const nsg = new network.NetworkSecurityGroup(`${name}-nsg`, {
            ...common,
            securityRules: poolSecurityRules(args.publicEndpoint?.allowedClientCidrs, this.subnetAddressPrefix),
        }, { parent: this });
        const subnetId = args.subnetId ?? createOwnSubnet(name, common, this);
        const ca = createCertificateAuthority(name, this);

        const built = plans.map((p) => ({
            plan: p,
            node: createHostNode(`${name}-${p.index}`, {
                ...common,
                zone: p.zone,
                subnetId,
                networkSecurityGroupId: nsg.id,
                // Only the leader is reached from outside (the provider's endpoint).
                publicEndpoint: p.index === 0 ? args.publicEndpoint : undefined,
                resolved: p.resolved,
                computerName: p.computerName,
                ca,
                guardScript: guardScript.text,
                swarm: { role: p.role === "init" ? "init" : "join", subnetCidr: this.subnetAddressPrefix },
                owner: `ContainerHostPool '${name}'`,
            }, this),
        }));
        const leader = built[0].node;

        const tokenCommand = this.joinNodes(name, common, leader, built.slice(1));

        // Labels and roles of every node, set on the leader once every node has joined; then the
        // tokens are rotated, also when a node never joins (a failed join), so the ones handed
        // out admit nobody afterwards. Not after the joins: it must run when one of them fails.
        const others = plans.slice(1);
        const waitSeconds = labelWaitSeconds(others.filter((p) => p.role === "manager").length, others.filter((p) => p.role === "worker").length);
        const labels = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-swarm-nodes`, {
            ...common,
            vmName: leader.vm.name,
            source: { script: bootstrapScript("swarm-nodes.ps1") },
            parameters: [
                { name: "Nodes", value: base64Json(plans.map((p) => ({ hostname: p.computerName, role: p.role === "worker" ? "worker" : "manager", labels: nodeLabels(p.node) }))) },
                { name: "TimeoutSeconds", value: String(waitSeconds) },
            ],
            asyncExecution: false,
            timeoutInSeconds: waitSeconds + 120,
            treatFailureAsDeploymentFailure: true,
        }, { parent: this, dependsOn: [...built.map((b) => b.node.wait), ...(tokenCommand ? [tokenCommand] : [])] });

        this.dockerEndpoint = leader.dockerEndpoint;
        this.caCertPem = ca.caCertPem;
        this.clientCertPem = ca.clientCertPem;
        this.clientKeyPem = ca.clientKeyPem;
        this.ciClientCertPem = ca.ciClientCertPem;
        this.ciClientKeyPem = ca.ciClientKeyPem;
        this.nodes = built.map(({ plan, node }) => ({
            name: plan.computerName,
            role: plan.role,
            osBuild: plan.resolved.osBuild,
            vmSize: plan.resolved.vmSize,
            zone: plan.zone,
            privateIp: node.privateIp,
            dockerEndpoint: node.dockerEndpoint,
            adminPassword: node.adminPassword,
            vmId: node.vm.id,
        }));

        attachEngine(this, name, { host: this.dockerEndpoint, caMaterial: ca.caCertPem, certMaterial: ca.clientCertPem, keyMaterial: ca.clientKeyPem }, [labels]);
        attachSwarm(this, swarmNodes, { allowOvercommit: args.allowOvercommit, hypervOverheadMb: args.hypervOverheadMb });

        this.registerOutputs({
            osBuild: this.osBuild,
            hypervCapable: this.hypervCapable,
            cpuCount: this.cpuCount,
            nodes: this.nodes,
            subnetAddressPrefix: this.subnetAddressPrefix,
            dockerEndpoint: this.dockerEndpoint,
            caCertPem: this.caCertPem,
            clientCertPem: this.clientCertPem,
            clientKeyPem: this.clientKeyPem,
            ciClientCertPem: this.ciClientCertPem,
            ciClientKeyPem: this.ciClientKeyPem,
        });
    }

    /**
     * Reads the join tokens from the leader (a Run Command's output, encrypted to the pool's token
     * key, read back with $expand=instanceView and decrypted as a secret), then joins the managers
     * one at a time (Raft grows by one member at a time) and the workers after them. Returns the
     * token command (none for a pool of one).
     */
    private joinNodes(name: string, common: { resourceGroupName: pulumi.Input<string>; location?: pulumi.Input<string>; tags: Record<string, string> }, leader: HostNode, others: { plan: PoolNodePlan; node: HostNode }[]): pulumi.Resource | undefined {
        if (others.length === 0) return undefined;
        // Only the state holds the private half; the instance view, readable with Reader on the VM, holds ciphertext.
        const tokenKey = new tls.PrivateKey(`${name}-swarm-token-key`, { algorithm: "RSA", rsaBits: TOKEN_KEY_BITS }, { parent: this });
        const recipient = tokenKey.publicKeyPem.apply(tokenRecipient);
        const tokenCommand = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-swarm-tokens`, {
            ...common,
            vmName: leader.vm.name,
            source: { script: bootstrapScript("swarm-tokens.ps1") },
            // swarm-nodes rotates the tokens once every node has joined: a new set of joining
            // nodes changes this parameter, so Azure runs the command again for fresh tokens.
            parameters: [
                { name: "JoinSet", value: others.map((o) => o.plan.computerName).join(",") },
                { name: "RecipientModulus", value: recipient.apply((r) => r.modulus) },
                { name: "RecipientExponent", value: recipient.apply((r) => r.exponent) },
            ],
            asyncExecution: false,
            timeoutInSeconds: 300,
            treatFailureAsDeploymentFailure: true,
        }, { parent: this, dependsOn: [leader.wait], additionalSecretOutputs: ["instanceView"] });
        const view = compute.getVirtualMachineRunCommandByVirtualMachineOutput({
            resourceGroupName: common.resourceGroupName,
            vmName: leader.vm.name,
            runCommandName: tokenCommand.name,
            expand: "instanceView",
        }, { parent: this });
        // In a preview the leader may not exist yet, so there is nothing to read; a deployment
        // without the tokens fails (parseSwarmTokens) before any node tries to join.
        const tokens: pulumi.Output<SwarmJoinTokens> = pulumi.secret(pulumi.all([view.instanceView, tokenKey.privateKeyPem]).apply(([v, key]) =>
            v?.output === undefined && pulumi.runtime.isDryRun() ? PREVIEW_TOKENS : parseSwarmTokens(v?.output, key, `${name}-swarm-tokens`)));

        let lastManagerJoin: pulumi.Resource | undefined;
        for (const { plan, node } of others) {
            const role = plan.role === "manager" ? "manager" : "worker";
            // Managers join one after the other; workers join once every manager has.
            const after = lastManagerJoin ? [lastManagerJoin] : [];
            const join = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-${plan.index}-swarm-join`, {
                ...common,
                vmName: node.vm.name,
                source: { script: bootstrapScript("swarm-join.ps1") },
                parameters: [
                    { name: "ManagerAddress", value: leader.privateIp },
                    { name: "Role", value: role },
                ],
                protectedParameters: [{ name: "JoinToken", value: tokens.apply((t) => t[role]) }],
                asyncExecution: false,
                timeoutInSeconds: JOIN_TIMEOUT_SECONDS,
                treatFailureAsDeploymentFailure: true,
            }, { parent: this, dependsOn: [node.wait, tokenCommand, ...after], additionalSecretOutputs: ["protectedParameters"] });
            if (role === "manager") lastManagerJoin = join;
        }
        return tokenCommand;
    }
}

/** What policies and plan see: plain facts, never a secret. */
function summary(args: ContainerHostPoolArgs, plans: readonly PoolNodePlan[]): ContainerHostPoolSummary {
    return {
        count: plans.length,
        nodes: plans.map((p) => ({ name: p.computerName, role: p.role, windowsVersion: p.resolved.windowsVersion, vmSize: p.resolved.vmSize, zone: p.zone ?? null })),
        swarmNodes: plans.map((p) => p.node),
        osBuild: plans[0]?.resolved.osBuild,
        hypervCapable: true,
        publicEndpoint: args?.publicEndpoint === undefined ? undefined : { allowedClientCidrs: args.publicEndpoint.allowedClientCidrs, dnsLabel: args.publicEndpoint.dnsLabel },
        subnetAddressPrefix: args?.subnetAddressPrefix ?? OWN_SUBNET_CIDR,
        securityType: args?.securityType ?? "Standard",
        dockerVersion: args?.dockerVersion?.version,
    };
}

// The live parts' accessors, shared by every host class (see hostParts.ts for why a mixin).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ContainerHostPool extends HostAccessors {}
shareHostAccessors(ContainerHostPool);
