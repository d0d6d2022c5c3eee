/**
 * Rules across the project's stacks, which no single stack's config can see: each is checked
 * over every Pulumi.<stack>.yaml by the specs' root hook and by `npm run ci-settings`, so CI stops
 * before any stack is previewed or deployed.
 */
import { STAGES, Stage } from "../schema/stage";
import { PROJECT } from "../schema/stage";

export interface StackSummary {
    readonly stack: string;
    readonly stage: Stage;
    readonly kubernetesVersion: string;
}

/** What the rules across stacks need of a stack's validated config. */
/** A stack's stage and the newest minor it runs (in either slot during a blue/green upgrade). */
export function stackSummary(config: {
    stack: string;
    stage: Stage;
    slots: readonly { cluster: { kubernetesVersion: string } }[];
}): StackSummary {
    const versions = config.slots.map((s) => s.cluster.kubernetesVersion).sort((a, b) => minorNumber(a) - minorNumber(b));
    return { stack: config.stack, stage: config.stage, kubernetesVersion: versions[versions.length - 1] };
}

function minorNumber(version: string): number {
    return Number(version.split(".")[1]);
}

/**
 * A stage never runs a Kubernetes minor newer than every stack of the stage before it: stg
 * rehearses what prd gets, dev what stg gets. A stage with no stacks imposes nothing.
 */
export function upgradeOrderProblems(stacks: readonly StackSummary[]): string[] {
    const problems: string[] = [];
    for (const [i, stage] of STAGES.entries()) {
        const before = STAGES[i - 1];
        const rehearsed = stacks.filter((s) => s.stage === before);
        if (!before || rehearsed.length === 0) {
            continue;
        }
        const newest = Math.max(...rehearsed.map((s) => minorNumber(s.kubernetesVersion)));
        for (const s of stacks.filter((x) => x.stage === stage && minorNumber(x.kubernetesVersion) > newest)) {
            const where = rehearsed.map((r) => `${r.stack} ${r.kubernetesVersion}`).join(", ");
            problems.push(
                `[${s.stack}] ${PROJECT}:cluster.kubernetesVersion = "${s.kubernetesVersion}": expected a minor no newer than the ${before} stacks run (${where}): a ${stage} stack upgrades after a ${before} stack has run the minor`,
            );
        }
    }
    return problems;
}
