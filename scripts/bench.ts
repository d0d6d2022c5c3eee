/**
 * Render benchmark: the wall time of `npm run render -- <stack>` per stack (median of several
 * runs in fresh processes, after the first, which fills the transpile cache) against a floor: a
 * node process that only loads the Pulumi SDK modules the render uses (recorded from a real
 * render, so the floor loads exactly that SDK code).
 *
 *   npm run bench [-- --runs 5]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectStacks } from "../offline/stack-files";
import { handledHelp } from "./cli";

const ROOT = path.resolve(__dirname, "..");
// Every stack of the project: one per Pulumi.<stack>.yaml.
const STACKS = projectStacks();
/** The render may take at most this many times the floor. */
export const BUDGET_RATIO = 2;

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timed(args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
    }
    return seconds;
}

/** The @pulumi module files a render of `stack` loads. */
function pulumiModulesLoadedBy(stack: string, outDir: string): string[] {
    const script = `
        require("./scripts/register.js");
        require("./scripts/render").renderStack(${JSON.stringify(stack)}, { outDir: ${JSON.stringify(outDir)} }).then(() => {
            const loaded = Object.keys(require.cache).filter((f) => f.includes("/node_modules/@pulumi/"));
            process.stdout.write(JSON.stringify(loaded));
        });`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`recording the render's modules failed:\n${result.stderr}`);
    }
    return JSON.parse(result.stdout);
}

function main(): void {
    if (
        handledHelp(
            process.argv.slice(2),
            "usage: npm run bench [-- --runs 5]\n\nThe render's wall time per stack against a floor (loading the Pulumi SDK modules it uses); fails above 2x.",
        )
    ) {
        return;
    }
    const runsFlag = process.argv.indexOf("--runs");
    const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    try {
        const modules = pulumiModulesLoadedBy("prd", outDir);
        const floorScript = `for (const f of ${JSON.stringify(modules)}) require(f);`;
        const floor = median(Array.from({ length: runs }, () => timed(["-e", floorScript])));
        console.log(`floor: load the ${modules.length} Pulumi SDK modules the render uses: ${floor.toFixed(2)} s (median of ${runs})`);
        let worst = 0;
        for (const stack of STACKS) {
            const render = median(
                Array.from({ length: runs }, () => timed(["-r", "./scripts/register.js", "scripts/render.ts", stack, "--out", outDir])),
            );
            const ratio = render / floor;
            worst = Math.max(worst, ratio);
            console.log(`render ${stack}: ${render.toFixed(2)} s (median of ${runs}), ${ratio.toFixed(2)}x the floor`);
        }
        console.log(worst <= BUDGET_RATIO ? `within the ${BUDGET_RATIO}x budget` : `OVER the ${BUDGET_RATIO}x budget`);
        process.exitCode = worst <= BUDGET_RATIO ? 0 : 1;
    } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main();
}
