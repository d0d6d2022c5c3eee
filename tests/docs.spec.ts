/**
 * The documentation a team adopts from: a short README, docs by task whose links resolve, a
 * runbook section for every alert the platform sends, and a license that matches package.json.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { fixtureRun } from "./support/fixtures";
import { resourcesOfType } from "../offline/program-run";
import { PROJECT_DIR } from "../offline/stack-files";
import { STAGE_PROFILES, STAGES } from "../stacks/schema/stage";

const DOCS = path.join(PROJECT_DIR, "docs");
const markdown = [
    "README.md",
    ...fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f)),
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
    const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

describe("documentation", () => {
    it("keeps the README short: at most 12 KB, the rest in docs/", () => {
        expect(fs.statSync(path.join(PROJECT_DIR, "README.md")).size).to.be.at.most(12 * 1024);
    });

    it("links only to files and sections that exist", () => {
        for (const file of markdown) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
            for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) {
                    continue;
                }
                const [linked, section] = target.split("#");
                const resolved = linked === "" ? file : path.join(path.dirname(file), linked);
                expect(fs.existsSync(path.join(PROJECT_DIR, resolved)), `${file} -> ${target}`).to.equal(true);
                if (section && resolved.endsWith(".md")) {
                    expect(anchorsOf(resolved).has(section), `${file} -> ${target}: no such section`).to.equal(true);
                }
            }
        }
    });

    it("has a runbook section for every alert, and every alert links to its own", async () => {
        const sections = anchorsOf(path.join("docs", "runbooks.md"));
        const run = await fixtureRun("prd");
        const links = [
            // Monitors that notify through their composite carry no runbook: the composite does.
            ...resourcesOfType(run, "datadog:index/monitor:Monitor")
                .filter((m) => !m.name.endsWith("-raw"))
                .map((m) => String(m.inputs.message)),
            ...resourcesOfType(run, "aws:cloudwatch/compositeAlarm:CompositeAlarm").map((a) => String(a.inputs.alarmDescription)),
        ].map((text) => /Runbook:\*{0,2} (\S+)/.exec(text)?.[1]);
        expect(links.length).to.be.greaterThan(15);
        for (const link of links) {
            expect(link, "an alert without a runbook link").to.be.a("string");
            const [page, section] = link!.split("#");
            expect(page).to.match(/\/docs\/runbooks\.md$/);
            expect(sections.has(section), `no section ${section} in docs/runbooks.md`).to.equal(true);
        }
    });

    it("ships the license package.json names", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        expect(pkg.license).to.equal("Apache-2.0");
        expect(fs.readFileSync(path.join(PROJECT_DIR, "LICENSE"), "utf8")).to.match(/Apache License\s+Version 2\.0, January 2004/);
    });
});

describe("docs/stages.md", () => {
    it("states each stage profile's zones and log retention as stacks/schema/stage.ts has them", () => {
        const text = fs.readFileSync(path.join(DOCS, "stages.md"), "utf8");
        const row = (label: string) =>
            text
                .split("\n")
                .find((line) => line.startsWith(`| ${label} |`))!
                .split("|")
                .slice(2, 5)
                .map((c) => c.trim());
        expect(row("fewest availability zones")).to.deep.equal(STAGES.map((s) => String(STAGE_PROFILES[s].minAvailabilityZones)));
        expect(row("control-plane log retention by default")).to.deep.equal(
            STAGES.map((s) => `${STAGE_PROFILES[s].controlPlaneLogRetentionDays} days`),
        );
    });
});
