/**
 * What the workflows need to know of each stack, read from its validated config so the stack
 * file is the one place it is set: the stage, the self-hosted runners that run Pulumi for it,
 * the roles to assume, the GitHub environments and the region. The stacks are the project's
 * Pulumi.<stack>.yaml files. Prints one JSON line, for a GitHub Actions job output:
 *
 *   npm run --silent ci-settings                  # {"dev":{"stage":"dev","runnerLabels":[...],...},...}
 *   npm run --silent ci-settings -- --stacks      # ["dev","prd","stg"]: every stack
 *   npm run --silent ci-settings -- --stage stg   # the stacks of one stage, deployed together
 */
import { parseStackConfig, Stage, STAGES } from "../stacks/config";
import { stackSummary, upgradeOrderProblems } from "../stacks/checks/project";
import { wantsHelp } from "./cli";
import { ciEnvironments } from "../stacks/schema/ci";
import { PROJECT_DIR, projectStacks, readStackConfig } from "../offline/stack-files";

export interface CiSettings {
    readonly stage: Stage;
    readonly runnerLabels: string[];
    readonly region: string;
    readonly deployRoleArn: string;
    readonly previewRoleArn?: string;
    /** The GitHub environment of `pulumi up` (its OIDC subject is what the deploy role trusts). */
    readonly deployEnvironment: string;
    /** The GitHub environment of the pull-request preview. */
    readonly previewEnvironment: string;
}

export { projectStacks };

export function ciSettings(projectDir = PROJECT_DIR): Record<string, CiSettings> {
    const configs = projectStacks(projectDir).map((stack) => parseStackConfig(stack, readStackConfig(stack, { projectDir })));
    const ordering = upgradeOrderProblems(configs.map(stackSummary));
    if (ordering.length > 0) {
        throw new Error(`ci-settings: the stacks disagree:\n${ordering.join("\n")}`);
    }
    return Object.fromEntries(
        configs.map((config) => {
            const stack = config.stack;
            const { runnerLabels, deployRoleArn, previewRoleArn } = config.ci;
            const environments = ciEnvironments(stack, config.ci);
            return [
                stack,
                {
                    stage: config.stage,
                    runnerLabels,
                    region: config.region,
                    deployRoleArn,
                    ...(previewRoleArn ? { previewRoleArn } : {}),
                    deployEnvironment: environments.deploy,
                    previewEnvironment: environments.preview,
                },
            ];
        }),
    );
}

/** The stacks of a stage, in name order. */
export function stacksOfStage(settings: Record<string, CiSettings>, stage: Stage): string[] {
    return Object.keys(settings).filter((stack) => settings[stack].stage === stage);
}

const USAGE = `usage: npm run --silent ci-settings [-- --stacks | --stage <${STAGES.join("|")}>]\n\nPrints, as one JSON line, what the workflows need of each stack (stage, runners, roles, environments, region), or the stack names.`;

export function ciSettingsCli(args: string[], projectDir = PROJECT_DIR): string {
    if (wantsHelp(args)) {
        return USAGE;
    }
    const settings = ciSettings(projectDir);
    if (args[0] === "--stacks" && args.length === 1) {
        return JSON.stringify(Object.keys(settings));
    }
    if (args[0] === "--stage" && args.length === 2) {
        if (!(STAGES as readonly string[]).includes(args[1])) {
            throw new Error(`ci-settings: unknown stage "${args[1]}": expected one of ${STAGES.join(", ")}`);
        }
        return JSON.stringify(stacksOfStage(settings, args[1] as Stage));
    }
    if (args.length > 0) {
        throw new Error(`ci-settings: unknown arguments "${args.join(" ")}": expected none, --stacks, or --stage <${STAGES.join("|")}>`);
    }
    return JSON.stringify(settings);
}

if (require.main === module) {
    try {
        console.log(ciSettingsCli(process.argv.slice(2)));
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(2);
    }
}
