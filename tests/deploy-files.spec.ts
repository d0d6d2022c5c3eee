/**
 * Every file the program hands Pulumi at deploy time exists where the render says and holds what
 * it must: a path that resolves nowhere renders fine under mocks but fails `pulumi preview`.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { projectStacks } from "../scripts/ci-settings";
import { fixtureRun } from "./support/fixtures";
import { ProgramRun, resourcesOfType, stackRun } from "../offline/program-run";
import { PROJECT_DIR } from "../offline/stack-files";

const ASSET_KINDS = ["FileArchive", "FileAsset", "AssetArchive"];

/** Every local asset or archive path in a resource's inputs, with where it was found. */
function localAssetPaths(value: unknown, at: string): { at: string; kind: string; file: string }[] {
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => localAssetPaths(v, `${at}[${i}]`));
    }
    if (value === null || typeof value !== "object") {
        return [];
    }
    return Object.entries(value).flatMap(([key, v]) =>
        ASSET_KINDS.includes(key) && typeof v === "string" ? [{ at, kind: key, file: v }] : localAssetPaths(v, `${at}.${key}`),
    );
}

/** The module file a Lambda handler names (`index.handler` -> index.js, .mjs or .cjs) inside its code directory. */
function handlerModule(codeDir: string, handler: string): { file?: string; exportName: string } {
    const dot = handler.lastIndexOf(".");
    const base = path.join(codeDir, handler.slice(0, dot));
    const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
    return { file, exportName: handler.slice(dot + 1) };
}

function checkRun(run: ProgramRun): void {
    for (const resource of run.resources) {
        for (const { at, kind, file } of localAssetPaths(resource.inputs, resource.name)) {
            expect(path.isAbsolute(file), `${run.stack} ${at}: ${kind} ${file} is written relative to the project`).to.equal(false);
            expect(fs.existsSync(path.join(PROJECT_DIR, file)), `${run.stack} ${at}: ${kind} ${file} exists`).to.equal(true);
        }
    }
    for (const fn of resourcesOfType(run, "aws:lambda/function:Function")) {
        const inputs = fn.inputs as any;
        const codeDir = path.join(PROJECT_DIR, inputs.code.FileArchive);
        expect(fs.statSync(codeDir).isDirectory(), `${run.stack} ${fn.name}: code is a directory`).to.equal(true);
        const { file, exportName } = handlerModule(codeDir, inputs.handler);
        expect(file, `${run.stack} ${fn.name}: ${inputs.handler} names a file in ${inputs.code.FileArchive}`).to.be.a("string");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect(require(file!)[exportName], `${run.stack} ${fn.name}: ${inputs.handler} is an exported function`).to.be.a("function");
    }
}

describe("files read at deploy time", () => {
    it("the notifier fixture's Lambda code is the repository's lambda/slack-notifier, with its handler", async () => {
        const run = await fixtureRun("notifier");
        const [fn] = resourcesOfType(run, "aws:lambda/function:Function");
        expect((fn.inputs as any).code).to.deep.equal({ FileArchive: path.join("lambda", "slack-notifier") });
        checkRun(run);
    });

    for (const stack of projectStacks()) {
        it(`every asset and archive of stack ${stack} exists and holds its handler`, async () => {
            checkRun(await stackRun(stack));
        });
    }

    it("a path outside the repository's folders is caught", () => {
        const run = {
            stack: "broken",
            options: new Map(),
            outputs: {},
            resources: [
                {
                    urn: "u",
                    type: "aws:lambda/function:Function",
                    name: "alerts",
                    parent: null,
                    dependencies: [],
                    inputs: { handler: "index.handler", code: { FileArchive: path.join("components", "lambda", "slack-notifier") } },
                },
            ],
        } as ProgramRun;
        expect(() => checkRun(run)).to.throw(/components\/lambda\/slack-notifier exists/);
    });
});
