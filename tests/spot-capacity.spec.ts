/**
 * Spot on a fresh account: EC2's Spot service-linked role may not exist yet, and the stack must
 * neither depend on it nor declare it (it is one per account).
 */
import { expect } from "chai";
import { fixtureRun, fixtureVariant, FIXTURE_DIR } from "./support/fixtures";
import { ProgramRun, resourceNamed, resourcesOfType } from "./support/program-run";
import { readStackConfig } from "./support/stack-files";

function karpenterPolicy(run: ProgramRun): any[] {
    return JSON.parse(resourceNamed(run, "aws:iam/rolePolicy:RolePolicy", "eks-addons-karpenter").inputs.policy as string).Statement;
}

describe("spot capacity on a fresh account", () => {
    it("lets Karpenter create AWSServiceRoleForEC2Spot on its first spot launch, and declares no service-linked role", async () => {
        const run = await fixtureRun("notifier");
        const statement = karpenterPolicy(run).find((s) => s.Sid === "AllowSpotServiceLinkedRoleCreation");
        expect(statement).to.deep.include({
            Action: "iam:CreateServiceLinkedRole",
            Resource: "arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
            Condition: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
        });
        expect(resourcesOfType(run, "aws:iam/serviceLinkedRole:ServiceLinkedRole")).to.deep.equal([]);
    });

    it("grants nothing of the kind when no pool buys spot", async () => {
        const cluster = JSON.parse(readStackConfig("notifier", { stackDir: FIXTURE_DIR }).values["eks-platform:cluster"]!);
        cluster.nodePools.spot.capacityTypes = ["on-demand"];
        const run = await fixtureVariant("notifier", { overrides: { "eks-platform:cluster": cluster } });
        expect(karpenterPolicy(run).map((s) => s.Action).flat()).not.to.include("iam:CreateServiceLinkedRole");
    });
});
