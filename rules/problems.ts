/**
 * The one result shape of a check: every broken rule, each with the input field it is about.
 * The message is "<field> '<value>' <rule>; <fix>", complete on its own; the field lets a caller
 * place or filter a problem (a pool's `hosts[2].vmSize`) without reading its text.
 * Decisions have their own shape (`DecisionResult`: ok with the decision, or one FieldError).
 */
export interface FieldProblem {
    readonly field: string;
    readonly message: string;
}

/** Problems from a rule that reports plain messages about one field. */
export function onField(field: string, messages: readonly string[]): FieldProblem[] {
    return messages.map((message) => ({ field, message }));
}

/** A problem of one entry of a list argument: `hosts[2].vmSize ...` for `vmSize ...`. */
export function inEntry(list: string, index: number, problem: FieldProblem): FieldProblem {
    return { field: `${list}[${index}].${problem.field}`, message: `${list}[${index}].${problem.message}` };
}

/** The messages, in order: the text users see, joined with "; ". */
export function messagesOf(problems: readonly FieldProblem[]): string[] {
    return problems.map((p) => p.message);
}
