/**
 * Stage diff: what differs between two stacks, config values first, then resource inputs grouped
 * by top-level component. Names that only carry the stack (eks-platform-prd, env:prd, Stage: prd)
 * read <stage>, so the diff shows what really differs (zones, sizes, thresholds). Secrets are
 * masked in both renders, so they never show.
 *
 *   npm run diff -- dev prd
 */
import { RawStackConfig } from "../stacks/config";
import { ProgramRun, RenderedResource, runProgram, SECRET_MASK } from "../offline/program-run";
import { readStackConfig } from "../offline/stack-files";
import { handledHelp } from "./cli";

export type Flat = Record<string, string>;

/** Paths to JSON leaves; arrays of plain values stay one leaf, so a list reads as a list. */
export function flatten(value: unknown, prefix = "", out: Flat = {}): Flat {
    const plainArray = Array.isArray(value) && value.every((v) => v === null || typeof v !== "object");
    if (value !== null && typeof value === "object" && !plainArray && Object.keys(value).length > 0) {
        for (const [key, child] of Object.entries(value)) {
            flatten(child, prefix ? `${prefix}.${key}` : key, out);
        }
    } else {
        out[prefix] = JSON.stringify(value);
    }
    return out;
}

export interface Change {
    readonly path: string;
    readonly a?: string;
    readonly b?: string;
}

export function diffFlat(a: Flat, b: Flat): Change[] {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((path) => a[path] !== b[path])
        .map((path) => ({ path, a: a[path], b: b[path] }));
}

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
    const flat: Flat = {};
    for (const [key, text] of Object.entries(raw.values)) {
        if (text === undefined) {
            continue;
        }
        if (raw.secretKeys.has(key)) {
            flat[key] = JSON.stringify(SECRET_MASK);
            continue;
        }
        let value: unknown = text;
        try {
            value = JSON.parse(text);
        } catch {
            // a plain string value
        }
        Object.assign(flat, flatten(value, key));
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

const USAGE =
    "usage: npm run diff -- <stack> <stack>   (e.g. npm run diff -- dev prd)\n\nWhat differs between two stacks: config first, then resource inputs by component; names that only carry the stack read <stage>.";

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    if (handledHelp(args, USAGE)) {
        return;
    }
    const [a, b] = args;
    if (!a || !b || args.length > 2) {
        console.error(USAGE);
        process.exit(2);
    }
    const runA = await runProgram({ stack: a });
    const runB = await runProgram({ stack: b });
    console.log(formatStageDiff(stageDiff(runA, runB, readStackConfig(a), readStackConfig(b))));
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
