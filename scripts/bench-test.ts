/**
 * Benchmark of `npm test`: its wall time over several runs in a row (the first fills the type
 * check's incremental cache and the transpile cache, as a developer's first run does), the median
 * against a budget of 20 s on the project's 2-core machine.
 *
 *   npm run bench:test [-- --runs 5]
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { median } from "./bench";
import { handledHelp } from "./cli";

const ROOT = path.resolve(__dirname, "..");
/** The most `npm test` may take, median, so it can run on every save. */
export const BUDGET_SECONDS = 20;

function timedTest(): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["scripts/test.js"], { cwd: ROOT, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`npm test failed:\n${result.stdout.split("\n").slice(-20).join("\n")}`);
    }
    return seconds;
}

function main(): void {
    if (
        handledHelp(
            process.argv.slice(2),
            `usage: npm run bench:test [-- --runs 5]\n\nnpm test's wall time over several runs, its median against the ${BUDGET_SECONDS} s budget.`,
        )
    ) {
        return;
    }
    const flag = process.argv.indexOf("--runs");
    const runs = flag >= 0 ? Number(process.argv[flag + 1]) : 5;
    const times = Array.from({ length: runs }, (_, i) => {
        const seconds = timedTest();
        console.log(`run ${i + 1}: ${seconds.toFixed(1)} s`);
        return seconds;
    });
    const middle = median(times);
    console.log(
        `npm test: ${middle.toFixed(1)} s median of ${runs} (${BUDGET_SECONDS} s budget): ${middle <= BUDGET_SECONDS ? "within" : "OVER"} budget`,
    );
    process.exitCode = middle <= BUDGET_SECONDS ? 0 : 1;
}

if (require.main === module) {
    main();
}
