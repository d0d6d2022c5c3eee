/**
 * The configuration reference's tables (docs/configuration.md), generated from the stack file's
 * JSON Schema (itself generated from the program's zod schemas), so the reference cannot drift
 * from the code. Each table sits between `<!-- generated: <path> -->` and `<!-- end generated -->`;
 * the prose around the tables is written by hand.
 *
 *   npm run config-reference             # rewrites the tables
 *   npm run config-reference -- --check  # exits 1 when a table is stale
 *
 * A key's description is its meaning; a trailing "Default: ..." sentence of it names a default
 * that depends on the stage (the schema cannot hold one), and wins over the schema's default.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../offline/stack-files";
import { handledHelp } from "./cli";
import { stackFileSchema } from "./stack-schema";

let schema: Json | undefined;
/** The stack file's JSON Schema, built once: every table reads it. */
function stackSchema(): Json {
    return (schema ??= stackFileSchema());
}

export const REFERENCE_PATH = path.join(PROJECT_DIR, "docs", "configuration.md");

type Json = Record<string, any>;
export interface ReferenceRow {
    readonly key: string;
    readonly type: string;
    readonly default: string;
    readonly meaning: string;
}

const BLOCK = /(<!-- generated: (\S+) -->\n)[\s\S]*?(<!-- end generated -->)/g;
/** A stage-dependent default, written as the description's last sentence. */
const DEFAULT_SENTENCE = /\s*Default: ([^]*?)\.?$/;
/** Sibling keys with one schema, at least this many, share their rows under `<name>`. */
const SHARED_ROWS_FROM = 3;

/** The config key's schema a block names: `eks-platform:cluster.nodeGroups.<name>` walks into records. */
export function schemaAt(blockPath: string, root: Json = stackSchema(), unwrapMap = true): Json | undefined {
    const config = root.properties.config.properties as Json;
    const [key, ...rest] = splitKey(blockPath);
    let node: Json | undefined = config[key];
    for (const part of rest) {
        node = part.startsWith("<") ? node?.additionalProperties : node?.properties?.[part];
    }
    return node && unwrapMap && isRecordOfObjects(node) ? node.additionalProperties : node;
}

function splitKey(blockPath: string): string[] {
    const colon = blockPath.indexOf(":");
    const [first, ...rest] = blockPath.slice(colon + 1).split(".");
    return [`${blockPath.slice(0, colon + 1)}${first}`, ...rest];
}

function isRecordOfObjects(node: Json): boolean {
    return (
        node.type === "object" && !node.properties && node.additionalProperties?.type === "object" && !!node.additionalProperties.properties
    );
}

function isObject(node: Json): boolean {
    return node.type === "object" && !!node.properties;
}

/** A map whose keys get rows of their own; a titled one (container resources) is one row, its title its type. */
function isOpenObject(node: Json): boolean {
    return isObject(node) && !node.title;
}

/** The rows of one block: the keys of an object, its nested maps flattened with dots. */
export function referenceRows(node: Json, prefix = ""): ReferenceRow[] {
    if (!isObject(node)) {
        return [row(prefix, node, true)];
    }
    const required = new Set<string>(node.required ?? []);
    const rows: ReferenceRow[] = [];
    for (const group of siblingGroups(node.properties)) {
        const name = group.length >= SHARED_ROWS_FROM ? "<name>" : group[0];
        const child = node.properties[group[0]];
        const key = prefix ? `${prefix}.${name}` : name;
        if (group.length >= SHARED_ROWS_FROM) {
            rows.push({
                key,
                type: "",
                default: "",
                meaning: `\`<name>\` is any of ${group.map((k) => `\`${k}\``).join(", ")}${child.description ? `: ${child.description}` : ""}`,
            });
            rows.push(...referenceRows(child, key).filter((r) => r.key !== key));
            continue;
        }
        for (const member of group) {
            rows.push(...childRows(node.properties[member], prefix ? `${prefix}.${member}` : member, required.has(member)));
        }
    }
    return rows;
}

function childRows(child: Json, key: string, required: boolean): ReferenceRow[] {
    const own = row(key, child, required);
    if (isOpenObject(child)) {
        return [own, ...referenceRows(child, key)];
    }
    if (child.type === "array" && child.items && isOpenObject(child.items)) {
        return [own, ...referenceRows(child.items, `${key}[]`)];
    }
    return [own];
}

/** Keys in order, siblings with an identical schema (a shared shape, such as every monitor's) together. */
function siblingGroups(properties: Json): string[][] {
    const groups = new Map<string, string[]>();
    for (const [key, schema] of Object.entries(properties)) {
        const shape = isObject(schema) ? JSON.stringify(schema) : key;
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
    }
    return [...groups.values()];
}

function row(key: string, node: Json, required: boolean): ReferenceRow {
    const description: string = node.description ?? "";
    const stageDefault = DEFAULT_SENTENCE.exec(description);
    const meaning = description.replace(DEFAULT_SENTENCE, "");
    const defaultText = stageDefault
        ? stageDefault[1]
        : "default" in node && !isObject(node) && !isRecordOfObjects(node)
          ? `\`${flow(node.default)}\``
          : required
            ? "required"
            : isOpenObject(node) || isRecordOfObjects(node)
              ? ""
              : "none";
    const seeBelow = isRecordOfObjects(node) ? " (see below)" : "";
    return { key, type: typeOf(node), default: defaultText, meaning: `${meaning}${seeBelow}` };
}

/** A schema's type as a reader says it: its title (CIDR, IAM role ARN), its values, or its JSON type. */
export function typeOf(node: Json): string {
    if (node.title) {
        return node.title;
    }
    if (node.enum) {
        return node.enum.map((v: unknown) => `\`${v}\``).join(" \\| ");
    }
    if (node.anyOf?.every((n: Json) => "const" in n)) {
        return node.anyOf.map((n: Json) => `\`${n.const}\``).join(" \\| ");
    }
    if (Array.isArray(node.type)) {
        return node.type.map((type: string) => typeOf({ type })).join(" or ");
    }
    switch (node.type) {
        case "boolean":
            return "bool";
        case "integer":
        case "number":
            return `${node.type === "integer" ? "int" : "number"}${range(node)}`;
        case "string":
            return node.format === "uri" ? "URL" : "string";
        case "array":
            return node.items ? `list of ${isObject(node.items) ? "maps" : typeOf(node.items)}` : "list";
        case "object":
            return isObject(node)
                ? "map"
                : isRecordOfObjects(node)
                  ? "map of maps"
                  : `map of ${node.additionalProperties ? typeOf(node.additionalProperties) : "values"}`;
        default:
            return node.anyOf ? [...new Set(node.anyOf.map(typeOf))].join(" or ") : "any";
    }
}

function range(node: Json): string {
    // zod writes a plain int's safe-integer bounds; they say nothing to a reader.
    const max = node.maximum >= Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
    if (node.minimum !== undefined && max !== undefined) {
        return ` ${node.minimum}–${node.maximum}`;
    }
    if (node.minimum !== undefined && node.minimum > -Number.MAX_SAFE_INTEGER) {
        return ` >= ${node.minimum}`;
    }
    return node.exclusiveMinimum !== undefined ? ` > ${node.exclusiveMinimum}` : "";
}

/** A default as YAML's flow style writes it: `[on-demand]`, `{nodes: "10%"}`. */
function flow(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(flow).join(", ")}]`;
    }
    if (value && typeof value === "object") {
        return `{${Object.entries(value)
            .map(([k, v]) => `${k}: ${flow(v)}`)
            .join(", ")}}`;
    }
    return typeof value === "string" && /^[\d%]|[:#\s]/.test(value) ? JSON.stringify(value) : String(value);
}

function cell(text: string): string {
    return text.replace(/\|/g, (bar, at, all) => (all[at - 1] === "\\" ? bar : "\\|")).replace(/\n/g, " ");
}

export function referenceTable(rows: readonly ReferenceRow[]): string {
    return [
        "| key | type | default | meaning |",
        "|---|---|---|---|",
        ...rows.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.meaning)} |`),
    ].join("\n");
}

/** The stack file's keys other than the sections: region, simple keys, secrets. */
export function topLevelRows(root: Json = stackSchema()): ReferenceRow[] {
    const config = root.properties.config;
    const required = new Set<string>(config.required);
    const simple = Object.entries(config.properties as Json).filter(
        ([, node]) => node.description && (node.title === "secret" || (!isObject(node) && !isRecordOfObjects(node))),
    );
    const patterns = Object.entries(config.patternProperties as Json).filter(([, node]) => node.description);
    return [
        ...simple.map(([key, node]) => row(key, node, required.has(key))),
        ...patterns.map(([pattern, node]) => row(patternKey(pattern), node, false)),
    ];
}

/** A key pattern as a reader writes it: `^eks-platform:[a-z][A-Za-z0-9]*DbPassword$` -> `eks-platform:<app>DbPassword`. */
function patternKey(pattern: string): string {
    return pattern
        .replace(/^\^|\$$/g, "")
        .replace("[a-z][A-Za-z0-9]*", "<app>")
        .replace("[A-Z][A-Za-z0-9]*", "<Name>");
}

/**
 * Every key path of the sections (`eks-platform:cluster.nodeGroups.<name>.kind`), with whether
 * it has a description, and the maps of maps, each of which needs a block of its own.
 */
export function sectionKeys(root: Json = stackSchema()): { keys: { path: string; described: boolean }[]; recordBlocks: string[] } {
    const keys: { path: string; described: boolean }[] = [];
    const recordBlocks: string[] = [];
    const walk = (node: Json, at: string) => {
        if (isRecordOfObjects(node)) {
            recordBlocks.push(`${at}.<name>`);
            walk(node.additionalProperties, `${at}.<name>`);
        } else if (isOpenObject(node)) {
            for (const [key, child] of Object.entries(node.properties as Json)) {
                keys.push({ path: `${at}.${key}`, described: !!child.description });
                walk(child, `${at}.${key}`);
            }
        } else if (node.type === "array" && node.items && isOpenObject(node.items)) {
            walk(node.items, `${at}[]`);
        }
    };
    for (const [key, node] of Object.entries(root.properties.config.properties as Json)) {
        if (key.startsWith("eks-platform:") && node.title !== "secret") {
            keys.push({ path: key, described: !!node.description });
            walk(node, key);
        }
    }
    return { keys, recordBlocks };
}

/** The blocks a document holds, by the path each names. */
export function blockPaths(document: string): string[] {
    return [...document.matchAll(BLOCK)].map((m) => m[2]);
}

export function blockRows(blockPath: string): ReferenceRow[] {
    if (blockPath === "stack") {
        return topLevelRows();
    }
    const node = schemaAt(blockPath);
    if (!node) {
        throw new Error(`docs/configuration.md names ${blockPath}, which the stack file schema does not have`);
    }
    // A map's own name (an app's, a node group's) has rules of its own.
    const names = blockPath.endsWith(">")
        ? schemaAt(blockPath.slice(0, blockPath.lastIndexOf(".")), stackSchema(), false)?.propertyNames
        : undefined;
    const nameRow = names?.description
        ? [{ key: blockPath.slice(blockPath.lastIndexOf(".") + 1), type: typeOf(names), default: "", meaning: names.description }]
        : [];
    return [...nameRow, ...referenceRows(node)];
}

/** What a section's block says above its table: the section's own description. */
export function blockIntro(blockPath: string): string | undefined {
    const [section, ...rest] = splitKey(blockPath);
    const own = rest.length === 0 || (rest.length === 1 && rest[0].startsWith("<"));
    return blockPath !== "stack" && own ? schemaAt(section, stackSchema(), false)?.description : undefined;
}

/** The document with every generated table rewritten from the schema. */
export function regenerate(document: string): string {
    return document.replace(BLOCK, (_, start: string, blockPath: string, end: string) => {
        const intro = blockIntro(blockPath);
        return `${start}${intro ? `${intro}\n\n` : ""}${referenceTable(blockRows(blockPath))}\n${end}`;
    });
}

if (require.main === module) {
    const args = process.argv.slice(2);
    if (
        !handledHelp(
            args,
            "usage: npm run config-reference [-- --check]\n\nRewrites the generated tables of docs/configuration.md from the config schemas; --check exits 1 when one is stale.",
        )
    ) {
        const current = fs.readFileSync(REFERENCE_PATH, "utf8");
        const next = regenerate(current);
        if (args.includes("--check")) {
            if (current !== next) {
                console.error("docs/configuration.md is stale: run npm run config-reference and commit it");
                process.exit(1);
            }
        } else {
            fs.writeFileSync(REFERENCE_PATH, next);
            console.log(`wrote ${path.relative(PROJECT_DIR, REFERENCE_PATH)} (${blockPaths(next).length} tables)`);
        }
    }
}
