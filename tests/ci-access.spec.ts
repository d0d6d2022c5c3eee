/**
 * Who reaches the cluster API, and from where: access entries per identity, config refusals of
 * entries EKS would reject, and workflows that run Pulumi only where the endpoint admits them.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { parse } from "yaml";
import { PREVIEW_GROUP, PREVIEW_READABLE, previewClusterRoleRules } from "../components/cluster/access";
import { kubernetesObjects } from "../scripts/render";
import { ciSettings, projectStacks } from "../scripts/ci-settings";
import { resourceNamed, runProgram, stackRun } from "./support/program-run";
import { accessEntries, adminPrincipals } from "./support/access";
import { fixtureRun } from "./support/fixtures";
import { configProblems } from "./support/config-problems";
import { PROJECT_DIR, stackSection } from "./support/stack-files";
import { fieldReportRun } from "./support/compute-variants";

const CLUSTER = "eks:index:Cluster";

function withSections(stack: string, edits: Record<string, (value: any) => void>) {
    const overrides: Record<string, unknown> = {};
    for (const [section, edit] of Object.entries(edits)) {
        const value = stackSection(stack, section);
        edit(value);
        overrides[`eks-platform:${section}`] = value;
    }
    return { overrides };
}

function workflows(): Record<string, any> {
    const dir = path.join(PROJECT_DIR, ".github", "workflows");
    return Object.fromEntries(fs.readdirSync(dir).map((file) => [file, parse(fs.readFileSync(path.join(dir, file), "utf8"))]));
}

/** Every step of a job, by the action it uses or the command it runs. */
function runsPulumi(job: any): boolean {
    return (job.steps ?? []).some((step: any) => /^pulumi\/actions@/.test(step.uses ?? "") || /\bpulumi\s/.test(step.run ?? ""));
}

describe("cluster access", () => {
    it("gives admins cluster admin, the preview role its group, and the deploy role no entry (EKS bootstraps its creator)", async () => {
        const run = await fixtureRun("fargate");
        const entries = accessEntries(run);
        expect(entries["eks-ci-preview"]).to.deep.include({
            principalArn: "arn:aws:iam::210987654321:role/fixture-preview", kubernetesGroups: [PREVIEW_GROUP], type: "STANDARD",
        });
        expect(Object.values(entries).map((e) => e.principalArn)).not.to.include("arn:aws:iam::210987654321:role/fixture-deploy");
        expect(adminPrincipals(run)).to.deep.equal(["arn:aws:iam::210987654321:role/ops-admin"]);
        expect(resourceNamed(run, CLUSTER, "eks-cluster").inputs.authenticationMode).to.equal("API");
        expect(resourceNamed(run, CLUSTER, "eks-cluster").inputs).not.to.have.property("accessEntries");
    });

    it("lets the preview group only read, never a Secret, never write, delete, escalate or impersonate", async () => {
        const run = await fixtureRun("fargate");
        const role = resourceNamed(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "eks-ci-preview");
        expect(role.inputs.rules).to.deep.equal(previewClusterRoleRules());
        for (const rule of role.inputs.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
            expect(rule.verbs).to.deep.equal(["get", "list", "watch"]);
            expect(rule.resources).not.to.include.members(["*", "secrets"]);
            expect(rule.apiGroups).not.to.include("*");
        }
        const binding = resourceNamed(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "eks-ci-preview");
        expect(binding.inputs.subjects).to.deep.equal([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }]);
    });

    it("lets the preview group read every kind any stack applies but Secrets (a new kind must be added to PREVIEW_READABLE)", async () => {
        const readable = new Set(PREVIEW_READABLE.flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.map((r) => `${group}/${r}`))));
        const runs = [await fixtureRun("fargate"), await fixtureRun("notifier"), await fieldReportRun("prd"), ...await Promise.all(projectStacks().map(stackRun))];
        const kinds = new Set<string>();
        for (const object of runs.flatMap((run) => kubernetesObjects(run.resources))) {
            const group = String(object.apiVersion).includes("/") ? String(object.apiVersion).split("/")[0] : "";
            const kind = String(object.kind).toLowerCase();
            const resource = `${group}/${kind.endsWith("s") ? `${kind}es` : `${kind}s`}`;
            kinds.add(resource);
            expect(readable.has(resource) || resource === "/secrets", `${object.apiVersion} ${object.kind}`).to.equal(true);
        }
        expect(kinds.has("/secrets"), "the runs apply Secrets, which the preview must not read").to.equal(true);
    });

    it("creates no preview entry or RBAC when the stack names no preview role", async () => {
        const run = await runProgram({ stack: "dev", ...withSections("dev", { ci: (c) => { delete c.previewRoleArn; } }) });
        expect(accessEntries(run)).not.to.have.property("eks-ci-preview");
        expect(run.resources.filter((r) => r.name === "eks-ci-preview")).to.deep.equal([]);
    });

    describe("refuses", () => {
        it("the deploy role among the admins: EKS already made its creator admin", () => {
            expect(configProblems("prd", withSections("prd", { cluster: (c) => { c.adminRoleArns.push("arn:aws:iam::333344445555:role/eks-platform-deploy"); } })))
                .to.deep.equal([
                    '[prd] eks-platform:cluster.adminRoleArns = "arn:aws:iam::333344445555:role/eks-platform-deploy": expected the deploy role (ci.deployRoleArn) not to be listed: it creates the cluster, so EKS already made it admin, and a second entry fails with ResourceInUseException',
                ]);
        });

        it("an admin listed twice", () => {
            expect(configProblems("prd", withSections("prd", { cluster: (c) => { c.adminRoleArns.push(c.adminRoleArns[0]); } }))).to.deep.equal([
                '[prd] eks-platform:cluster.adminRoleArns = ["arn:aws:iam::333344445555:role/platform-admin"]: expected each role once: EKS allows one access entry per principal',
            ]);
        });

        it("a preview role that is also an admin or the deploy role", () => {
            for (const role of ["arn:aws:iam::333344445555:role/platform-admin", "arn:aws:iam::333344445555:role/eks-platform-deploy"]) {
                expect(configProblems("prd", withSections("prd", { ci: (c) => { c.previewRoleArn = role; } }))).to.deep.equal([
                    `[prd] eks-platform:ci.previewRoleArn = "${role}": expected a role of its own, neither an admin nor the deploy role: EKS allows one access entry per principal`,
                ]);
            }
        });

        it("a GitHub-hosted runner label, and labels without self-hosted", () => {
            expect(configProblems("stg", withSections("stg", { ci: (c) => { c.runnerLabels = ["ubuntu-latest"]; } }))).to.deep.equal([
                '[stg] eks-platform:ci.runnerLabels.0 = "ubuntu-latest": expected a self-hosted runner label: GitHub-hosted runners have shared, changing addresses that the API endpoint cannot admit',
                '[stg] eks-platform:ci.runnerLabels = ["ubuntu-latest"]: expected the label self-hosted among them: Pulumi runs on runners whose network path to the API is known',
            ]);
        });

        it("runners the public endpoint does not admit", () => {
            expect(configProblems("prd", withSections("prd", { ci: (c) => { c.runnerCidrs = ["192.0.2.7/32"]; } }))).to.deep.equal([
                '[prd] eks-platform:ci.runnerCidrs = ["192.0.2.7/32"]: expected runner networks inside the VPC (10.30.0.0/16, private endpoint) or inside cluster.endpoint.publicAccessCidrs: CI could not reach the API endpoint',
            ]);
        });

        it("a private-only endpoint with runners outside the VPC (and CIDRs left for the public one)", () => {
            expect(configProblems("dev", withSections("dev", { cluster: (c) => { c.endpoint.publicAccess = false; } }))).to.deep.equal([
                '[dev] eks-platform:cluster.endpoint.publicAccessCidrs = ["203.0.113.0/24","198.51.100.10/32"]: expected no CIDRs when publicAccess is false (the endpoint is private only)',
                '[dev] eks-platform:ci.runnerCidrs = ["198.51.100.10/32"]: expected runner networks inside the VPC (10.10.0.0/16): the endpoint is private only, so CI could not reach it',
            ]);
        });

        it("a stack without its CI section", () => {
            expect(configProblems("dev", { overrides: { "eks-platform:ci": undefined } })).to.deep.equal([
                "[dev] eks-platform:ci = (not set): is required: expected object",
            ]);
        });
    });
});

describe("CI workflows", () => {
    let settings: ReturnType<typeof ciSettings>;
    before(() => { settings = ciSettings(); });

    it("read each stack's runners, roles and region from its config", () => {
        expect(Object.keys(settings)).to.deep.equal(projectStacks());
        for (const stack of projectStacks()) {
            const ci = stackSection(stack, "ci");
            expect(settings[stack]).to.deep.equal({
                runnerLabels: ci.runnerLabels, region: "eu-west-1", deployRoleArn: ci.deployRoleArn, previewRoleArn: ci.previewRoleArn,
            });
        }
    });

    it("run Pulumi on no GitHub-hosted runner: runs-on comes from the stack's runnerLabels", () => {
        const jobs = Object.entries(workflows()).flatMap(([file, workflow]) => Object.entries<any>(workflow.jobs).map(([name, job]) => [`${file} ${name}`, job] as const));
        const pulumiJobs = jobs.filter(([, job]) => runsPulumi(job));
        expect(pulumiJobs.map(([name]) => name)).to.have.members(["preview.yml preview", "pulumi-up.yml up"]);
        for (const [name, job] of pulumiJobs) {
            expect(job["runs-on"], name).to.be.a("string").and.to.match(/^\$\{\{ fromJSON\(.*\)(\[matrix\.stack\])?\.runnerLabels \}\}$/);
        }
        for (const [name, job] of jobs.filter(([, job]) => !runsPulumi(job) && !job.uses)) {
            expect(JSON.stringify(job.steps), `${name} runs no Pulumi`).not.to.match(/pulumi\/actions|configure-aws-credentials/);
        }
    });

    it("assume the preview role to preview and the deploy role to deploy, in the stack's region", () => {
        const { "preview.yml": preview, "pulumi-up.yml": up } = workflows();
        const credentials = (job: any) => job.steps.find((s: any) => /^aws-actions\/configure-aws-credentials@/.test(s.uses ?? "")).with;
        expect(credentials(preview.jobs.preview)).to.deep.equal({
            "role-to-assume": "${{ fromJSON(needs.test.outputs.stacks)[matrix.stack].previewRoleArn }}",
            "aws-region": "${{ fromJSON(needs.test.outputs.stacks)[matrix.stack].region }}",
        });
        expect(credentials(up.jobs.up)).to.deep.equal({
            "role-to-assume": "${{ fromJSON(inputs.settings).deployRoleArn }}",
            "aws-region": "${{ fromJSON(inputs.settings).region }}",
        });
        expect(preview.jobs.preview.strategy.matrix.stack).to.deep.equal(["dev", "stg", "prd"]);
    });

    it("deploy every stack, each with its own settings", () => {
        const { "deploy.yml": deploy } = workflows();
        const deployed = Object.values<any>(deploy.jobs).filter((job) => job.uses === "./.github/workflows/pulumi-up.yml");
        expect(deployed.map((job) => job.with.stack)).to.have.members(projectStacks());
        for (const job of deployed) {
            expect(job.with.settings).to.equal(`\${{ toJSON(fromJSON(needs.test.outputs.stacks).${job.with.stack}) }}`);
            expect(job.needs).to.include("test");
        }
    });
});
