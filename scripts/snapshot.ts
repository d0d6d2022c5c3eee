/**
 * Writes the URN snapshot of each stack (tests/snapshots/<stack>.urns.txt): every URN the render
 * registers, sorted. Run it when a change adds, removes or renames resources on purpose; the
 * snapshot spec fails on any other difference, so a rename that would replace a cluster or a
 * namespace shows up in review.
 *
 *   npm run snapshot [-- <stack> ...]
 */
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../offline/program-run";
import { handledHelp } from "./cli";
import { PROJECT_DIR, projectStacks } from "../offline/stack-files";

export const SNAPSHOT_DIR = path.join(PROJECT_DIR, "tests", "snapshots");

export function snapshotPath(stack: string): string {
    return path.join(SNAPSHOT_DIR, `${stack}.urns.txt`);
}

export function snapshotOf(urns: string[]): string {
    return `${[...urns].sort().join("\n")}\n`;
}

const USAGE =
    "usage: npm run snapshot [-- <stack> ...]\n\nWrites tests/snapshots/<stack>.urns.txt, every URN the stack's render registers, for every stack unless named. Run it when a change adds, removes or renames resources on purpose.";

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    if (handledHelp(args, USAGE)) {
        return;
    }
    // Every stack of the project (one per Pulumi.<stack>.yaml) unless named.
    const stacks = args.length > 0 ? args : projectStacks();
    fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
    for (const stack of stacks) {
        const run = await runProgram({ stack });
        fs.writeFileSync(snapshotPath(stack), snapshotOf(run.resources.map((r) => r.urn)));
        console.log(`wrote ${path.relative(PROJECT_DIR, snapshotPath(stack))} (${run.resources.length} URNs)`);
    }
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
