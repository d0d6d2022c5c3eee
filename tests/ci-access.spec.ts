/**
 * Who reaches the cluster API, and from where: access entries per identity, config refusals of
 * entries EKS would reject, and workflows that run Pulumi only where the endpoint admits them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { parse } from "yaml";
import { PREVIEW_GROUP, PREVIEW_READABLE, previewClusterRoleRules } from "../components/cluster/access";
import { kubernetesObjects } from "../scripts/render";
import { ciRoles } from "../scripts/ci-roles";
import { ciSettings, ciSettingsCli, projectStacks, stacksOfStage } from "../scripts/ci-settings";
import { parseStackConfig } from "../stacks/config";
import { ciEnvironments } from "../stacks/schema/ci";
import { resourceNamed, runProgram, stackRun } from "../offline/program-run";
import { accessEntries, adminPrincipals } from "./support/access";
import { FIXTURE_DIR, fixtureRun, fixtureSection, readFixtureConfig } from "./support/fixtures";
import { configProblems } from "./support/config-problems";
import { PROJECT_DIR, readStackConfig, stackSection } from "../offline/stack-files";
import { fieldReportRun } from "./support/compute-variants";

const CLUSTER = "eks:index:Cluster";

function withSections(stack: string, edits: Record<string, (value: any) => void>) {
    const overrides: Record<string, unknown> = {};
    for (const [section, edit] of Object.entries(edits)) {
        const value = fixtureSection(stack, section);
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
            principalArn: "arn:aws:iam::210987654321:role/fixture-preview",
            kubernetesGroups: [PREVIEW_GROUP],
            type: "STANDARD",
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
        const readable = new Set(
            PREVIEW_READABLE.flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.map((r) => `${group}/${r}`))),
        );
        const runs = [
            await fixtureRun("fargate"),
            await fixtureRun("notifier"),
            await fieldReportRun("prd"),
            ...(await Promise.all(projectStacks().map(stackRun))),
        ];
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
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "dev",
            ...withSections("dev", {
                ci: (c) => {
                    delete c.previewRoleArn;
                },
            }),
        });
        expect(accessEntries(run)).not.to.have.property("eks-ci-preview");
        expect(run.resources.filter((r) => r.name === "eks-ci-preview")).to.deep.equal([]);
    });

    describe("refuses", () => {
        it("the deploy role among the admins: EKS already made its creator admin", () => {
            expect(
                configProblems(
                    "prd",
                    withSections("prd", {
                        cluster: (c) => {
                            c.adminRoleArns.push("arn:aws:iam::333344445555:role/eks-platform-deploy");
                        },
                    }),
                ),
            ).to.deep.equal([
                '[prd] eks-platform:cluster.adminRoleArns = "arn:aws:iam::333344445555:role/eks-platform-deploy": expected the deploy role (ci.deployRoleArn) not to be listed: it creates the cluster, so EKS already made it admin, and a second entry fails with ResourceInUseException',
            ]);
        });

        it("an admin listed twice", () => {
            expect(
                configProblems(
                    "prd",
                    withSections("prd", {
                        cluster: (c) => {
                            c.adminRoleArns.push(c.adminRoleArns[0]);
                        },
                    }),
                ),
            ).to.deep.equal([
                '[prd] eks-platform:cluster.adminRoleArns = ["arn:aws:iam::333344445555:role/platform-admin"]: expected each role once: EKS allows one access entry per principal',
            ]);
        });

        it("a preview role that is also an admin or the deploy role", () => {
            for (const role of ["arn:aws:iam::333344445555:role/platform-admin", "arn:aws:iam::333344445555:role/eks-platform-deploy"]) {
                expect(
                    configProblems(
                        "prd",
                        withSections("prd", {
                            ci: (c) => {
                                c.previewRoleArn = role;
                            },
                        }),
                    ),
                ).to.deep.equal([
                    `[prd] eks-platform:ci.previewRoleArn = "${role}": expected a role of its own, neither an admin nor the deploy role: EKS allows one access entry per principal`,
                ]);
            }
        });

        it("a GitHub-hosted runner label, and labels without self-hosted", () => {
            expect(
                configProblems(
                    "stg",
                    withSections("stg", {
                        ci: (c) => {
                            c.runnerLabels = ["ubuntu-latest"];
                        },
                    }),
                ),
            ).to.deep.equal([
                '[stg] eks-platform:ci.runnerLabels.0 = "ubuntu-latest": expected a self-hosted runner label: GitHub-hosted runners have shared, changing addresses that the API endpoint cannot admit',
                '[stg] eks-platform:ci.runnerLabels = ["ubuntu-latest"]: expected the label self-hosted among them: Pulumi runs on runners whose network path to the API is known',
            ]);
        });

        it("runners the public endpoint does not admit", () => {
            expect(
                configProblems(
                    "prd",
                    withSections("prd", {
                        ci: (c) => {
                            c.runnerCidrs = ["192.0.2.7/32"];
                        },
                    }),
                ),
            ).to.deep.equal([
                '[prd] eks-platform:ci.runnerCidrs = ["192.0.2.7/32"]: expected runner networks inside the VPC (10.30.0.0/16, private endpoint) or inside cluster.endpoint.publicAccessCidrs: CI could not reach the API endpoint',
            ]);
        });

        it("a private-only endpoint with runners outside the VPC (and CIDRs left for the public one)", () => {
            expect(
                configProblems(
                    "dev",
                    withSections("dev", {
                        cluster: (c) => {
                            c.endpoint.publicAccess = false;
                        },
                    }),
                ),
            ).to.deep.equal([
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
    before(() => {
        settings = ciSettings();
    });
    const files = workflows();
    const jobs = Object.entries(files).flatMap(([file, workflow]) =>
        Object.entries<any>(workflow.jobs).map(([name, job]) => [`${file} ${name}`, job] as const),
    );
    const pulumiJobs = jobs.filter(([, job]) => runsPulumi(job));
    const step = (job: any, uses: RegExp) => job.steps.find((s: any) => uses.test(s.uses ?? ""));

    it("read each stack's stage, runners, roles, environments and region from its config", () => {
        expect(Object.keys(settings)).to.deep.equal(projectStacks());
        for (const stack of projectStacks()) {
            // The committed stack files: the settings the workflows really get.
            const ci = stackSection(stack, "ci");
            expect(settings[stack]).to.deep.include({
                stage: readStackConfig(stack).values["eks-platform:stage"],
                runnerLabels: ci.runnerLabels,
                deployRoleArn: ci.deployRoleArn,
                previewRoleArn: ci.previewRoleArn,
                deployEnvironment: ci.deployEnvironment ?? stack,
                previewEnvironment: ci.previewEnvironment ?? `preview-${stack}`,
            });
        }
    });

    it("default a stack's environments to its name, and list stacks by stage", () => {
        const fixture = parseStackConfig("fargate", readFixtureConfig("fargate"));
        expect(ciEnvironments("fargate", fixture.ci)).to.deep.equal({ deploy: "fargate", preview: "preview-fargate" });
        const byStage = stacksOfStage({ a: { stage: "stg" } as any, b: { stage: "prd" } as any, c: { stage: "stg" } as any }, "stg");
        expect(byStage).to.deep.equal(["a", "c"]);
        expect(ciSettingsCli(["--stacks"])).to.equal(JSON.stringify(projectStacks()));
        expect(() => ciSettingsCli(["--stage", "qa"])).to.throw('ci-settings: unknown stage "qa": expected one of dev, stg, prd');
        expect(() => ciSettingsCli(["--stack", "dev"])).to.throw(
            'ci-settings: unknown arguments "--stack dev": expected none, --stacks, or --stage <dev|stg|prd>',
        );
    });

    it("refuse stacks whose stages run their minors out of order", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "order-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            fs.copyFileSync(path.join(FIXTURE_DIR, "Pulumi.stg.yaml"), path.join(project, "Pulumi.stg.yaml"));
            const prd = fs
                .readFileSync(path.join(FIXTURE_DIR, "Pulumi.prd.yaml"), "utf8")
                .replace('kubernetesVersion: "1.35"', 'kubernetesVersion: "1.36"');
            fs.writeFileSync(path.join(project, "Pulumi.prd.yaml"), prd);
            expect(() => ciSettings(project)).to.throw(
                'ci-settings: the stacks disagree:\n[prd] eks-platform:cluster.kubernetesVersion = "1.36": expected a minor no newer than the stg stacks run (stg 1.35): a prd stack upgrades after a stg stack has run the minor',
            );
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });

    it("run Pulumi on no GitHub-hosted runner: runs-on comes from the stack's runnerLabels", () => {
        expect(pulumiJobs.map(([name]) => name)).to.have.members(["preview.yml preview", "pulumi-up.yml up"]);
        for (const [name, job] of pulumiJobs) {
            expect(job["runs-on"], name)
                .to.be.a("string")
                .and.to.match(/^\$\{\{ fromJSON\(.*\)(\[matrix\.stack\])?\.runnerLabels \}\}$/);
        }
        for (const [name, job] of jobs.filter(([, job]) => !runsPulumi(job) && !job.uses)) {
            expect(JSON.stringify(job.steps), `${name} runs no Pulumi`).not.to.match(/pulumi\/actions|configure-aws-credentials/);
        }
    });

    it("make sure every Pulumi job's runner has the AWS CLI before Pulumi runs", () => {
        for (const [name, job] of pulumiJobs) {
            const tools = job.steps.findIndex((s: any) => s.run === "bash scripts/runner-tools.sh");
            const pulumi = job.steps.findIndex((s: any) => /^pulumi\/actions@/.test(s.uses ?? ""));
            expect(tools, name).to.be.greaterThan(-1).and.lessThan(pulumi);
        }
    });

    it("assume the preview role to preview and the deploy role to deploy, in the stack's region and environment", () => {
        const { "preview.yml": preview, "pulumi-up.yml": up } = files;
        const credentials = (job: any) => step(job, /^aws-actions\/configure-aws-credentials@/).with;
        expect(credentials(preview.jobs.preview)).to.deep.equal({
            "role-to-assume": "${{ fromJSON(needs.test.outputs.stacks)[matrix.stack].previewRoleArn }}",
            "aws-region": "${{ fromJSON(needs.test.outputs.stacks)[matrix.stack].region }}",
        });
        expect(credentials(up.jobs.up)).to.deep.equal({
            "role-to-assume": "${{ fromJSON(inputs.settings).deployRoleArn }}",
            "aws-region": "${{ fromJSON(inputs.settings).region }}",
        });
        expect(preview.jobs.preview.environment).to.equal("${{ fromJSON(needs.test.outputs.stacks)[matrix.stack].previewEnvironment }}");
        expect(up.jobs.up.environment).to.equal("${{ fromJSON(inputs.settings).deployEnvironment }}");
        // The stacks come from the stack files, never a list in the workflow.
        expect(preview.jobs.preview.strategy.matrix.stack).to.equal("${{ fromJSON(needs.test.outputs.names) }}");
    });

    it("preview without refresh, without creating stacks, without writing to the pull request, and never for a fork", () => {
        const job = files["preview.yml"].jobs.preview;
        expect(step(job, /^pulumi\/actions@/).with).to.deep.include({
            "command": "preview",
            "refresh": false,
            "upsert": false,
            "comment-on-pr": false,
        });
        expect(job.if).to.equal("github.event.pull_request.head.repo.full_name == github.repository");
        expect(step(files["pulumi-up.yml"].jobs.up, /^pulumi\/actions@/).with).to.deep.include({ command: "up", upsert: false });
    });

    it("run the preflight as the deploy role before pulumi up, so a failing check stops the job before anything is created", () => {
        const steps: any[] = files["pulumi-up.yml"].jobs.up.steps;
        const at = (test: (s: any) => boolean) => steps.findIndex(test);
        const preflight = at((s) => /^npm run preflight -- "\$STACK"$/.test(s.run ?? ""));
        expect(preflight).to.be.greaterThan(at((s) => /^aws-actions\/configure-aws-credentials@/.test(s.uses ?? "")));
        expect(preflight).to.be.lessThan(at((s) => /^pulumi\/actions@/.test(s.uses ?? "")));
        expect(steps[preflight].env).to.deep.equal({ STACK: "${{ inputs.stack }}" });
    });

    it("review every stack offline in the test job and keep one comment per pull request, edited by each run", () => {
        const { test, comment } = files["preview.yml"].jobs;
        const review = test.steps.find((s: any) => /npm run --silent diff -- --all --base "\$BASE"/.test(s.run ?? ""));
        expect(review, "the offline review step").to.not.equal(undefined);
        expect(review.env.BASE).to.equal("${{ github.event.pull_request.base.sha }}");
        // Exit 2 (changes) and 3 (dangerous changes) are findings for the comment, not failures.
        expect(review.run).to.contain('[ "$status" -ne 1 ]');
        expect(step(test, /^actions\/checkout@/).with["fetch-depth"]).to.equal(0);
        expect(comment.needs).to.include.members(["test", "preview"]);
        expect(JSON.stringify(comment.steps)).to.contain("--edit-last --create-if-none");
    });

    it("give each job only the permissions it needs: PR code never gets a write token, the commenter runs no PR code", () => {
        for (const [file, workflow] of Object.entries(files)) {
            expect(workflow.permissions, `${file}: nothing by default`).to.deep.equal({});
        }
        for (const [name, job] of jobs) {
            const permissions = job.permissions ?? {};
            if (name.endsWith(" test")) {
                expect(permissions, name).to.deep.equal({ contents: "read" });
            } else if (name === "preview.yml comment") {
                expect(permissions, name).to.deep.equal({ "pull-requests": "write" });
                expect(JSON.stringify(job.steps), name).not.to.match(/actions\/checkout|npm /);
            } else {
                expect(permissions, name).to.deep.equal({ "contents": "read", "id-token": "write" });
            }
        }
    });

    it("pin every action to a full commit SHA, with its version for Renovate", () => {
        const raw = Object.keys(files).flatMap((file) =>
            fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", file), "utf8").split("\n"),
        );
        const uses = raw.filter((line) => /^\s*(- )?uses: /.test(line) && !/uses: \.\//.test(line));
        expect(uses.length).to.be.greaterThan(5);
        for (const line of uses) {
            expect(line.trim()).to.match(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
        }
        const renovate = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "renovate.json"), "utf8"));
        expect(renovate.extends).to.include("helpers:pinGitHubActionDigests");
    });

    it("deploy every stack stage by stage, each with its own settings", () => {
        const { "deploy.yml": deploy } = files;
        for (const [stage, needs] of [
            ["dev", "test"],
            ["stg", "dev"],
            ["prd", "stg"],
        ]) {
            const job = deploy.jobs[stage];
            expect(job.uses, stage).to.equal("./.github/workflows/pulumi-up.yml");
            expect(job.strategy.matrix.stack).to.equal(`\${{ fromJSON(needs.test.outputs.${stage}) }}`);
            expect(job.with).to.deep.equal({
                stack: "${{ matrix.stack }}",
                settings: "${{ toJSON(fromJSON(needs.test.outputs.stacks)[matrix.stack]) }}",
            });
            expect([job.needs].flat()).to.include(needs);
        }
        const listed = deploy.jobs.test.steps.find((s: any) => s.id === "settings").run;
        expect(listed).to.contain("ci-settings -- --stage $stage");
    });
});

describe("runner tools", () => {
    const script = path.join(PROJECT_DIR, "scripts", "runner-tools.sh");
    const fakeAws = (version: string) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-"));
        fs.writeFileSync(path.join(dir, "aws"), `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
        return dir;
    };

    it("accepts an AWS CLI v2 on the runner", () => {
        const dir = fakeAws("aws-cli/2.27.50 Python/3.13.4 Linux/6.8 exe/x86_64");
        const result = spawnSync("bash", [script], {
            encoding: "utf8",
            env: { PATH: `${dir}:/usr/bin:/bin`, RUNNER_TOOLS_INSTALL: "false" },
        });
        expect(result.status, result.stdout + result.stderr).to.equal(0);
    });

    it("fails with what to do when the CLI is v1 and installing is off", () => {
        const dir = fakeAws("aws-cli/1.33.0 Python/3.11 Linux/6.8 botocore/1.35");
        const result = spawnSync("bash", [script], {
            encoding: "utf8",
            env: { PATH: `${dir}:/usr/bin:/bin`, RUNNER_TOOLS_INSTALL: "false" },
        });
        expect(result.status).to.equal(1);
        expect(result.stdout).to.contain("::error title=runner tools::AWS CLI v2 not found on this runner (found: aws-cli/1.33.0");
        expect(result.stdout).to.contain("'aws eks get-token'");
    });
});

describe("CI roles", () => {
    it("trust GitHub's OIDC provider for the stack's own environment only: a pull request cannot assume the deploy role", () => {
        const roles = ciRoles("fargate", "acme/shop-platform", { stackDir: FIXTURE_DIR });
        const subject = (role: { trustPolicy: any }) =>
            (role.trustPolicy.Statement as any)[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
        expect(subject(roles.deploy)).to.equal("repo:acme/shop-platform:environment:fargate");
        expect(subject(roles.preview!)).to.equal("repo:acme/shop-platform:environment:preview-fargate");
        expect((roles.deploy.trustPolicy.Statement as any)[0].Principal).to.deep.equal({
            Federated: "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com",
        });
    });

    it("give the preview role read-only metadata access and deny reading data or becoming anyone else", () => {
        const preview = ciRoles("fargate", "acme/shop-platform", { stackDir: FIXTURE_DIR }).preview!;
        expect(preview.managedPolicyArns).to.deep.equal(["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]);
        const [deny] = preview.inlinePolicy!.Statement as any[];
        expect(deny).to.deep.include({ Effect: "Deny", Resource: "*" });
        expect(deny.Action).to.include.members([
            "secretsmanager:GetSecretValue",
            "ssm:GetParameter",
            "kms:Decrypt",
            "sts:AssumeRole",
            "iam:PassRole",
        ]);
    });

    it("refuse a repository that is not owner/repo, and a preview environment that is the deploy one", () => {
        expect(() => ciRoles("fargate", "shop-platform", { stackDir: FIXTURE_DIR })).to.throw(
            'ci-roles: --repository "shop-platform": expected <owner>/<repo>, such as acme/eks-platform',
        );
        const ci = fixtureSection("fargate", "ci");
        Object.assign(ci, { deployEnvironment: "shop", previewEnvironment: "shop" });
        expect(configProblems("fargate", { stackDir: FIXTURE_DIR, overrides: { "eks-platform:ci": ci } })).to.deep.equal([
            '[fargate] eks-platform:ci.previewEnvironment = "shop": expected an environment other than deployEnvironment: the deploy role trusts that environment\'s OIDC subject, and pull-request code runs in the preview job',
        ]);
    });
});
