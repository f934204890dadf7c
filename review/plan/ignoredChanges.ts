/**
 * `ignoreChanges` on what the policies judge. The engine copies an ignored property from the
 * deployed state into the new inputs, so on a stack that already runs the workload the
 * program's isolation, trust labels, image, host access or engine endpoint never reach the
 * engine: a service deployed process-isolated stays so while the program (and the plan, which
 * has no state) says hyperv. The plan cannot judge that, so it refuses the program by resource
 * and path. The judged paths are the policies' own (rules/policies/judgedInputs.ts), not a list
 * of this file's.
 */
import { hiddenJudgedInputs } from "../../rules";

/** The refusal for a resource whose ignoreChanges hides a judged input, or undefined. */
export function ignoredJudgedChanges(type: string, name: string, ignoreChanges: readonly string[]): string | undefined {
    const { ignored, judged } = hiddenJudgedInputs(type, ignoreChanges);
    if (ignored.length === 0) return undefined;
    return `${type} '${name}' has ignoreChanges [${ignored.join(", ")}]: on a stack that already runs it, the engine keeps the deployed ${judged.join(", ")} whatever the program says, and the plan has no state to see them; remove these paths from ignoreChanges, or judge this program with \`pulumi preview --policy-pack policy\``;
}
