/**
 * Renders stacks as a git ref had them: the ref is checked out in a temporary worktree, which
 * reuses this tree's node_modules when the lockfile is the same (else installs its own, without
 * install scripts), and the ref's own render writes each stack into a temporary directory. The
 * worktree is removed afterwards, whatever happened.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { flatStackConfig, RenderSide, ReviewedOptions } from "./change-diff";
import { RenderedResource } from "./program-run";
import { PROJECT_DIR, readStackConfig, stackFilePath } from "./stack-files";

function git(args: string[], cwd = PROJECT_DIR): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The commit a ref names, or an error that says what refs look like. */
export function resolveCommit(ref: string): string {
    try {
        return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        throw new Error(`--base ${ref}: no such commit, branch or tag in this repository (e.g. main, origin/main, HEAD~1, a SHA)`);
    }
}

/** The default base: where this branch left main (origin/main when there is one). */
export function defaultBase(): string {
    for (const main of ["origin/main", "main"]) {
        try {
            return git(["merge-base", "HEAD", main]);
        } catch {
            // try the next
        }
    }
    throw new Error("no main branch to compare with: pass --base <git-ref>");
}

/** An empty side: the stack did not exist at the base, so everything is created. */
export const NOTHING: RenderSide = { resources: [], options: {}, config: {} };

export interface BaseRender {
    readonly commit: string;
    readonly sides: Map<string, RenderSide>;
    /** Stacks the base had but could not render (its config was refused there), with why. */
    readonly failures: Map<string, string>;
}

export function renderAtCommit(commit: string, stacks: readonly string[], log: (line: string) => void = () => undefined): BaseRender {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "eks-platform-base-"));
    const tree = path.join(root, "tree");
    const out = path.join(root, "out");
    try {
        git(["worktree", "add", "--detach", "--quiet", tree, commit]);
        const sameLockfile =
            fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8") === readIfExists(path.join(tree, "package-lock.json"));
        if (sameLockfile) {
            fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(tree, "node_modules"), "dir");
        } else {
            log(`base ${commit.slice(0, 7)}: its lockfile differs, installing its packages (npm ci --ignore-scripts)`);
            execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: tree, stdio: "ignore" });
        }
        const present = stacks.filter((stack) => fs.existsSync(stackFilePath(stack, tree)));
        const failures = new Map<string, string>();
        if (present.length > 0) {
            log(`rendering ${present.join(", ")} at ${commit.slice(0, 7)}`);
            const run = spawnSync(process.execPath, ["-r", "./scripts/register.js", "scripts/render.ts", ...present, "--out", out], {
                cwd: tree,
                encoding: "utf8",
            });
            for (const stack of present.filter((s) => !fs.existsSync(path.join(out, s, "resources.json")))) {
                failures.set(stack, run.stderr.trim() || `the render at ${commit.slice(0, 7)} failed`);
            }
        }
        const sides = new Map<string, RenderSide>();
        for (const stack of stacks) {
            const dir = path.join(out, stack);
            if (!fs.existsSync(path.join(dir, "resources.json"))) {
                sides.set(stack, NOTHING);
                continue;
            }
            sides.set(stack, {
                resources: JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")) as RenderedResource[],
                // Renders from before options.json existed: no protection or aliases known.
                options: JSON.parse(readIfExists(path.join(dir, "options.json")) ?? "{}") as Record<string, ReviewedOptions>,
                config: flatStackConfig(readStackConfig(stack, { projectDir: tree })),
            });
        }
        return { commit, sides, failures };
    } finally {
        try {
            git(["worktree", "remove", "--force", tree]);
        } catch {
            // never added, or already gone
        }
        fs.rmSync(root, { recursive: true, force: true });
    }
}

function readIfExists(file: string): string | undefined {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}
