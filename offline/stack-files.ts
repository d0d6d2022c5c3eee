/**
 * Reads a stack's configuration the way the Pulumi CLI hands it to the program: project
 * defaults from Pulumi.yaml, then Pulumi.<stack>.yaml; structured values as JSON strings.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { PROJECT, RawStackConfig, requiredSecrets } from "../stacks/config";
import { didYouMean } from "../stacks/suggest";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Stands in for a secret in offline runs; never printed: a test fails if it reaches any output. */
export const SECRET_PLACEHOLDER_MARK = "RENDER-PLACEHOLDER-SECRET";

/**
 * A secret's stand-in; with the stack file's ciphertext, a digest of it, so a change review sees
 * that a secret changed (the ciphertext is in the repository already; the value never is).
 */
function placeholder(key: string, ciphertext?: string): string {
    const digest = ciphertext === undefined ? "" : `#${createHash("sha256").update(ciphertext).digest("hex").slice(0, 12)}`;
    return `${SECRET_PLACEHOLDER_MARK}(${key}${digest})`;
}

/** The digest a secret's stand-in carries (empty without one): tells a changed secret from an unchanged one. */
export function secretDigest(value: string): string {
    return /#([0-9a-f]+)\)$/.exec(value)?.[1] ?? "";
}

function fullKey(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A stack or project file that is not valid YAML: names the file, line and column. */
export class StackFileError extends Error {
    constructor(
        readonly file: string,
        readonly line: number,
        readonly column: number,
        reason: string,
    ) {
        super(`${path.basename(file)}:${line}:${column}: ${reason}`);
        this.name = "StackFileError";
    }
}

/** Parses a YAML file, refusing syntax errors and duplicate keys with the file, line and column. */
export function readYamlFile(file: string): any {
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    const [error] = document.errors;
    if (error) {
        const [{ line, col }] = error.linePos ?? [{ line: 0, col: 0 }];
        // yaml's message repeats the position and quotes the lines; the first sentence is the reason.
        throw new StackFileError(file, line, col, `invalid YAML: ${error.message.split(/ at line \d+/)[0]}`);
    }
    return document.toJS() ?? {};
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && "secure" in value;
}

export interface StackFileOptions {
    /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml. */
    projectDir?: string;
    /** Directory holding Pulumi.<stack>.yaml when it is not the project's (the specs' fixture stacks). */
    stackDir?: string;
    /** Values set on top of the stack file, by full key; `undefined` removes a key. */
    overrides?: Record<string, unknown>;
    /** Secret values set on top of the stack file, by full key. */
    secrets?: Record<string, string>;
    /** Stand a placeholder in for each required secret the stack file lacks (default true). */
    fillMissingSecrets?: boolean;
}

/** The project's stacks: one per Pulumi.<stack>.yaml, in name order. */
export function projectStacks(projectDir = PROJECT_DIR): string[] {
    return fs
        .readdirSync(projectDir)
        .map((file) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(file)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export function stackFilePath(stack: string, projectDir = PROJECT_DIR): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The raw config a `pulumi up` of this stack would see, with placeholders for secrets it cannot decrypt. */
export function readStackConfig(stack: string, options: StackFileOptions = {}): RawStackConfig {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const values: Record<string, string | undefined> = {};
    const secretKeys = new Set<string>();

    const project = readYamlFile(path.join(projectDir, "Pulumi.yaml"));
    for (const [key, declaration] of Object.entries<any>(project.config ?? {})) {
        const value =
            declaration !== null && typeof declaration === "object" && !Array.isArray(declaration)
                ? (declaration.value ?? declaration.default)
                : declaration;
        if (value !== undefined) {
            values[fullKey(key)] = asConfigString(value);
        }
    }

    const file = stackFilePath(stack, options.stackDir ?? projectDir);
    if (!fs.existsSync(file)) {
        const known = projectStacks(options.stackDir ?? projectDir);
        throw new Error(
            `No stack file ${file}: expected one of the project's stacks (${known.join(", ") || "none"}), one Pulumi.<stack>.yaml each${didYouMean(stack, known)}.`,
        );
    }
    const stackFile = readYamlFile(file);
    for (const [key, value] of Object.entries<unknown>(stackFile.config ?? {})) {
        if (isSecure(value)) {
            values[fullKey(key)] = placeholder(fullKey(key), String((value as { secure: unknown }).secure));
            secretKeys.add(fullKey(key));
        } else {
            values[fullKey(key)] = asConfigString(value);
        }
    }

    for (const [key, value] of Object.entries(options.overrides ?? {})) {
        if (value === undefined) {
            delete values[key];
        } else {
            values[key] = asConfigString(value);
        }
        secretKeys.delete(key);
    }
    for (const [key, value] of Object.entries(options.secrets ?? {})) {
        values[key] = value;
        secretKeys.add(key);
    }

    if (options.fillMissingSecrets ?? true) {
        for (const { key } of requiredSecrets(values)) {
            if (values[key] === undefined) {
                values[key] = placeholder(key);
                secretKeys.add(key);
            }
        }
    }
    return { values, secretKeys };
}

/** A structured section of a committed stack file (`cluster`, `apps`, ...), parsed afresh for editing; {} when absent. */
export function stackSection(stack: string, section: string): any {
    return JSON.parse(readStackConfig(stack).values[`${PROJECT}:${section}`] ?? "{}");
}
