/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf requests have no TypeScript types */
/**
 * The URNs a registration's `aliases` name, as the engine collapses them (pkg/resource/deploy,
 * step_generator.go: collapseAliasToUrn and generateAliases): an alias given as a URN is taken as
 * is; an alias spec fills what it leaves out from the resource (name, type, parent) and the
 * deployment (stack, project); and a child inherits its parent's aliases (the child under each
 * of its parent's old URNs). `plan --compare` matches a renamed workload to its old row through
 * these.
 */

/** As the plan's monitor (and Pulumi's mocks.js `newUrn`): a child's type is qualified by its parent's. */
export function planUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    if (parent) {
        const qualifiedType = parent.split("::")[2] ?? "";
        type = `${qualifiedType.split("$").pop()}$${type}`;
    }
    return `urn:pulumi:${[stack, project, type, name].join("::")}`;
}

/**
 * A URN as the engine writes it: the plan, as the mock monitor, qualifies a top-level resource's
 * type by the root stack's (`pulumi:pulumi:Stack$docker:...`), the engine does not; a user's
 * alias URN, copied from `pulumi stack --show-urns`, has the engine's form. Compared in this form.
 */
export function canonicalUrn(urn: string): string {
    return urn.replace(/^(urn:pulumi:[^:]*::[^:]*::)pulumi:pulumi:Stack\$/, "$1");
}

export interface AliasContext {
    readonly stack: string;
    readonly project: string;
    /** The root stack resource's URN: an alias with no parent names a top-level resource, whose parent the plan records as the stack. */
    readonly rootUrn: string | undefined;
    /** The alias URNs already collapsed for a registered resource (its parent's). */
    aliasesOf(urn: string): readonly string[];
}

/**
 * The alias URNs of one RegisterResourceRequest (after transforms), without duplicates and without
 * the resource's own URN (a child's URN names its parent's type, not its name: renaming a parent
 * leaves a child of an unchanged name where it was).
 */
export function aliasUrns(aliases: readonly any[], resource: { urn: string; type: string; name: string; parent: string }, ctx: AliasContext): string[] {
    const out = new Set<string>();
    const collapse = (alias: any, parentOverride?: string): string | undefined => {
        // pulumirpc.Alias: a oneof of a URN (case 1) or a spec (case 2).
        if (alias.getAliasCase() === 1) return parentOverride === undefined ? alias.getUrn() : undefined;
        const spec = alias.getSpec();
        if (!spec) return undefined;
        let parent: string = parentOverride ?? (spec.hasParenturn() && spec.getParenturn() ? spec.getParenturn() : resource.parent);
        if (spec.hasNoparent() && spec.getNoparent()) parent = ctx.rootUrn ?? "";
        const stack = spec.getStack() || ctx.stack;
        const project = spec.getProject() || ctx.project;
        return planUrn(stack, project, parent, spec.getType() || resource.type, spec.getName() || resource.name);
    };
    for (const alias of aliases) {
        const urn = collapse(alias);
        if (urn) out.add(urn);
    }
    // The parent's old URNs: the child under each of them, with its own name and with each of its aliases.
    if (resource.parent) {
        for (const parentAlias of ctx.aliasesOf(resource.parent)) {
            out.add(planUrn(ctx.stack, ctx.project, parentAlias, resource.type, resource.name));
            for (const alias of aliases) {
                const urn = collapse(alias, parentAlias);
                if (urn) out.add(urn);
            }
        }
    }
    out.delete(resource.urn);
    return [...out];
}
