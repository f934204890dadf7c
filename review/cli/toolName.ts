/** The review tools, and the one way their reports name them: the command that produced them. */
export type ReviewTool = "plan" | "verify";

export function toolName(tool: ReviewTool): string {
    return `windows-isolation ${tool}`;
}
