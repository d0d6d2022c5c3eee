/**
 * What a stage's protection reaches and what the cluster leaves behind: `protect` keeps the
 * cluster, its key and the VPC, never the access a team edits; the control-plane log group is the
 * program's, with the stage's retention, made before the cluster and deleted after it.
 */
import { expect } from "chai";
import { controlPlaneLogGroupName } from "../components/cluster/eks-cluster";
import { STAGE_PROFILES } from "../stacks/schema/stage";
import { configProblems } from "./support/config-problems";
import { FIXTURE_DIR, fixtureRun, fixtureSection, fixtureVariant } from "./support/fixtures";
import { ProgramRun, resourceNamed, resourcesOfType } from "../offline/program-run";

const CLUSTER = "eks:index:Cluster";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** The fargate fixture deployed as a prd stage: protection on. */
function prdRun(edit: (cluster: any) => void = () => undefined): Promise<ProgramRun> {
    const cluster = fixtureSection("fargate", "cluster");
    edit(cluster);
    return fixtureVariant("fargate", { overrides: { "eks-platform:stage": "prd", "eks-platform:cluster": cluster } });
}

function protectedUrns(run: ProgramRun): Set<string> {
    return new Set([...run.options].filter(([, o]) => o.protect).map(([urn]) => urn));
}

describe("stage protection", () => {
    it("in prd protects the cluster, its secrets key and the VPC, and no access entry", async () => {
        const run = await prdRun((c) => c.adminRoleArns.push("arn:aws:iam::210987654321:role/oncall"));
        const protectedSet = protectedUrns(run);
        expect(protectedSet.has(resourceNamed(run, CLUSTER, "eks-cluster").urn)).to.equal(true);
        expect(protectedSet.has(resourceNamed(run, "aws:kms/key:Key", "eks-secrets").urn)).to.equal(true);
        expect(protectedSet.has(resourceNamed(run, "awsx:ec2:Vpc", "network-vpc").urn)).to.equal(true);
        const access = [
            ...resourcesOfType(run, "aws:eks/accessEntry:AccessEntry"),
            ...resourcesOfType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
        ];
        expect(access.map((r) => r.name)).to.include.members(["eks-admin-ops-admin", "eks-admin-oncall", "eks-ci-preview"]);
        for (const entry of access) {
            expect(protectedSet.has(entry.urn), `${entry.name} is editable in prd`).to.equal(false);
            // Children of the remote eks.Cluster would inherit its protect: these sit beside it.
            expect(entry.parent, entry.name).to.equal(resourceNamed(run, "eks-platform:cluster:EksCluster", "eks").urn);
        }
    });

    it("outside prd protects nothing", async () => {
        expect(protectedUrns(await fixtureRun("fargate")).size).to.equal(0);
    });

    it("names admin entries by role, so removing the first admin touches only its own entry", async () => {
        const both = await prdRun((c) => c.adminRoleArns.push("arn:aws:iam::210987654321:role/oncall"));
        const second = await prdRun((c) => {
            c.adminRoleArns = ["arn:aws:iam::210987654321:role/oncall"];
        });
        const urnsOf = (run: ProgramRun) => new Set(run.resources.map((r) => r.urn));
        const removed = [...urnsOf(both)].filter((urn) => !urnsOf(second).has(urn));
        expect(removed.map((urn) => urn.split("::").pop())).to.deep.equal([
            "eks-admin-ops-admin",
            "eks-admin-ops-admin-AmazonEKSClusterAdminPolicy",
        ]);
        const entryOf = (run: ProgramRun) => resourceNamed(run, "aws:eks/accessEntry:AccessEntry", "eks-admin-oncall").inputs;
        expect(entryOf(second)).to.deep.equal(entryOf(both));
    });
});

describe("control-plane log group", () => {
    it("is created before the cluster, named where EKS writes, with the stage's retention", async () => {
        const run = await fixtureRun("fargate");
        const logs = resourceNamed(run, LOG_GROUP, "eks-control-plane");
        const cluster = resourceNamed(run, CLUSTER, "eks-cluster");
        expect(logs.inputs).to.deep.include({
            name: `/aws/eks/${cluster.inputs.name}/cluster`,
            retentionInDays: STAGE_PROFILES.stg.controlPlaneLogRetentionDays,
        });
        expect(controlPlaneLogGroupName("c1")).to.equal("/aws/eks/c1/cluster");
        // Deleted after the cluster too: the engine deletes dependents first.
        expect(run.options.get(cluster.urn)!.dependsOn).to.include(logs.urn);
        expect(run.options.get(logs.urn)!.protect).to.equal(false);
    });

    it("keeps prd's logs a year unless the stack says otherwise", async () => {
        expect(resourceNamed(await prdRun(), LOG_GROUP, "eks-control-plane").inputs.retentionInDays).to.equal(365);
        expect(
            resourceNamed(
                await prdRun((c) => {
                    c.logRetentionDays = 731;
                }),
                LOG_GROUP,
                "eks-control-plane",
            ).inputs.retentionInDays,
        ).to.equal(731);
    });

    it("refuses a retention CloudWatch does not accept", () => {
        const cluster = fixtureSection("fargate", "cluster");
        cluster.logRetentionDays = 45;
        expect(configProblems("fargate", { stackDir: FIXTURE_DIR, overrides: { "eks-platform:cluster": cluster } })).to.deep.equal([
            "[fargate] eks-platform:cluster.logRetentionDays = 45: expected one of the retentions CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ]);
    });
});

describe("admin access entries by role name", () => {
    it("refuses two admin roles of one name (in two accounts), which would share an entry's name", () => {
        const cluster = fixtureSection("fargate", "cluster");
        cluster.adminRoleArns = ["arn:aws:iam::210987654321:role/ops-admin", "arn:aws:iam::111111111111:role/team/ops-admin"];
        expect(configProblems("fargate", { stackDir: FIXTURE_DIR, overrides: { "eks-platform:cluster": cluster } })).to.deep.equal([
            '[fargate] eks-platform:cluster.adminRoleArns = ["arn:aws:iam::210987654321:role/ops-admin","arn:aws:iam::111111111111:role/team/ops-admin"]: expected roles with distinct names (the part after the last \'/\'): each admin\'s access entry is named by it',
        ]);
    });
});
