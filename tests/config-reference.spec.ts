/**
 * The configuration reference (docs/configuration.md) is generated from the config schemas: it
 * is current, every key the program reads is described and has a row, and the generator says
 * types and defaults the way a reader needs them.
 */
import { expect } from "chai";
import * as fs from "fs";
import { z } from "zod";
import {
    blockIntro,
    blockPaths,
    blockRows,
    REFERENCE_PATH,
    referenceRows,
    regenerate,
    sectionKeys,
    typeOf,
} from "../scripts/config-reference";
import { SECTIONS } from "../stacks/config";

const REFERENCE = fs.readFileSync(REFERENCE_PATH, "utf8");
const jsonOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, any>;

describe("configuration reference generation", () => {
    it("is current: npm run config-reference writes what is committed", () => {
        expect(REFERENCE === regenerate(REFERENCE), "docs/configuration.md is stale: run npm run config-reference").to.equal(true);
    });

    it("describes every key of every section", () => {
        const undescribed = sectionKeys()
            .keys.filter((key) => !key.described)
            .map((key) => key.path);
        expect(undescribed).to.deep.equal([]);
    });

    it("has a table for every section and every map of maps (apps, node groups, NodePools)", () => {
        const blocks = blockPaths(REFERENCE);
        const structured = Object.keys(SECTIONS)
            .filter((name) => !["stage", "datadogSite"].includes(name))
            .map((name) => `eks-platform:${name}`);
        expect(structured.filter((section) => !blocks.includes(section) && !blocks.includes(`${section}.<name>`))).to.deep.equal([]);
        expect(sectionKeys().recordBlocks.filter((block) => !blocks.includes(block))).to.deep.equal([]);
        expect(blocks).to.include("stack");
    });

    it("gives every key of a section a row in the table that holds it", () => {
        const blocks = blockPaths(REFERENCE)
            .filter((block) => block !== "stack")
            .sort((a, b) => b.length - a.length);
        const rowKeys = new Map(blocks.map((block) => [block, new Set(blockRows(block).map((row) => row.key))]));
        const stackKeys = new Set(blockRows("stack").map((row) => row.key));
        const missing = sectionKeys().keys.filter(({ path }) => {
            const block = blocks.find((b) => path.startsWith(`${b}.`));
            if (!block) {
                // A section: a key of the stack table, or the block its description heads.
                return !stackKeys.has(path) && !blocks.some((b) => (b === path || b === `${path}.<name>`) && blockIntro(b));
            }
            const parts = path.slice(block.length + 1).split(".");
            // A key of siblings that share one shape has its row under <name>.
            return (
                !parts.some((_, i) => rowKeys.get(block)!.has(parts.map((p, j) => (j === i ? "<name>" : p)).join("."))) &&
                !rowKeys.get(block)!.has(parts.join("."))
            );
        });
        expect(missing.map((key) => key.path)).to.deep.equal([]);
    });

    it("puts a stage-dependent default from the description into the default column", () => {
        const rows = referenceRows(
            jsonOf(
                z.strictObject({
                    replicas: z.int().min(1).optional().describe("Fixed count. Default: 2 in prd, else 1."),
                    port: z.int().min(1).max(65535).default(8080).describe("The port."),
                    image: z.string().describe("The image."),
                    hosts: z.array(z.string()).default([]).describe("Hosts."),
                }),
            ),
        );
        expect(rows).to.deep.equal([
            { key: "replicas", type: "int >= 1", default: "2 in prd, else 1", meaning: "Fixed count." },
            { key: "port", type: "int 1–65535", default: "`8080`", meaning: "The port." },
            { key: "image", type: "string", default: "required", meaning: "The image." },
            { key: "hosts", type: "list of string", default: "`[]`", meaning: "Hosts." },
        ]);
    });

    it("flattens nested maps and lists of maps, and keeps a titled map whole", () => {
        const resources = z.strictObject({ cpu: z.string().describe("CPU.") }).meta({ title: "resources" });
        const rows = referenceRows(
            jsonOf(
                z.strictObject({
                    endpoint: z.strictObject({ publicAccess: z.boolean().describe("Public.") }).describe("Endpoints."),
                    taints: z
                        .array(z.strictObject({ key: z.string().describe("Key.") }))
                        .default([])
                        .describe("Taints."),
                    resources: resources.optional().describe("Requests."),
                }),
            ),
        );
        expect(rows.map((r) => [r.key, r.type])).to.deep.equal([
            ["endpoint", "map"],
            ["endpoint.publicAccess", "bool"],
            ["taints", "list of maps"],
            ["taints[].key", "string"],
            ["resources", "resources"],
        ]);
    });

    it("shares the rows of three or more siblings of one shape under <name>", () => {
        const monitor = z
            .strictObject({ critical: z.number().optional().describe("Threshold.") })
            .prefault({})
            .describe("A monitor.");
        const rows = referenceRows(
            jsonOf(z.strictObject({ a: monitor, b: monitor, c: monitor, other: z.boolean().default(false).describe("Other.") })),
        );
        expect(rows.map((r) => r.key)).to.deep.equal(["<name>", "<name>.critical", "other"]);
        expect(rows[0].meaning).to.equal("`<name>` is any of `a`, `b`, `c`: A monitor.");
    });

    it("names types by title, values and ranges", () => {
        expect(typeOf({ title: "CIDR", type: "string" })).to.equal("CIDR");
        expect(typeOf({ type: "string", enum: ["single", "onePerAz"] })).to.equal("`single` \\| `onePerAz`");
        expect(typeOf({ anyOf: [{ const: 1 }, { const: 2 }] })).to.equal("`1` \\| `2`");
        expect(typeOf({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).to.equal("int >= 0");
        expect(typeOf({ type: "number", exclusiveMinimum: 0 })).to.equal("number > 0");
        expect(typeOf({ type: "string", format: "uri" })).to.equal("URL");
    });
});
