/**
 * A configuration problem and the one error that lists them all: each line names the stack, the
 * key, the bad value and what is expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export interface ConfigProblem {
    /** Full config key with the path inside it: `eks-platform:cluster.nodeGroups.general.minSize`. */
    readonly key: string;
    /** The offending value as the user wrote it; `undefined` when the key is missing. */
    readonly value: unknown;
    /** What is expected instead. */
    readonly expected: string;
}

/** Thrown before any resource is registered; the message lists every problem of the stack. */
export class StackConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stack, problems));
        this.name = "StackConfigError";
    }
}

/** Marks a value that must never be printed. */
export const REDACTED = Symbol("redacted");

function describeValue(value: unknown): string {
    if (value === REDACTED) {
        return "(set in plain text, not shown)";
    }
    return value === undefined ? "(not set)" : JSON.stringify(value);
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`;
    const lines = problems.map((p) => `  - [${stack}] ${p.key} = ${describeValue(p.value)}: ${p.expected}`);
    return [`Stack "${stack}" has ${count}; nothing was created:`, ...lines].join("\n");
}

function joinPath(key: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, part) => `${acc}.${String(part)}`, key);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>(
        (node, part) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined),
        root,
    );
}

/** Turns zod's issues into problems phrased as "key = value: expected ...". */
export function problemsFromIssues(key: string, root: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknownKey) => ({
                key: joinPath(key, [...issue.path, unknownKey]),
                value: valueAt(root, [...issue.path, unknownKey]),
                expected: "unknown key: remove it or check its spelling against docs/configuration.md",
            }));
        }
        const value = "input" in issue ? issue.input : valueAt(root, issue.path);
        // A bad record key (an app or node group name) carries the key's own issue inside.
        let expected = issue.code === "invalid_key" && issue.issues[0] ? issue.issues[0].message : issue.message;
        if (issue.code === "invalid_type" && value === undefined) {
            expected = `is required: ${issue.message.startsWith("expected") ? issue.message : `expected ${issue.expected}`}`;
        } else if (!expected.startsWith("expected") && !expected.startsWith("is ")) {
            expected = `expected ${issue.code === "invalid_type" ? issue.expected : "a valid value"} (${issue.message})`;
        }
        return [{ key: joinPath(key, issue.path), value, expected }];
    });
}

/** A value when it passes `schema`, else undefined: cross-section rules check what they can. */
export function validOrUndefined<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
}
