/**
 * The inputs the policies judge, per resource type: the one list. The policies read their facts
 * through these paths, and the plan refuses `ignoreChanges` on any of them (review/plan/
 * ignoredChanges.ts), so a field a policy starts judging is covered there without a second list.
 * Why a refusal: the engine copies an ignored property from the deployed state into the new
 * inputs, so on a stack that already runs the workload the program's value never reaches the
 * engine, and a plan (which has no state) would judge a value that is not deployed.
 */
import {
    DOCKER_CONTAINER_TYPE,
    DOCKER_IMAGE_TYPE,
    DOCKER_PROVIDER_TYPE,
    DOCKER_REGISTRY_IMAGE_TYPE,
    DOCKER_REMOTE_IMAGE_TYPE,
    DOCKER_SERVICE_TYPE,
} from "../docker/resourceTypes";
import { kubernetesJudgedPaths, kubernetesWorkloadKind } from "./kubernetesWorkloads";

type Paths = Readonly<Record<string, readonly string[]>>;

/** docker.Service: trust labels, isolation, image, host access, host privileges and placement. */
export const SERVICE_INPUTS = {
    labels: ["labels"],
    containerLabels: ["taskSpec", "containerSpec", "labels"],
    isolation: ["taskSpec", "containerSpec", "isolation"],
    image: ["taskSpec", "containerSpec", "image"],
    mounts: ["taskSpec", "containerSpec", "mounts"],
    credentialSpec: ["taskSpec", "containerSpec", "privileges", "credentialSpec"],
    capAdds: ["taskSpec", "containerSpec", "capAdds"],
    networks: ["taskSpec", "networksAdvanceds"],
    ports: ["endpointSpec", "ports"],
    constraints: ["taskSpec", "placement", "constraints"],
} as const satisfies Paths;

/** docker.Container: trust label, image, host access and host privileges (`volumes` also holds `fromContainer`). */
export const CONTAINER_INPUTS = {
    labels: ["labels"],
    image: ["image"],
    mounts: ["mounts"],
    volumes: ["volumes"],
    devices: ["devices"],
    securityOpts: ["securityOpts"],
    privileged: ["privileged"],
    capAdds: ["capabilities", "adds"],
    networkMode: ["networkMode"],
    pidMode: ["pidMode"],
    ipcMode: ["ipcMode"],
    usernsMode: ["usernsMode"],
    cgroupnsMode: ["cgroupnsMode"],
} as const satisfies Paths;

/** An image resource's build block: the parent of IMAGE_BUILD_INPUTS (ignoring it hides them all, so it needs no entry of its own). */
export const IMAGE_BUILD = ["build"] as const;

/** docker.RemoteImage / docker.RegistryImage builds: trust labels and how the build is isolated. */
export const IMAGE_BUILD_INPUTS = {
    isolation: ["build", "isolation"],
    labels: ["build", "labels"],
    label: ["build", "label"],
    builder: ["build", "builder"],
    useLegacyBuilder: ["build", "useLegacyBuilder"],
} as const satisfies Paths;

/** docker.RemoteImage also names the image pinned-image judges. */
export const REMOTE_IMAGE_INPUTS = { ...IMAGE_BUILD_INPUTS, name: ["name"] } as const satisfies Paths;

/** docker.Image: a build at all. */
export const DOCKER_IMAGE_INPUTS = { build: ["build"] } as const satisfies Paths;

/** The Docker provider: how it reaches the engine. */
export const DOCKER_PROVIDER_INPUTS = {
    host: ["host"],
    context: ["context"],
    caMaterial: ["caMaterial"],
    certMaterial: ["certMaterial"],
    keyMaterial: ["keyMaterial"],
    certPath: ["certPath"],
    sshOpts: ["sshOpts"],
} as const satisfies Paths;

const BY_TYPE: Readonly<Record<string, Paths>> = {
    [DOCKER_SERVICE_TYPE]: SERVICE_INPUTS,
    [DOCKER_CONTAINER_TYPE]: CONTAINER_INPUTS,
    [DOCKER_REMOTE_IMAGE_TYPE]: REMOTE_IMAGE_INPUTS,
    [DOCKER_REGISTRY_IMAGE_TYPE]: IMAGE_BUILD_INPUTS,
    [DOCKER_IMAGE_TYPE]: DOCKER_IMAGE_INPUTS,
    [DOCKER_PROVIDER_TYPE]: DOCKER_PROVIDER_INPUTS,
};

/** A path as users write it in ignoreChanges and as messages name the field: `taskSpec.containerSpec.isolation`. */
export function fieldName(path: readonly string[]): string {
    return path.join(".");
}

/** The judged input paths of a resource type (dotted), or none when no policy reads its inputs. */
export function judgedInputPaths(type: string): string[] {
    const paths = BY_TYPE[type];
    if (paths) return [...new Set(Object.values(paths).map(fieldName))];
    const kind = kubernetesWorkloadKind(type);
    return kind === undefined ? [] : kubernetesJudgedPaths(kind).map(fieldName);
}

/** `taskSpec["containerSpec"].labels[0]` as segments; `*` matches any one segment. */
function segments(path: string): string[] {
    return path
        .replace(/\[\s*"([^"]*)"\s*\]/g, ".$1")
        .replace(/\[([^\]]*)\]/g, ".$1")
        .split(".")
        .filter((s) => s !== "");
}

/** Whether ignoring `ignored` ignores (part of) `judged`: one path is a prefix of the other. */
function overlaps(ignored: string, judged: string): boolean {
    const a = segments(ignored);
    const b = segments(judged);
    return a.slice(0, b.length).every((s, i) => s === "*" || s === b[i]);
}

/** The ignoreChanges paths that hide judged inputs, and the judged inputs they hide. */
export function hiddenJudgedInputs(type: string, ignoreChanges: readonly string[]): { readonly ignored: string[]; readonly judged: string[] } {
    const judged = judgedInputPaths(type);
    const ignored = ignoreChanges.filter((p) => judged.some((j) => overlaps(p, j)));
    return { ignored, judged: judged.filter((j) => ignored.some((p) => overlaps(p, j))) };
}
