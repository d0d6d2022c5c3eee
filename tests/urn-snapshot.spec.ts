import { expect } from "chai";
import * as fs from "fs";
import { snapshotOf, snapshotPath } from "../scripts/snapshot";
import { stackRun } from "../offline/program-run";
import { projectStacks } from "../offline/stack-files";

/**
 * The URNs added and removed between the committed snapshot and the current render. A resource
 * renamed with an alias to its old URN is neither: Pulumi moves it, so existing stacks keep it.
 */
export function urnChanges(
    committed: string,
    current: string,
    aliases: ReadonlyMap<string, readonly string[]> = new Map(),
): { added: string[]; removed: string[] } {
    const before = new Set(committed.split("\n").filter(Boolean));
    const after = new Set(current.split("\n").filter(Boolean));
    const movedFrom = new Set([...after].flatMap((urn) => (aliases.get(urn) ?? []).filter((old) => before.has(old))));
    const moved = new Set([...after].filter((urn) => (aliases.get(urn) ?? []).some((old) => before.has(old))));
    return {
        added: [...after].filter((u) => !before.has(u) && !moved.has(u)),
        removed: [...before].filter((u) => !after.has(u) && !movedFrom.has(u)),
    };
}

describe("URN stability", () => {
    for (const stack of projectStacks()) {
        it(`${stack}: the render registers exactly the URNs of tests/snapshots/${stack}.urns.txt`, async () => {
            const run = await stackRun(stack);
            const current = snapshotOf(run.resources.map((r) => r.urn));
            const committed = fs.existsSync(snapshotPath(stack)) ? fs.readFileSync(snapshotPath(stack), "utf8") : "";
            const aliases = new Map([...run.options].map(([urn, o]) => [urn, o.aliasUrns]));
            const { added, removed } = urnChanges(committed, current, aliases);
            const explanation = [
                `The ${stack} stack's URNs changed. A removed URN is a resource Pulumi will delete; a renamed or moved one is`,
                "deleted and recreated unless it carries an alias (docs/guardrails.md). If the change is intended, run",
                "`npm run snapshot` and commit the snapshot with it.",
                ...removed.map((u) => `  - ${u}`),
                ...added.map((u) => `  + ${u}`),
            ].join("\n");
            expect({ added, removed }, explanation).to.deep.equal({ added: [], removed: [] });
        });
    }

    it("reports additions and removals separately", () => {
        expect(urnChanges("a\nb\n", "b\nc\n")).to.deep.equal({ added: ["c"], removed: ["a"] });
    });

    it("counts a rename that carries an alias to the old URN as neither", () => {
        expect(urnChanges("a\nb\n", "b\nc\n", new Map([["c", ["a"]]]))).to.deep.equal({ added: [], removed: [] });
        expect(urnChanges("a\nb\n", "b\nc\n", new Map([["c", ["x"]]]))).to.deep.equal({ added: ["c"], removed: ["a"] });
    });
});
