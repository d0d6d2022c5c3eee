// @ts-check
"use strict";
/**
 * A require hook for the offline render: TypeScript files are transpiled with the TypeScript
 * compiler (transpile-only, like ts-node --transpile-only) and the result is cached by content,
 * so a render after the first loads no compiler at all. Type checking is `npm run build`'s job.
 *
 *   node -r ./scripts/register.js scripts/render.ts <stack>
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "eks-platform-ts");
// Node20 as in tsconfig.json: CommonJS output that keeps `import()` (ESM-only packages load).
const COMPILER_OPTIONS = { module: 102 /* Node20 */, target: 9 /* ES2022 */, esModuleInterop: true, inlineSourceMap: true };

/** @type {any} */
let typescript;

/** @param {string} source @param {string} filename */
function transpile(source, filename) {
    const key = crypto.createHash("sha256").update(source).update(filename).update(JSON.stringify(COMPILER_OPTIONS)).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    if (fs.existsSync(cached)) {
        return fs.readFileSync(cached, "utf8");
    }
    typescript = typescript || require("typescript");
    const output = typescript.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: filename }).outputText;
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.writeFileSync(`${cached}.${process.pid}`, output);
    fs.renameSync(`${cached}.${process.pid}`, cached);
    return output;
}

/** @type {any} */ (Module)._extensions[".ts"] = function (/** @type {any} */ module, /** @type {string} */ filename) {
    module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
