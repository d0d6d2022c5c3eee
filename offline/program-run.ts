/**
 * Runs the real program (index.ts) under Pulumi mocks with a stack's real config and records
 * every resource it registers: type, name, parent, dependencies and inputs, with secrets masked.
 * The specs assert on the result; scripts/render.ts writes it to out/<stack>/.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../stacks/config";
import { PlatformMocks } from "./mocks";
import { PROJECT_DIR, readStackConfig, StackFileOptions } from "./stack-files";

/** Shown instead of any secret value. */
export const SECRET_MASK = "[secret]";

export interface RenderedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent resource; null for resources directly under the stack. */
    readonly parent: string | null;
    /** URNs of the resources this one waits for: the sources of its input Outputs, its explicit dependsOn and its provider. */
    readonly dependencies: string[];
    readonly inputs: Record<string, unknown>;
}

/** Resource options a reviewer cares about, by URN (not part of resources.json). */
export interface RenderedOptions {
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    /** URNs this resource had under earlier names (`aliases`): the engine moves them instead of replacing. */
    readonly aliasUrns: string[];
    /** URNs named in `dependsOn` only. */
    readonly dependsOn: string[];
}

export interface ProgramRun {
    readonly stack: string;
    readonly resources: RenderedResource[];
    readonly options: ReadonlyMap<string, RenderedOptions>;
    /** Stack outputs, secrets masked. */
    readonly outputs: Record<string, unknown>;
}

export interface RunOptions extends StackFileOptions {
    stack: string;
    /** The program to run instead of index.ts (for specs that build components directly). */
    program?: () => Promise<Record<string, unknown>>;
}

interface Registration {
    readonly resource: pulumi.Resource;
    readonly type: string;
    readonly name: string;
    readonly parent?: pulumi.Resource;
    readonly props: Record<string, unknown>;
    readonly opts: pulumi.ResourceOptions;
}

// The program is a function (`export = async () => ...`), so one process can run it per stack.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = require("../index") as () => Promise<Record<string, unknown>>;

const cache = new Map<string, Promise<ProgramRun>>();

/** The run of a committed stack file as it is, shared by every spec that only reads it. */
export function stackRun(stack: string): Promise<ProgramRun> {
    if (!cache.has(stack)) {
        cache.set(stack, runProgram({ stack }));
    }
    return cache.get(stack)!;
}

// Runs cannot overlap: the Pulumi runtime's settings and config are process-wide.
let queue: Promise<unknown> = Promise.resolve();

export function runProgram(options: RunOptions): Promise<ProgramRun> {
    const run = queue.then(() => runExclusively(options));
    queue = run.catch(() => undefined);
    return run;
}

async function runExclusively(options: RunOptions): Promise<ProgramRun> {
    const raw = readStackConfig(options.stack, options);
    await pulumi.runtime.setMocks(new PlatformMocks(), PROJECT, options.stack, false);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(raw.values).filter(([, v]) => v !== undefined)) as Record<string, string>,
        [...raw.secretKeys],
    );

    const registrations: Registration[] = [];
    // Kept as the program returned them: the stack's resolved outputs no longer say what is secret.
    let outputs: Record<string, unknown> = {};
    // The SDK captures a stack trace for every promise it makes (for leak reports); under ts-node's
    // source maps that is most of a run's time. Program errors keep their messages; set
    // PROGRAM_STACK_TRACES=1 to see where they came from.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.PROGRAM_STACK_TRACES) {
        Error.stackTraceLimit = 0;
    }
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                // A resource reference read back from the engine is rebuilt with its URN: not a new resource.
                if (args.opts.urn) {
                    return undefined;
                }
                registrations.push({
                    resource: args.resource,
                    type: args.type,
                    name: args.name,
                    parent: args.opts.parent,
                    props: args.props,
                    opts: args.opts,
                });
                return undefined;
            });
            outputs = await (options.program ?? program)();
            return outputs;
        });
    } catch (error) {
        // Lets specs check that a rejected config stopped the program before anything was registered.
        if (error instanceof Error) {
            Object.defineProperty(error, "registeredBeforeFailure", { value: registrations.length });
        }
        throw error;
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
    return serialize(options.stack, registrations, outputs);
}

async function serialize(stack: string, registrations: Registration[], stackOutputs: Record<string, unknown>): Promise<ProgramRun> {
    const byResource = new Map(registrations.map((r) => [r.resource, r]));
    const urns = new Map<pulumi.Resource, string>();
    const qualifiedType = (r: Registration): string => {
        const parent = r.parent && byResource.get(r.parent);
        return parent ? `${qualifiedType(parent)}$${r.type}` : r.type;
    };
    // The engine's URN: the parent chain of types, the stack itself left out.
    for (const r of registrations) {
        urns.set(r.resource, `urn:pulumi:${stack}::${PROJECT}::${qualifiedType(r)}::${r.name}`);
    }

    const resources: RenderedResource[] = [];
    const options = new Map<string, RenderedOptions>();
    for (const r of registrations) {
        const dependencies = new Set<pulumi.Resource>();
        const inputs = (await toPlain(r.props, dependencies, urns)) as Record<string, unknown>;
        const dependsOn = await explicitDependencies(r.opts.dependsOn);
        dependsOn.forEach((d) => dependencies.add(d));
        // The engine also waits for a resource's provider, explicit or inherited from its parent
        // (the SDK resolves inheritance after transformations run, into these internal fields).
        const effective = r.resource as unknown as { __prov?: pulumi.Resource; __protect?: boolean };
        if (effective.__prov) {
            dependencies.add(effective.__prov);
        }
        const urn = urns.get(r.resource)!;
        resources.push({
            urn,
            type: r.type,
            name: r.name,
            parent: (r.parent && urns.get(r.parent)) ?? null,
            dependencies: [...dependencies].map((d) => urns.get(d)).filter((u): u is string => !!u && u !== urn),
            inputs,
        });
        options.set(urn, {
            protect: effective.__protect === true,
            ignoreChanges: r.opts.ignoreChanges ?? [],
            aliasUrns: aliasUrns(urn, r.name, r.opts.aliases),
            dependsOn: dependsOn.map((d) => urns.get(d)).filter((u): u is string => !!u),
        });
    }
    const outputs = (await toPlain(stackOutputs, new Set(), urns)) as Record<string, unknown>;
    return { stack, resources, options, outputs };
}

/** The URNs of name aliases (`{ name }`, same type and parent); other alias forms are not used here. */
function aliasUrns(urn: string, name: string, aliases: pulumi.ResourceOptions["aliases"]): string[] {
    const prefix = urn.slice(0, urn.length - name.length);
    return (aliases ?? []).flatMap((alias) => {
        const aliasName = typeof alias === "object" && alias !== null && "name" in alias ? (alias as { name?: unknown }).name : undefined;
        return typeof aliasName === "string" ? [`${prefix}${aliasName}`] : [];
    });
}

async function explicitDependencies(dependsOn: pulumi.ResourceOptions["dependsOn"]): Promise<pulumi.Resource[]> {
    if (!dependsOn) {
        return [];
    }
    const resolved = await (pulumi.Output.isInstance(dependsOn) ? (dependsOn as any).promise() : dependsOn);
    const list: unknown[] = Array.isArray(resolved) ? resolved : [resolved];
    const resources = await Promise.all(list.map((d) => (pulumi.Output.isInstance(d) ? (d as any).promise() : d)));
    return resources.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
}

/**
 * Resolves a resource's inputs to plain JSON: Outputs awaited (secrets masked, their source
 * resources collected as dependencies), resources as their URNs, assets by what they hold.
 */
async function toPlain(value: unknown, dependencies: Set<pulumi.Resource>, urns: Map<pulumi.Resource, string>): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const output = value as any;
        for (const resource of await output.allResources()) {
            dependencies.add(resource);
        }
        const resolved = await toPlain(await output.promise(), dependencies, urns);
        return (await output.isSecret) ? maskLeaves(resolved) : resolved;
    }
    if (value instanceof Promise) {
        return toPlain(await value, dependencies, urns);
    }
    if (pulumi.Resource.isInstance(value)) {
        dependencies.add(value);
        return urns.get(value) ?? `(resource outside the program: ${value.constructor.name})`;
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map((v) => toPlain(v, dependencies, urns)));
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        return describeAsset(value, dependencies, urns);
    }
    if (value !== null && typeof value === "object") {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toPlain(v, dependencies, urns)] as const));
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }
    return value;
}

/** Every value of a secret masked, its shape kept (a Secret's `stringData` keeps its keys). */
function maskLeaves(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(maskLeaves);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLeaves(v)]));
    }
    return SECRET_MASK;
}

async function describeAsset(value: any, dependencies: Set<pulumi.Resource>, urns: Map<pulumi.Resource, string>): Promise<unknown> {
    if (value.path !== undefined) {
        // Relative to the project, so a render reads the same in every clone and worktree.
        return { [value.constructor.name]: path.relative(PROJECT_DIR, path.resolve(await value.path)) };
    }
    if (value.text !== undefined) {
        return { [value.constructor.name]: await value.text };
    }
    if (value.assets !== undefined) {
        return { [value.constructor.name]: await toPlain(await value.assets, dependencies, urns) };
    }
    return { [value.constructor.name]: await value.uri };
}

/** Queries over a run, so specs read as statements about the stack. */
export function resourcesOfType(run: ProgramRun, type: string): RenderedResource[] {
    return run.resources.filter((r) => r.type === type);
}

export function resourceNamed(run: ProgramRun, type: string, name: string): RenderedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names =
            resourcesOfType(run, type)
                .map((r) => r.name)
                .join(", ") || "none";
        throw new Error(`stack ${run.stack} has no ${type} named ${name} (it has: ${names})`);
    }
    return found;
}
