/** The command line behaves like a tool: help, a suggestion for a mistyped stack. */
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { ciSettingsCli } from "../scripts/ci-settings";
import { handledHelp } from "../scripts/cli";
import { PROJECT_DIR, readStackConfig } from "../offline/stack-files";
import { FIXTURE_DIR } from "./support/fixtures";

describe("command line", () => {
    it("names the stacks there are and the nearest one for a mistyped stack", () => {
        expect(() => readStackConfig("prod", { stackDir: FIXTURE_DIR })).to.throw(
            /expected one of the project's stacks \(autoscaler, dev, fargate, notifier, prd, stg\), one Pulumi.<stack>.yaml each \(did you mean prd\?\)\.$/,
        );
    });

    it("answers --help without running anything", async () => {
        expect(ciSettingsCli(["--help"])).to.match(/^usage: npm run --silent ci-settings/);
        const log = console.log;
        const printed: unknown[] = [];
        console.log = (...line: unknown[]) => {
            printed.push(...line);
        };
        try {
            expect(handledHelp(["dev", "-h"], "usage: x")).to.equal(true);
            expect(handledHelp(["dev"], "usage: y")).to.equal(false);
        } finally {
            console.log = log;
        }
        expect(printed).to.deep.equal(["usage: x"]);
        // Two scripts end to end, side by side (each loads the SDK; the others share handledHelp).
        const results = await Promise.all(
            ["render", "ci-roles"].map(
                (script) =>
                    new Promise<{ script: string; status: number | null; stdout: string }>((resolve) => {
                        const child = spawn(
                            process.execPath,
                            ["-r", "./scripts/register.js", path.join("scripts", `${script}.ts`), "--help"],
                            { cwd: PROJECT_DIR },
                        );
                        let stdout = "";
                        child.stdout.on("data", (chunk) => {
                            stdout += chunk;
                        });
                        child.on("close", (status) => resolve({ script, status, stdout }));
                    }),
            ),
        );
        for (const { script, status, stdout } of results) {
            expect(status, script).to.equal(0);
            expect(stdout, script).to.match(/^usage: npm run /);
        }
    });
});
