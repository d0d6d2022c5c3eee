/**
 * Root hook: every committed stack file is read and validated once, before any spec runs. A typo
 * in one stack file then fails the run once, with the config message, instead of failing every
 * spec that renders that stack.
 */
import { projectStacks } from "../../scripts/ci-settings";
import { parseStackConfig } from "../../stacks/config";
import { StackSummary, upgradeOrderProblems } from "../../stacks/checks/project";
import { PROJECT_DIR, readStackConfig } from "../../offline/stack-files";

/** Each committed stack's problem, as its loader words it, then the rules across stacks; empty when all hold. */
export function committedStackProblems(projectDir = PROJECT_DIR): string[] {
    const summaries: StackSummary[] = [];
    const problems = projectStacks(projectDir).flatMap((stack) => {
        try {
            const config = parseStackConfig(stack, readStackConfig(stack, { projectDir }));
            summaries.push({ stack, stage: config.stage, kubernetesVersion: config.cluster.kubernetesVersion });
            return [];
        } catch (error) {
            return [error instanceof Error ? error.message : String(error)];
        }
    });
    return [...problems, ...upgradeOrderProblems(summaries)];
}

export const mochaHooks = {
    beforeAll(): void {
        const problems = committedStackProblems();
        if (problems.length > 0) {
            const error = new Error(`committed stack files are invalid; no spec ran:\n\n${problems.join("\n\n")}`);
            error.stack = error.message;
            throw error;
        }
    },
};
