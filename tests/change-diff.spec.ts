/**
 * The change review (npm run diff): real changes to fixture stacks, rendered before and after,
 * and what the review says of them.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NOTHING, renderAtCommit, resolveCommit } from "../offline/base-render";
import { NO_REPLACING_INPUTS, REPLACING_INPUTS } from "../offline/replacements";
import { dangerousChange, EXIT_STATUS, exitStatus, flatStackConfig, RenderSide, stackChange } from "../offline/change-diff";
import { ProgramRun } from "../offline/program-run";
import { PROJECT_DIR, readStackConfig, SECRET_PLACEHOLDER_MARK } from "../offline/stack-files";
import { RawStackConfig } from "../stacks/config";
import { formatStackChange, markdownReport } from "../scripts/change-report";
import { parseDiffArgs } from "../scripts/diff";
import { reviewedOptions } from "../scripts/render";
import { FIXTURE_DIR, fixtureRun, fixtureSection, fixtureVariant, readFixtureConfig } from "./support/fixtures";

function side(run: ProgramRun, raw: RawStackConfig): RenderSide {
    return { resources: run.resources, options: reviewedOptions(run), config: flatStackConfig(raw) };
}

async function variantSide(stack: string, overrides: Record<string, unknown>): Promise<RenderSide> {
    return side(await fixtureVariant(stack, { overrides }), readFixtureConfig(stack, { overrides }));
}

describe("change review", () => {
    let dev: RenderSide;
    let prd: RenderSide;
    before(async () => {
        dev = side(await fixtureRun("dev"), readFixtureConfig("dev"));
        prd = side(await fixtureRun("prd"), readFixtureConfig("prd"));
    });

    it("reports no changes, exit 0, when nothing changed", () => {
        const diff = stackChange("dev", dev, dev);
        expect(diff.resources).to.deep.equal([]);
        expect(diff.config).to.deep.equal([]);
        expect(exitStatus([diff])).to.equal(EXIT_STATUS.noChanges);
        expect(formatStackChange(diff, "abc1234")).to.equal("== dev: no changes (against abc1234)");
    });

    it("shows an added app as created, and the changed rule priority of the app it now precedes", async () => {
        const apps = fixtureSection("dev", "apps");
        apps.api = { ...apps.web, hosts: ["api.dev.example.com"] };
        const diff = stackChange("dev", dev, await variantSide("dev", { "eks-platform:apps": apps }));
        const created = diff.resources.filter((r) => r.kind === "create").map((r) => r.label);
        expect(created).to.include.members(["Deployment api/api", "aws:lb/listenerRule:ListenerRule alb-api", "Namespace api"]);
        const webRule = diff.resources.find((r) => r.label === "aws:lb/listenerRule:ListenerRule alb-web")!;
        expect(webRule.kind).to.equal("update");
        expect(webRule.changes.map((c) => c.path)).to.deep.equal(["priority"]);
        expect(exitStatus([diff])).to.equal(EXIT_STATUS.changes);
        expect(diff.resources.filter((r) => r.kind === "delete")).to.deep.equal([]);
    });

    it("names a node group whose instance types change as replaced, with the reason", async () => {
        const cluster = fixtureSection("prd", "cluster");
        const [group] = Object.keys(cluster.nodeGroups);
        cluster.nodeGroups[group].instanceTypes = ["m7g.xlarge", "m6g.xlarge"];
        const diff = stackChange("prd", prd, await variantSide("prd", { "eks-platform:cluster": cluster }));
        const nodeGroup = diff.resources.find((r) => r.label.startsWith("eks:index:ManagedNodeGroup"))!;
        expect(nodeGroup.kind).to.equal("replace");
        expect(nodeGroup.reasons).to.deep.equal([
            "instanceTypes changed; the provider replaces the node group (its nodes are drained and new ones launched) on this input",
        ]);
        expect(formatStackChange(diff, "base")).to.match(/-\/\+ eks:index:ManagedNodeGroup .*\n\s+replaced because instanceTypes changed/);
    });

    it("marks replacing a protected resource as dangerous, first, with exit status 3", async () => {
        const network = { ...fixtureSection("prd", "network"), cidr: "10.99.0.0/16" };
        const diff = stackChange("prd", prd, await variantSide("prd", { "eks-platform:network": network }));
        const vpc = diff.resources.find((r) => r.label.startsWith("awsx:ec2:Vpc "))!;
        expect(dangerousChange(diff.resources[0]), "dangerous changes come first").to.equal(true);
        expect(vpc).to.include({ kind: "replace", protected: true });
        expect(diff.dangerous).to.equal(true);
        expect(exitStatus([diff])).to.equal(EXIT_STATUS.dangerous);
        expect(formatStackChange(diff, "base")).to.contain("!! PROTECTED: replaced");
        expect(markdownReport([diff], "0123456789abcdef")).to.contain("> [!CAUTION]");
    });

    it("reads a rename without an alias as a replacement, and one with an alias as an update", () => {
        const web = dev.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup")!;
        const renamedUrn = web.urn.replace(/::alb-web$/, "::alb-web-v2");
        const renamed = (aliasUrns: string[]): RenderSide => ({
            ...dev,
            resources: dev.resources.map((r) => (r === web ? { ...r, urn: renamedUrn, name: "alb-web-v2" } : r)),
            options: { ...dev.options, [renamedUrn]: { protect: false, aliasUrns } },
        });
        const [replaced] = stackChange("dev", dev, renamed([])).resources;
        expect(replaced).to.include({ kind: "replace", previousUrn: web.urn, urn: renamedUrn });
        expect(replaced.reasons[0]).to.contain("without an alias");
        const moved = stackChange("dev", dev, renamed([web.urn])).resources;
        expect(moved.map((r) => [r.kind, r.previousUrn])).to.deep.equal([["update", web.urn]]);
    });

    it("shows a changed secret as changed, never its value", () => {
        const withSecret = (ciphertext: string): RenderSide => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-change-"));
            const file = fs.readFileSync(path.join(FIXTURE_DIR, "Pulumi.notifier.yaml"), "utf8");
            fs.writeFileSync(
                path.join(dir, "Pulumi.notifier.yaml"),
                file.replace(/^config:\n/m, `config:\n  eks-platform:slackWebhookUrl:\n    secure: ${ciphertext}\n`),
            );
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            return { ...NOTHING, config: flatStackConfig(readStackConfig("notifier", { stackDir: dir, projectDir: dir })) };
        };
        expect(stackChange("notifier", withSecret("v1:AAAAold"), withSecret("v1:AAAAold")).config).to.deep.equal([]);
        const changed = stackChange("notifier", withSecret("v1:AAAAold"), withSecret("v1:AAAAnewciphertext"));
        expect(changed.config.map((c) => c.path)).to.deep.equal(["eks-platform:slackWebhookUrl"]);
        const text = formatStackChange(changed, "base");
        expect(text).to.contain("eks-platform:slackWebhookUrl: [secret] -> [secret] (value changed)");
        expect(text).not.to.contain("newciphertext");
        expect(text).not.to.contain(SECRET_PLACEHOLDER_MARK);
    });

    it("renders a git ref in a worktree it removes again; a stack the ref lacks is all created", function () {
        this.timeout(60_000);
        const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: PROJECT_DIR, encoding: "utf8" }).trim();
        const base = renderAtCommit(head, ["dev", "not-at-base"]);
        expect(base.sides.get("dev")!.resources.length).to.be.greaterThan(100);
        expect(base.sides.get("not-at-base")).to.equal(NOTHING);
        const worktrees = execFileSync("git", ["worktree", "list"], { cwd: PROJECT_DIR, encoding: "utf8" });
        expect(worktrees).not.to.contain("eks-platform-base-");
    });

    it("knows, for every type a fixture declares, what replaces it", async () => {
        const types = new Set<string>();
        for (const stack of ["dev", "stg", "prd", "fargate", "notifier", "autoscaler"]) {
            (await fixtureRun(stack)).resources.forEach((r) => types.add(r.type));
        }
        const unknown = [...types].filter(
            (t) =>
                !(t in REPLACING_INPUTS) &&
                !NO_REPLACING_INPUTS.includes(t) &&
                !t.startsWith("eks-platform:") &&
                !t.startsWith("pulumi:providers:"),
        );
        expect(unknown, "look these up in the provider source at its pinned version and add them to offline/replacements.ts").to.deep.equal(
            [],
        );
    });

    it("takes stacks, --all, --base and --markdown, and refuses an option it does not know", () => {
        expect(parseDiffArgs(["prd", "--base", "main", "--markdown", "out.md"])).to.deep.include({
            stacks: ["prd"],
            base: "main",
            markdown: "out.md",
        });
        expect(parseDiffArgs(["--all"]).all).to.equal(true);
        expect(() => parseDiffArgs(["prd", "--base"])).to.throw("--base needs a value");
        expect(() => parseDiffArgs(["prd", "--bsae", "main"])).to.throw("unknown option --bsae");
        expect(() => resolveCommit("no-such-branch")).to.throw(
            "--base no-such-branch: no such commit, branch or tag in this repository (e.g. main, origin/main, HEAD~1, a SHA)",
        );
    });
});
