/**
 * Root hook: every committed stack file is read and validated once, before any spec runs. A typo
 * in one stack file then fails the run once, with the config message, instead of failing every
 * spec that renders that stack.
 */
import { projectStacks } from "../../scripts/ci-settings";
import { parseStackConfig } from "../../stacks/config";
import { PROJECT_DIR, readStackConfig } from "./stack-files";

/** Each committed stack's problem, as its loader words it; empty when every stack is valid. */
export function committedStackProblems(projectDir = PROJECT_DIR): string[] {
    return projectStacks(projectDir).flatMap((stack) => {
        try {
            parseStackConfig(stack, readStackConfig(stack, { projectDir }));
            return [];
        } catch (error) {
            return [error instanceof Error ? error.message : String(error)];
        }
    });
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
