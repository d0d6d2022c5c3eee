/**
 * What the workflows need to know of each stack, read from its validated config so the stack
 * file is the one place it is set: the self-hosted runners that run Pulumi for it, the roles to
 * assume and the region. Prints one JSON line, for a GitHub Actions job output:
 *
 *   npm run --silent ci-settings        # {"dev":{"runnerLabels":[...],"region":"eu-west-1",...},...}
 */
import * as fs from "fs";
import { parseStackConfig } from "../stacks/config";
import { PROJECT_DIR, readStackConfig } from "../tests/support/stack-files";

export interface CiSettings {
    readonly runnerLabels: string[];
    readonly region: string;
    readonly deployRoleArn: string;
    readonly previewRoleArn?: string;
}

/** The project's stacks: one per Pulumi.<stack>.yaml. */
export function projectStacks(projectDir = PROJECT_DIR): string[] {
    return fs.readdirSync(projectDir).map((file) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(file)?.[1]).filter((s): s is string => !!s).sort();
}

export function ciSettings(projectDir = PROJECT_DIR): Record<string, CiSettings> {
    return Object.fromEntries(projectStacks(projectDir).map((stack) => {
        const config = parseStackConfig(stack, readStackConfig(stack, { projectDir }));
        const { runnerLabels, deployRoleArn, previewRoleArn } = config.ci;
        return [stack, { runnerLabels, region: config.region, deployRoleArn, ...(previewRoleArn ? { previewRoleArn } : {}) }];
    }));
}

if (require.main === module) {
    console.log(JSON.stringify(ciSettings()));
}
