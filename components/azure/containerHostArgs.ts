/**
 * ContainerHost arguments, their defaults and their validation (pure: no resource is created
 * here, so every mistake is reported before anything exists in Azure).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkDockerRelease, DEFAULT_DOCKER_RELEASE, DockerRelease } from "./dockerRelease";
import { checkNodeRelease, DEFAULT_NODE_RELEASE, NodeRelease } from "./nodeRelease";
import { checkAllowedClientCidrs, checkHypervHostSize, CONTAINER_HOST_TAG, FieldProblem, messagesOf, onField, securityTypeProblem } from "../../rules";

/**
 * Windows Server releases a ContainerHost can run. A const object plus a type of its values,
 * not `keyof`: Pulumi's component schema analyzer reads this shape as an enum.
 */
export const WindowsServerVersion = { Ltsc2022: "ltsc2022", Ltsc2025: "ltsc2025" } as const;
export type WindowsServerVersion = (typeof WindowsServerVersion)[keyof typeof WindowsServerVersion];

/** The Gen2 Datacenter Azure Edition image of each release. */
export const WINDOWS_SERVER_IMAGES = {
    ltsc2022: { osBuild: 20348, generation: 2, image: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" } },
    ltsc2025: { osBuild: 26100, generation: 2, image: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2025-datacenter-azure-edition", version: "latest" } },
} as const satisfies Record<WindowsServerVersion, unknown>;

export const DEFAULT_VM_SIZE = "Standard_D4s_v5";
export const DEFAULT_ADMIN_USERNAME = "wiadmin";
export const DEFAULT_BOOTSTRAP_TIMEOUT_SECONDS = 1800;
/**
 * The cap of bootstrapTimeoutSeconds: 90 minutes, Run Command's documented maximum. The readiness
 * wait (HostReadiness) is bounded by it, and no Run Command of a host or pool waits longer.
 */
export const MAX_BOOTSTRAP_TIMEOUT_SECONDS = 5400;
export const MIN_BOOTSTRAP_TIMEOUT_SECONDS = 300;

/** Who may reach the engine through a public IP. */
export interface PublicEndpointArgs {
    /** Client addresses or CIDRs allowed to reach TCP 2376; never `*`, `0.0.0.0/0`, `Internet`, `Any`. */
    readonly allowedClientCidrs: string[];
    /** Optional DNS label: the public IP gets `<label>.<region>.cloudapp.azure.com` (also in the server certificate). */
    readonly dnsLabel?: string;
}

export interface ContainerHostArgs {
    /** Resource group for every resource of the host. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region; defaults to the resource group's provider default location. */
    readonly location?: pulumi.Input<string>;
    /** VM size; must be a series with documented nested virtualization. Default Standard_D4s_v5. */
    readonly vmSize?: string;
    /** Windows Server release: `ltsc2022` (build 20348) or `ltsc2025` (build 26100). */
    readonly windowsVersion: WindowsServerVersion;
    /** Existing subnet for the NIC; without it the host gets a VNet and subnet of its own. */
    readonly subnetId?: pulumi.Input<string>;
    /** Give the host a public IP reachable on 2376 from these clients only. Without it: no public IP. */
    readonly publicEndpoint?: PublicEndpointArgs;
    /** Local administrator name (the password is generated and kept secret). Default `wiadmin`. */
    readonly adminUsername?: string;
    /** Availability zone ("1", "2" or "3"). */
    readonly zone?: string;
    /** Extra Azure tags for every resource; the container-host tag is added by the component. */
    readonly tags?: Record<string, string>;
    /** Docker engine to install, pinned by version and SHA-256. Default: DEFAULT_DOCKER_RELEASE. */
    readonly dockerVersion?: DockerRelease;
    /**
     * Node.js for Windows that runs the guard (docs/guard.md) on the host, pinned by version and
     * SHA-256 of the win-x64 zip. Default: DEFAULT_NODE_RELEASE.
     */
    readonly nodeVersion?: NodeRelease;
    /** Encryption at host; off by default because it fails on subscriptions without the feature. */
    readonly encryptionAtHost?: boolean;
    /** Accept a VM size whose series is not in the nested-virtualization table (you checked it). */
    readonly allowUnlistedVmSize?: boolean;
    /** VM security type. Only `Standard` is accepted: Trusted Launch breaks Hyper-V in the VM. */
    readonly securityType?: string;
    /** How long the deployment waits for the engine to be ready, in seconds: 300 to 5400 (90 minutes). Default 1800. */
    readonly bootstrapTimeoutSeconds?: number;
}

/** The arguments with defaults applied, as the component uses them. */
export interface ResolvedContainerHostArgs {
    readonly vmSize: string;
    readonly windowsVersion: WindowsServerVersion;
    readonly osBuild: number;
    readonly vcpus?: number;
    readonly adminUsername: string;
    readonly docker: DockerRelease;
    /** The Node.js the guard runs on. */
    readonly node: NodeRelease;
    readonly securityType: "Standard";
    readonly encryptionAtHost: boolean;
    readonly bootstrapTimeoutSeconds: number;
}

/** Names Azure refuses as a Windows VM's admin user. */
const RESERVED_ADMIN_NAMES = new Set(["administrator", "admin", "user", "user1", "test", "test1", "root", "guest", "owner", "sys", "server", "sql", "support", "backup", "console", "david", "a", "actuser", "adm", "admin1", "admin2", "aspnet", "john", "owner", "test2", "test3", "user2", "user3", "user4", "user5"]);

/** Every problem with the arguments, each naming the field, the value, the rule and the fix. */
export function checkContainerHostArgs(args: ContainerHostArgs): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const add = (field: string, message: string) => problems.push({ field, message });
    if (args === null || typeof args !== "object") return [{ field: "args", message: "arguments are missing; pass { resourceGroupName, windowsVersion, ... }" }];
    if (args.resourceGroupName === undefined || args.resourceGroupName === "") {
        add("resourceGroupName", "resourceGroupName is required: the resource group that holds the host");
    }
    const version = args.windowsVersion as string;
    if (!Object.prototype.hasOwnProperty.call(WINDOWS_SERVER_IMAGES, version)) {
        add("windowsVersion", `windowsVersion '${String(version)}' is not a Windows Server release ContainerHost knows; use 'ltsc2022' (build 20348) or 'ltsc2025' (build 26100)`);
    }
    const vmSize = args.vmSize ?? DEFAULT_VM_SIZE;
    if (typeof vmSize !== "string" || vmSize.trim() === "") {
        add("vmSize", `vmSize ${JSON.stringify(vmSize)} must be an Azure size name such as ${DEFAULT_VM_SIZE}`);
    } else {
        const check = checkHypervHostSize(vmSize, { allowUnlistedVmSize: args.allowUnlistedVmSize === true, generation: 2 });
        problems.push(...onField("vmSize", check.problems));
        // Checked with the size, as the policy's checkHypervHostSize does.
        const security = securityTypeProblem(args.securityType ?? "Standard");
        if (security) add("securityType", security);
    }
    if (args.publicEndpoint !== undefined) {
        problems.push(...onField("publicEndpoint.allowedClientCidrs", checkAllowedClientCidrs(args.publicEndpoint?.allowedClientCidrs)));
        const label = args.publicEndpoint?.dnsLabel;
        if (label !== undefined && !/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(label)) {
            add("publicEndpoint.dnsLabel", `publicEndpoint.dnsLabel '${label}' must be 3-63 lower-case letters, digits or hyphens, starting with a letter`);
        }
    }
    const admin = args.adminUsername ?? DEFAULT_ADMIN_USERNAME;
    if (typeof admin !== "string" || !/^[A-Za-z][A-Za-z0-9_-]{0,19}$/.test(admin) || RESERVED_ADMIN_NAMES.has(admin.toLowerCase())) {
        add("adminUsername", `adminUsername '${String(admin)}' is not accepted by Azure for Windows (1-20 letters, digits, '_' or '-', starting with a letter, not a reserved name like 'administrator' or 'admin'); use e.g. '${DEFAULT_ADMIN_USERNAME}'`);
    }
    if (args.zone !== undefined && !["1", "2", "3"].includes(args.zone)) {
        add("zone", `zone '${args.zone}' must be "1", "2" or "3", or left out`);
    }
    if (args.tags !== undefined) {
        if (typeof args.tags !== "object" || args.tags === null) {
            add("tags", "tags must be a map of tag name to value");
        } else if (Object.prototype.hasOwnProperty.call(args.tags, CONTAINER_HOST_TAG)) {
            add("tags", `tags must not set '${CONTAINER_HOST_TAG}': ContainerHost sets it so policies can recognise its VMs`);
        }
    }
    if (args.dockerVersion !== undefined) problems.push(...onField("dockerVersion", checkDockerRelease(args.dockerVersion)));
    if (args.nodeVersion !== undefined) problems.push(...onField("nodeVersion", checkNodeRelease(args.nodeVersion)));
    if (args.encryptionAtHost !== undefined && typeof args.encryptionAtHost !== "boolean") {
        add("encryptionAtHost", `encryptionAtHost ${JSON.stringify(args.encryptionAtHost)} must be true or false`);
    }
    const timeout = args.bootstrapTimeoutSeconds;
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= MIN_BOOTSTRAP_TIMEOUT_SECONDS && timeout <= MAX_BOOTSTRAP_TIMEOUT_SECONDS)) {
        add("bootstrapTimeoutSeconds", `bootstrapTimeoutSeconds ${JSON.stringify(timeout)} must be a whole number from ${MIN_BOOTSTRAP_TIMEOUT_SECONDS} to ${MAX_BOOTSTRAP_TIMEOUT_SECONDS}: the cap is 90 minutes (Run Command's documented maximum); a bootstrap that needs longer is stuck, see the host's bootstrap log`);
    }
    return problems;
}

/** The problems as the text users see (ContainerHost joins them with "; "). */
export function validateContainerHostArgs(args: ContainerHostArgs): string[] {
    return messagesOf(checkContainerHostArgs(args));
}

/** Defaults applied; call only after validateContainerHostArgs returned no problem. */
export function resolveContainerHostArgs(args: ContainerHostArgs): ResolvedContainerHostArgs {
    const vmSize = args.vmSize ?? DEFAULT_VM_SIZE;
    return {
        vmSize,
        windowsVersion: args.windowsVersion,
        osBuild: WINDOWS_SERVER_IMAGES[args.windowsVersion].osBuild,
        vcpus: checkHypervHostSize(vmSize, { allowUnlistedVmSize: true }).facts.vcpus,
        adminUsername: args.adminUsername ?? DEFAULT_ADMIN_USERNAME,
        docker: args.dockerVersion ?? DEFAULT_DOCKER_RELEASE,
        node: args.nodeVersion ?? DEFAULT_NODE_RELEASE,
        securityType: "Standard",
        encryptionAtHost: args.encryptionAtHost ?? false,
        bootstrapTimeoutSeconds: args.bootstrapTimeoutSeconds ?? DEFAULT_BOOTSTRAP_TIMEOUT_SECONDS,
    };
}

/** A Windows computer name (at most 15 letters, digits or hyphens, not all digits) from a resource name. */
export function computerNameFor(name: string): string {
    const cleaned = name.replace(/[^A-Za-z0-9-]/g, "").replace(/^-+/, "").slice(0, 15).replace(/-+$/, "");
    return cleaned === "" || /^\d+$/.test(cleaned) ? `wi${cleaned}`.slice(0, 15) : cleaned;
}
