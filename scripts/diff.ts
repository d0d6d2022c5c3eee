/**
 * `npm run diff`: what a change does to each stack (the stack rendered at a git ref against the
 * working tree; offline/change-diff.ts), or, with --stages, what differs between two stacks.
 *
 * The stage diff: config values first, then resource inputs grouped by top-level component.
 * Names that only carry the stack (eks-platform-prd, env:prd, Stage: prd) read <stage>, so it
 * shows what really differs (zones, sizes, thresholds). Secrets are masked in both renders.
 *
 *   npm run diff -- prd                   # prd at the merge base with main -> working tree
 *   npm run diff -- --all --base HEAD~1
 *   npm run diff -- dev prd --stages
 */
import { RawStackConfig } from "../stacks/config";
import { ProgramRun, RenderedResource, runProgram, SECRET_MASK } from "../offline/program-run";
import * as fs from "fs";
import { defaultBase, renderAtCommit, resolveCommit } from "../offline/base-render";
import { exitStatus, flatStackConfig, RenderSide, StackChange, stackChange } from "../offline/change-diff";
import { projectStacks, readStackConfig } from "../offline/stack-files";
import { formatStackChange, markdownReport, summaryLine } from "./change-report";
import { estimateCost, roundUsd, usdRange } from "../offline/cost";
import { reviewedOptions } from "./render";
import { Change, diffFlat, Flat, flatten } from "../offline/flat";
import { handledHelp } from "./cli";

export { Change, diffFlat, Flat, flatten };

/** Names that only carry the stack (eks-platform-prd, env:prd, a tag value "prd") read <stage>. */
function normalise(text: string, stack: string): string {
    return text
        .replace(new RegExp(`urn:pulumi:${stack}::`, "g"), "urn:pulumi:<stage>::")
        .replace(new RegExp(`eks-platform-${stack}\\b`, "g"), "eks-platform-<stage>")
        .replace(new RegExp(`\\benv:${stack}\\b`, "g"), "env:<stage>")
        .replace(new RegExp(`^"${stack}"$`), '"<stage>"');
}

function normaliseFlat(flat: Flat, stack: string): Flat {
    return Object.fromEntries(Object.entries(flat).map(([path, value]) => [normalise(path, stack), normalise(value, stack)]));
}

function flatConfig(raw: RawStackConfig, stack: string): Flat {
    const flat = flatStackConfig(raw);
    // Two stacks' secrets differ anyway: the stage diff says only that one is set.
    for (const key of raw.secretKeys) {
        if (key in flat) {
            flat[key] = JSON.stringify(SECRET_MASK);
        }
    }
    return normaliseFlat(flat, stack);
}

export interface ComponentDiff {
    /** `type name` of the top-level component (or resource). */
    readonly component: string;
    readonly onlyIn: { a: string[]; b: string[] };
    readonly changed: { resource: string; changes: Change[] }[];
}

export interface StageDiff {
    readonly a: string;
    readonly b: string;
    readonly config: Change[];
    readonly components: ComponentDiff[];
}

function keyOf(r: RenderedResource): string {
    return r.urn.replace(/^urn:pulumi:[^:]+::/, "");
}

function topLevel(run: ProgramRun): Map<string, string> {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const label = new Map<string, string>();
    for (const r of run.resources) {
        let root = r;
        while (root.parent && byUrn.has(root.parent)) {
            root = byUrn.get(root.parent)!;
        }
        label.set(keyOf(r), `${root.type} ${root.name}`);
    }
    return label;
}

export function stageDiff(runA: ProgramRun, runB: ProgramRun, rawA: RawStackConfig, rawB: RawStackConfig): StageDiff {
    const config = diffFlat(flatConfig(rawA, runA.stack), flatConfig(rawB, runB.stack));
    const resourcesA = new Map(runA.resources.map((r) => [keyOf(r), r]));
    const resourcesB = new Map(runB.resources.map((r) => [keyOf(r), r]));
    const components = new Map([...topLevel(runA), ...topLevel(runB)]);
    const diffs = new Map<string, ComponentDiff>();
    const entry = (key: string) => {
        const component = components.get(key)!;
        if (!diffs.has(component)) {
            diffs.set(component, { component, onlyIn: { a: [], b: [] }, changed: [] });
        }
        return diffs.get(component)!;
    };
    const describe = (r: RenderedResource) => `${r.type} ${r.name}`;
    for (const key of [...new Set([...resourcesA.keys(), ...resourcesB.keys()])]) {
        const a = resourcesA.get(key);
        const b = resourcesB.get(key);
        if (a && !b) {
            entry(key).onlyIn.a.push(describe(a));
        } else if (b && !a) {
            entry(key).onlyIn.b.push(describe(b));
        } else if (a && b) {
            const changes = diffFlat(normaliseFlat(flatten(a.inputs), runA.stack), normaliseFlat(flatten(b.inputs), runB.stack));
            if (changes.length > 0) {
                entry(key).changed.push({ resource: describe(a), changes });
            }
        }
    }
    return { a: runA.stack, b: runB.stack, config, components: [...diffs.values()] };
}

function formatChange(change: Change): string {
    return `      ${change.path}: ${change.a ?? "(unset)"} -> ${change.b ?? "(unset)"}`;
}

export function formatStageDiff(diff: StageDiff): string {
    const lines = [`${diff.a} -> ${diff.b} (names that only carry the stack read <stage>; secrets masked)`, "", "== config"];
    lines.push(...(diff.config.length > 0 ? diff.config.map(formatChange) : ["      (no difference)"]));
    for (const component of diff.components) {
        lines.push("", `== ${component.component}`);
        component.onlyIn.a.forEach((r) => lines.push(`  - ${r}   (only in ${diff.a})`));
        component.onlyIn.b.forEach((r) => lines.push(`  + ${r}   (only in ${diff.b})`));
        for (const { resource, changes } of component.changed) {
            lines.push(`  ~ ${resource}`, ...changes.map(formatChange));
        }
    }
    return lines.join("\n");
}

const USAGE = `usage: npm run diff -- <stack> [<stack> ...] [--base <git-ref>] [--markdown <file>]
       npm run diff -- --all [--base <git-ref>] [--markdown <file>]
       npm run diff -- <stack> <stack> --stages

What a change does to each stack: the stack rendered at --base (default: the merge base with
main) against the working tree; created, deleted, replaced and updated resources, each update
with its changed inputs (secrets masked). --markdown also writes the review as markdown (the
pull-request comment). Exit status: 0 no changes, 2 changes, 3 dangerous changes (a protected
resource replaced or deleted), 1 an error.

With --stages: what differs between two stacks, config first, then resource inputs by
component; names that only carry the stack read <stage>.`;

/** What the change does to the stack's monthly list-price cost. */
export function costDelta(before: RenderSide, after: RenderSide): string {
    const [a, b] = [before, after].map((side) => estimateCost(side.resources, side.config).total);
    const delta = { low: roundUsd(b.low - a.low), high: roundUsd(b.high - a.high) };
    const signed = (usd: number) => `${usd >= 0 ? "+" : "-"}$${Math.abs(usd).toFixed(2)}`;
    const change = delta.low === delta.high ? signed(delta.low) : `${signed(delta.low)} to ${signed(delta.high)}`;
    return `cost per month at list prices: ${usdRange(a)} -> ${usdRange(b)} (${change}; npm run cost for the lines)`;
}

/** The working tree's side of a change: rendered in this process. */
async function renderHead(stack: string): Promise<RenderSide> {
    const run = await runProgram({ stack });
    return { resources: run.resources, options: reviewedOptions(run), config: flatStackConfig(readStackConfig(stack)) };
}

export interface DiffArgs {
    stacks: string[];
    all: boolean;
    base?: string;
    markdown?: string;
    stages: boolean;
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
    const args: DiffArgs = { stacks: [], all: false, stages: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--base" || arg === "--markdown") {
            const value = argv[++i];
            if (!value || value.startsWith("--")) {
                throw new Error(`${arg} needs a value`);
            }
            args[arg === "--base" ? "base" : "markdown"] = value;
        } else if (arg === "--all") {
            args.all = true;
        } else if (arg === "--stages") {
            args.stages = true;
        } else if (arg.startsWith("--")) {
            throw new Error(`unknown option ${arg}\n\n${USAGE}`);
        } else {
            args.stacks.push(arg);
        }
    }
    return args;
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (handledHelp(argv, USAGE)) {
        return;
    }
    const args = parseDiffArgs(argv);
    if (args.stages) {
        const [a, b] = args.stacks;
        if (!a || !b || args.stacks.length > 2) {
            throw new Error(USAGE);
        }
        console.log(
            formatStageDiff(
                stageDiff(await runProgram({ stack: a }), await runProgram({ stack: b }), readStackConfig(a), readStackConfig(b)),
            ),
        );
        return;
    }
    const stacks = args.all ? projectStacks() : args.stacks;
    if (stacks.length === 0) {
        throw new Error(USAGE);
    }
    stacks.forEach((stack) => readStackConfig(stack)); // an unknown stack is told the nearest one before any render
    const commit = resolveCommit(args.base ?? defaultBase());
    const base = renderAtCommit(commit, stacks, (line) => console.error(line));
    const diffs: StackChange[] = [];
    const costs = new Map<string, string>();
    for (const stack of stacks) {
        console.error(`rendering ${stack} in the working tree`);
        const before = base.sides.get(stack)!;
        const after = await renderHead(stack);
        const diff = stackChange(stack, before, after);
        diffs.push(diff);
        costs.set(stack, costDelta(before, after));
        const failure = base.failures.get(stack);
        const note = failure ? `(the base could not render ${stack}; everything shows as created)\n` : "";
        console.log(`${note}${formatStackChange(diff, commit.slice(0, 7))}\n  ${costs.get(stack)}\n`);
    }
    if (args.markdown) {
        fs.writeFileSync(args.markdown, `${markdownReport(diffs, commit, (d) => [costs.get(d.stack)!, ""])}\n`);
    }
    console.log(diffs.map(summaryLine).join("\n"));
    process.exitCode = exitStatus(diffs);
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
