/**
 * Root hook: every committed stack file is read and validated once, before any spec runs. A typo
 * in one stack file then fails the run once, with the config message, instead of failing every
 * spec that renders that stack.
 */
import { projectStacks } from "../../scripts/ci-settings";
import { pinToday } from "../../stacks/clock";
import { parseStackConfig } from "../../stacks/config";
import { StackSummary, stackSummary, upgradeOrderProblems } from "../../stacks/checks/project";
import { PROJECT_DIR, readStackConfig } from "../../offline/stack-files";

/**
 * The day every spec runs on: the day stacks/kubernetes-versions.ts was last checked, so no spec
 * depends on the date the suite runs.
 */
export const SPEC_DAY = new Date("2026-11-26T12:00:00Z");

/**
 * Each committed stack's problem, as its loader words it, then the rules across stacks; empty
 * when all hold. Judged on the real date (`day`): a stack leaving standard support is a finding.
 */
export function committedStackProblems(projectDir = PROJECT_DIR, day = new Date()): string[] {
    const summaries: StackSummary[] = [];
    const problems = projectStacks(projectDir).flatMap((stack) => {
        try {
            const config = parseStackConfig(stack, readStackConfig(stack, { projectDir }), { today: day });
            summaries.push(stackSummary(config));
            return [];
        } catch (error) {
            return [error instanceof Error ? error.message : String(error)];
        }
    });
    return [...problems, ...upgradeOrderProblems(summaries)];
}

/** Why a support-window problem stops the suite, and what to do: said once, with the problems. */
const SUPPORT_WINDOW_NOTE =
    "The committed stacks are checked on today's date on purpose: a Kubernetes minor leaving EKS standard support " +
    "is billed about six times the cluster-hour price. Upgrade that stack's cluster.kubernetesVersion one minor (docs/upgrades.md), " +
    "or set cluster.upgradePolicy: EXTENDED to pay for it on purpose. The specs themselves run on a pinned day.";

/** The message that stops the suite: the problems, and why when the date is the cause. */
export function committedStacksReport(problems: readonly string[]): string {
    const note = problems.some((p) => /standard support|extended support/.test(p)) ? `\n\n${SUPPORT_WINDOW_NOTE}` : "";
    return `committed stack files are invalid; no spec ran:\n\n${problems.join("\n\n")}${note}`;
}

export const mochaHooks = {
    beforeAll(): void {
        const problems = committedStackProblems();
        // Every spec after this runs on the pinned day.
        pinToday(SPEC_DAY);
        if (problems.length > 0) {
            const error = new Error(committedStacksReport(problems));
            error.stack = error.message;
            throw error;
        }
    },
};
