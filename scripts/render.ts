/**
 * Offline render of a stack: runs index.ts under mocks with the stack's real config (no cloud,
 * no credentials, no Pulumi CLI) and writes what `pulumi up` would register to out/<stack>/.
 *
 *   npm run render -- <stack> [<stack> ...] [--project <dir>] [--out <dir>]
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { StackConfigError } from "../stacks/config";
import { ProgramRun, RenderedResource, runProgram } from "../offline/program-run";
import { PROJECT_DIR, projectStacks, readStackConfig } from "../offline/stack-files";
import { summaryMarkdown } from "../offline/stack-summary";
import { wantsHelp } from "./cli";

export interface RenderOptions {
    projectDir?: string;
    /** Parent of the per-stack output directories. */
    outDir?: string;
}

/** Renders one stack and writes its files; returns the run for callers that inspect it. */
export async function renderStack(stack: string, options: RenderOptions = {}): Promise<{ run: ProgramRun; dir: string }> {
    const dir = renderDir(stack, options);
    // A refused stack leaves no output behind: stale files must never look current.
    fs.rmSync(dir, { recursive: true, force: true });
    const run = await runProgram({ stack, projectDir: options.projectDir });
    const files = { ...renderFiles(run), "summary.md": summaryMarkdown(run, readStackConfig(stack, { projectDir: options.projectDir })) };
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
    return { run, dir };
}

export function renderDir(stack: string, options: RenderOptions = {}): string {
    return path.join(options.outDir ?? path.join(PROJECT_DIR, "out"), stack);
}

/** The files of a render, by path relative to out/<stack>/. */
export function renderFiles(run: ProgramRun): Record<string, string> {
    const files: Record<string, string> = {
        "resources.json": `${JSON.stringify(run.resources, null, 2)}\n`,
        "outputs.json": `${JSON.stringify(run.outputs, null, 2)}\n`,
        "options.json": `${JSON.stringify(reviewedOptions(run), null, 2)}\n`,
    };
    for (const [name, object] of manifestFiles(kubernetesObjects(run.resources))) {
        files[`manifests/${name}`] = stringify(object);
    }
    for (const [name, patch] of manifestFiles(kubernetesPatches(run.resources))) {
        files[`manifests/patches/${name}`] = stringify(patch);
    }
    const inputsOf = (type: string): Record<string, unknown>[] =>
        run.resources.filter((r) => r.type === type).map((r) => ({ resource: r.name, ...r.inputs }));
    files["datadog/monitors.json"] = `${JSON.stringify(inputsOf("datadog:index/monitor:Monitor"), null, 2)}\n`;
    files["datadog/dashboards.json"] = `${JSON.stringify(
        inputsOf("datadog:index/dashboardJson:DashboardJson").map(({ resource, dashboard }) => ({
            resource,
            dashboard: JSON.parse(dashboard as string),
        })),
        null,
        2,
    )}\n`;
    files["cloudwatch/alarms.json"] = `${JSON.stringify(inputsOf("aws:cloudwatch/metricAlarm:MetricAlarm"), null, 2)}\n`;
    return files;
}

/** The options a change review needs, by URN: protection and earlier names (aliases). */
export function reviewedOptions(run: ProgramRun): Record<string, { protect: boolean; aliasUrns: string[] }> {
    return Object.fromEntries(
        [...run.options]
            .filter(([, o]) => o.protect || o.aliasUrns.length > 0)
            .map(([urn, o]) => [urn, { protect: o.protect, aliasUrns: o.aliasUrns }]),
    );
}

/**
 * Every Kubernetes object the program declares, as the API server would receive it. Helm
 * releases and YAML files are not objects themselves (their content is fetched at deploy time),
 * nor are patches of objects the program does not own (`kubernetesPatches`).
 */
export function kubernetesObjects(resources: RenderedResource[]): Record<string, any>[] {
    return resources
        .filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith("Patch") && "apiVersion" in r.inputs && "kind" in r.inputs)
        .map((r) => r.inputs);
}

/** Server-side apply patches of objects others created (the fields the program takes over). */
export function kubernetesPatches(resources: RenderedResource[]): Record<string, any>[] {
    return resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith("Patch")).map((r) => r.inputs);
}

/**
 * Each object's file, named by what it is (`<kind>-<namespace>-<name>.yaml`), never by its
 * position, so a change shows in a diff of out/ as the files of the objects it touches. Two
 * objects of one kind, namespace and name (two clusters in one stack) are told apart by a suffix.
 */
export function manifestFiles(objects: Record<string, any>[]): [string, Record<string, any>][] {
    const seen = new Map<string, number>();
    return objects.map((object) => {
        const namespace = object.metadata?.namespace ? `${object.metadata.namespace}-` : "";
        const base = `${String(object.kind).toLowerCase()}-${namespace}${object.metadata?.name ?? "unnamed"}`.replace(
            /[^A-Za-z0-9._-]/g,
            "_",
        );
        const count = (seen.get(base) ?? 0) + 1;
        seen.set(base, count);
        return [`${base}${count > 1 ? `-${count}` : ""}.yaml`, object];
    });
}

/** The resource tree, then a count per type: what a reviewer reads first. */
export function formatTree(run: ProgramRun): string {
    const children = new Map<string | null, RenderedResource[]>();
    for (const r of run.resources) {
        children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
    const lines = [`pulumi:pulumi:Stack eks-platform-${run.stack}`];
    const walk = (parent: string | null, indent: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const marks = run.options.get(r.urn)?.protect ? " (protected)" : "";
            lines.push(`${indent}${last ? "└─" : "├─"} ${r.type} ${r.name}${marks}`);
            walk(r.urn, `${indent}${last ? "   " : "│  "}`);
        });
    };
    walk(null, "");

    const counts = new Map<string, number>();
    run.resources.forEach((r) => counts.set(r.type, (counts.get(r.type) ?? 0) + 1));
    const width = Math.max(...[...counts.values()].map((n) => String(n).length));
    lines.push("", `${run.resources.length} resources by type:`);
    [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .forEach(([type, n]) => lines.push(`  ${String(n).padStart(width)}  ${type}`));
    return lines.join("\n");
}

const USAGE = "usage: npm run render -- <stack> [<stack> ...] | --all [--project <dir>] [--out <dir>]";

function parseArgs(argv: string[]): { stacks: string[]; all: boolean; help: boolean; options: RenderOptions } {
    const stacks: string[] = [];
    const options: RenderOptions = {};
    let all = false;
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--project") {
            options.projectDir = path.resolve(argv[++i]);
        } else if (argv[i] === "--out") {
            options.outDir = path.resolve(argv[++i]);
        } else if (argv[i] === "--all") {
            all = true;
        } else if (wantsHelp([argv[i]])) {
            help = true;
        } else {
            stacks.push(argv[i]);
        }
    }
    return { stacks, all, help, options };
}

async function main(): Promise<void> {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed.help) {
        console.log(`${USAGE}\n\nRenders each stack offline into <out>/<stack>/ (default out/); --all renders every Pulumi.<stack>.yaml.`);
        return;
    }
    const { options } = parsed;
    const stacks = parsed.all ? projectStacks(options.projectDir) : parsed.stacks;
    if (stacks.length === 0) {
        console.error(USAGE);
        process.exit(2);
    }
    // Every stack is rendered, so one run reports every bad stack, not just the first.
    const failed: string[] = [];
    for (const stack of stacks) {
        try {
            const { run, dir } = await renderStack(stack, options);
            console.log(formatTree(run));
            console.log(`\nwrote ${path.relative(process.cwd(), dir) || dir}/\n`);
        } catch (error) {
            const message = error instanceof StackConfigError || error instanceof Error ? error.message : String(error);
            console.error(
                `render of stack "${stack}" failed; removed ${path.relative(process.cwd(), renderDir(stack, options))}/:\n${message}\n`,
            );
            failed.push(stack);
        }
    }
    if (failed.length > 0) {
        console.error(`${failed.length} of ${stacks.length} stacks failed to render: ${failed.join(", ")}`);
        process.exit(1);
    }
    if (stacks.length > 1) {
        console.log(`rendered ${stacks.length} stacks: ${stacks.join(", ")}`);
    }
}

if (require.main === module) {
    void main();
}
