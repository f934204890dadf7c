/**
 * `ignoreChanges` on what the policies judge. The engine copies an ignored property from the
 * deployed state into the new inputs, so on a stack that already runs the workload the
 * program's isolation, trust labels or image never reach the engine: a service deployed
 * process-isolated stays so while the program (and the plan, which has no state) says hyperv.
 * The plan cannot judge that, so it refuses the program by resource and path.
 */
import { DOCKER_CONTAINER_TYPE, DOCKER_REGISTRY_IMAGE_TYPE, DOCKER_REMOTE_IMAGE_TYPE, DOCKER_SERVICE_TYPE } from "../../policy/types";

/** The input paths each policy-judged docker type is judged by. */
const JUDGED: Record<string, readonly string[]> = {
    [DOCKER_SERVICE_TYPE]: ["labels", "taskSpec.containerSpec.isolation", "taskSpec.containerSpec.labels", "taskSpec.containerSpec.image"],
    [DOCKER_CONTAINER_TYPE]: ["labels", "image"],
    [DOCKER_REMOTE_IMAGE_TYPE]: ["name", "build.isolation", "build.labels", "build.label"],
    [DOCKER_REGISTRY_IMAGE_TYPE]: ["build.isolation", "build.labels", "build.label"],
};

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

/** The refusal for a resource whose ignoreChanges hides a judged input, or undefined. */
export function ignoredJudgedChanges(type: string, name: string, ignoreChanges: readonly string[]): string | undefined {
    const judged = JUDGED[type];
    if (!judged) return undefined;
    const hidden = ignoreChanges.filter((p) => judged.some((j) => overlaps(p, j)));
    if (hidden.length === 0) return undefined;
    return `${type} '${name}' has ignoreChanges [${hidden.join(", ")}]: on a stack that already runs it, the engine keeps the deployed ${judged.filter((j) => hidden.some((p) => overlaps(p, j))).join(", ")} whatever the program says, and the plan has no state to see them; remove these paths from ignoreChanges, or judge this program with \`pulumi preview --policy-pack policy\``;
}
