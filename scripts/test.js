// @ts-check
"use strict";
/**
 * `npm test`: the specs on one core; on the other, the type check, then the offline render of every
 * stack, then the format check (prettier). The type check is incremental, its state cached under
 * node_modules/.cache (outside the tree), so a run after the first checks only what changed.
 * The pass/fail count is the last line: `N passed, N failed`.
 */
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
/** What prettier formats (and `npm test` checks): the code; docs and stack files are written by hand. */
const FORMATTED = ["**/*.{ts,js}"];
const PRETTIER_CACHE = path.join(ROOT, "node_modules", ".cache", "eks-platform-prettier", "cache.json");
const BUILD_INFO = path.join(ROOT, "node_modules", ".cache", "eks-platform-tsc", "tsconfig.tsbuildinfo");

/**
 * Runs a command; its output is echoed live, or kept for later (`buffered`), and returned.
 * @param {string} command @param {string[]} args @param {{ buffered?: boolean }} [options]
 * @returns {Promise<{ code: number, output: string, seconds: number }>}
 */
function run(command, args, options = {}) {
    const start = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: ROOT, env: process.env });
        let output = "";
        const take = (/** @type {Buffer} */ chunk, /** @type {NodeJS.WriteStream} */ stream) => {
            output += chunk.toString();
            if (!options.buffered) {
                stream.write(chunk);
            }
        };
        child.stdout.on("data", (chunk) => take(chunk, process.stdout));
        child.stderr.on("data", (chunk) => take(chunk, process.stderr));
        child.on("close", (code) => resolve({ code: code ?? 1, output, seconds: Number(process.hrtime.bigint() - start) / 1e9 }));
    });
}

/** @param {string} output @param {string} word */
function count(output, word) {
    const matches = [...output.matchAll(new RegExp(`^ *(\\d+) ${word}`, "gm"))];
    return matches.length > 0 ? Number(matches[matches.length - 1][1]) : 0;
}

async function main() {
    // The specs are the long pole: the type check and then the render share the other core.
    const checkThenRender = (async () => {
        const types = await run(path.join(BIN, "tsc"), ["--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", BUILD_INFO], {
            buffered: true,
        });
        const render = await run(process.execPath, ["-r", "./scripts/register.js", "scripts/render.ts", "--all"], { buffered: true });
        // Cached by content under node_modules/.cache: a warm run reads only the files that changed.
        const format = await run(path.join(BIN, "prettier"), ["--check", "--cache", "--cache-location", PRETTIER_CACHE, ...FORMATTED], {
            buffered: true,
        });
        return { types, render, format };
    })();
    const [{ types, render, format }, specs] = await Promise.all([checkThenRender, run(path.join(BIN, "mocha"), [])]);
    process.stdout.write(types.output);
    console.log(`type check: ${types.code === 0 ? "ok" : "failed"} (${types.seconds.toFixed(1)} s)`);
    const wrote = render.output.split("\n").filter((line) => line.startsWith("wrote "));
    console.log(render.code === 0 ? `render: ${wrote.join(", ")} (${render.seconds.toFixed(1)} s)` : render.output);

    console.log(
        format.code === 0
            ? `format: ok (${format.seconds.toFixed(1)} s)`
            : `${format.output}format: run npm run format (prettier) and commit the result`,
    );

    const passed = count(specs.output, "passing");
    // The type check and the render fail outside the specs: each counts as one failure.
    const failed =
        count(specs.output, "failing") +
        (specs.code !== 0 && count(specs.output, "failing") === 0 ? 1 : 0) +
        (types.code === 0 ? 0 : 1) +
        (render.code === 0 ? 0 : 1) +
        (format.code === 0 ? 0 : 1);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(types.code || specs.code || render.code || format.code);
}

void main();
