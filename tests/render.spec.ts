import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { manifestFiles, renderStack } from "../scripts/render";
import { StackConfigError } from "../stacks/config";
import { runProgram } from "../offline/program-run";
import { committedStackProblems, committedStacksReport, SPEC_DAY } from "./support/committed-stacks";
import { FIXTURE_DIR } from "./support/fixtures";
import { PROJECT_DIR, projectStacks, SECRET_PLACEHOLDER_MARK } from "../offline/stack-files";

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

function renderCli(project: string, stacks: string[]) {
    return spawnSync(
        process.execPath,
        [
            "-r",
            path.join(PROJECT_DIR, "scripts", "register.js"),
            path.join(PROJECT_DIR, "scripts", "render.ts"),
            ...stacks,
            "--project",
            project,
            "--out",
            path.join(project, "out"),
        ],
        { cwd: PROJECT_DIR, encoding: "utf8" },
    );
}

describe("offline render", () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    for (const stack of projectStacks()) {
        describe(stack, () => {
            let resources: any[];
            let dir: string;
            before(async () => {
                ({ dir } = await renderStack(stack, { outDir }));
                resources = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8"));
            });

            it("writes resources.json with urn, type, name, parent, dependencies and inputs per resource", () => {
                expect(resources.length).to.be.greaterThan(10);
                for (const r of resources) {
                    expect(Object.keys(r)).to.deep.equal(["urn", "type", "name", "parent", "dependencies", "inputs"]);
                    expect(r.urn).to.equal(`urn:pulumi:${stack}::eks-platform::${r.urn.split("::")[2]}::${r.name}`);
                }
                const urns = new Set(resources.map((r) => r.urn));
                expect(urns.size, "URNs are unique").to.equal(resources.length);
                for (const r of resources) {
                    expect(r.parent === null || urns.has(r.parent), `${r.urn} parent`).to.equal(true);
                    r.dependencies.forEach((d: string) => expect(urns.has(d), `${r.urn} -> ${d}`).to.equal(true));
                }
            });

            it("has the cluster and the VPC", () => {
                const types = resources.map((r) => r.type);
                expect(types).to.include("eks:index:Cluster");
                expect(types).to.include("awsx:ec2:Vpc");
            });

            it("never writes a secret in plain text", () => {
                for (const file of filesUnder(dir)) {
                    expect(fs.readFileSync(file, "utf8"), file).not.to.contain(SECRET_PLACEHOLDER_MARK);
                }
            });

            it("writes every Kubernetes object as parseable YAML with apiVersion, kind and a name", () => {
                const manifests = path.join(dir, "manifests");
                for (const file of fs.existsSync(manifests) ? filesUnder(manifests) : []) {
                    const object = parse(fs.readFileSync(file, "utf8"));
                    expect(object, file).to.include.keys("apiVersion", "kind", "metadata");
                    expect(object.metadata.name, file).to.be.a("string");
                }
            });
        });
    }

    it("stops a bad config before registering anything", async () => {
        const error = await runProgram({ stackDir: FIXTURE_DIR, stack: "dev", overrides: { "eks-platform:stage": "qa" } }).then(
            () => {
                throw new Error("expected the run to fail");
            },
            (e) => e,
        );
        expect(error).to.be.instanceOf(StackConfigError);
        expect(error.registeredBeforeFailure).to.equal(0);
    });

    it("exits non-zero with the config error, naming the key and the value, and writes nothing", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "bad-stack-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            const devFile = fs.readFileSync(path.join(FIXTURE_DIR, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(
                path.join(project, "Pulumi.bad.yaml"),
                devFile.replace('kubernetesVersion: "1.36"', 'kubernetesVersion: "1.29"'),
            );
            const result = renderCli(project, ["bad"]);
            expect(result.status).to.equal(1);
            expect(result.stderr).to.contain(
                '[bad] eks-platform:cluster.kubernetesVersion = "1.29": expected a supported Kubernetes minor',
            );
            expect(result.stdout).not.to.contain("resources by type");
            expect(fs.existsSync(path.join(project, "out"))).to.equal(false);
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });

    it("renders every stack it is given, reports each bad one (YAML errors by file and line) and removes their stale output", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            const devFile = fs.readFileSync(path.join(FIXTURE_DIR, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(path.join(project, "Pulumi.good.yaml"), devFile);
            fs.writeFileSync(path.join(project, "Pulumi.bad.yaml"), devFile.replace("natGateways: single", "natGateways: one"));
            // An unclosed flow sequence: the classic hand-edit slip.
            fs.writeFileSync(path.join(project, "Pulumi.broken.yaml"), devFile.replace("cidr: 10.10.0.0/16", "cidr: [10.10.0.0/16"));
            const line = devFile.split("\n").findIndex((l) => l.includes("cidr: 10.10.0.0/16")) + 1;
            expect(line).to.be.greaterThan(0);
            const stale = path.join(project, "out", "bad", "resources.json");
            fs.mkdirSync(path.dirname(stale), { recursive: true });
            fs.writeFileSync(stale, "[]");

            const result = renderCli(project, ["bad", "broken", "good"]);
            expect(result.status).to.equal(1);
            expect(result.stderr).to.contain('[bad] eks-platform:network.natGateways = "one": expected "single" or "onePerAz"');
            expect(result.stderr).to.match(new RegExp(`Pulumi\\.broken\\.yaml:${line + 1}:\\d+: invalid YAML: `));
            expect(result.stderr).to.contain("2 of 3 stacks failed to render: bad, broken");
            expect(fs.existsSync(path.join(project, "out", "bad")), "stale output of a refused stack").to.equal(false);
            expect(fs.existsSync(path.join(project, "out", "good", "resources.json"))).to.equal(true);
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });
});

describe("committed stack files", () => {
    it("are judged on the real date, and say why a stack leaving standard support stops the suite", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "late-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            fs.copyFileSync(path.join(FIXTURE_DIR, "Pulumi.stg.yaml"), path.join(project, "Pulumi.stg.yaml"));
            const late = committedStackProblems(project, new Date("2027-03-28T12:00:00Z"));
            expect(late).to.have.length(1);
            expect(late[0]).to.contain(
                '[stg] eks-platform:cluster.kubernetesVersion = "1.35": expected a minor in EKS standard support: 1.35 left it on 2027-03-27',
            );
            expect(committedStacksReport(late)).to.contain("The committed stacks are checked on today's date on purpose");
            expect(
                committedStacksReport([
                    'Stack "stg" has 1 configuration problem; nothing was created:\n  - [stg] eks-platform:network.natGateways = "x": expected "single" or "onePerAz"',
                ]),
            ).not.to.contain("on purpose");
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });

    it("are checked once before any spec: a typo in one file is one message, naming it", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "typo-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            for (const stack of ["dev", "stg", "prd"]) {
                fs.copyFileSync(path.join(FIXTURE_DIR, `Pulumi.${stack}.yaml`), path.join(project, `Pulumi.${stack}.yaml`));
            }
            // On the specs' pinned day: this is about typos, not support windows.
            expect(committedStackProblems(project, SPEC_DAY)).to.deep.equal([]);
            const stg = fs.readFileSync(path.join(project, "Pulumi.stg.yaml"), "utf8");
            fs.writeFileSync(path.join(project, "Pulumi.stg.yaml"), stg.replace("natGateways: onePerAz", "natGateways: onePerAZ"));
            expect(committedStackProblems(project, SPEC_DAY)).to.deep.equal([
                'Stack "stg" has 1 configuration problem; nothing was created:\n  - [stg] eks-platform:network.natGateways = "onePerAZ": expected "single" or "onePerAz"',
            ]);
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });
});

describe("manifest file names", () => {
    it("name each object by kind, namespace and name, not by its position, and tell two of one name apart", () => {
        const object = (kind: string, name: string, namespace?: string) => ({
            kind,
            metadata: { name, ...(namespace ? { namespace } : {}) },
        });
        expect(
            manifestFiles([
                object("Namespace", "web"),
                object("Deployment", "web", "web"),
                object("ClusterRole", "eks-platform:ci-preview"),
                object("Namespace", "web"),
            ]).map(([name]) => name),
        ).to.deep.equal([
            "namespace-web.yaml",
            "deployment-web-web.yaml",
            "clusterrole-eks-platform_ci-preview.yaml",
            "namespace-web-2.yaml",
        ]);
    });
});
