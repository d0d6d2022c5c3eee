/**
 * Spot on a fresh account: EC2's Spot service-linked role may not exist yet, and the stack must
 * neither depend on it nor declare it (it is one per account). Spot interruptions reach the
 * controllers through SQS queues that only TLS may use.
 */
import { expect } from "chai";
import { fieldReportRun } from "./support/compute-variants";
import { fixtureRun, fixtureSection, fixtureVariant } from "./support/fixtures";
import { ProgramRun, resourceNamed, resourcesOfType } from "../offline/program-run";

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
        const cluster = fixtureSection("notifier", "cluster");
        cluster.nodePools.spot.capacityTypes = ["on-demand"];
        const run = await fixtureVariant("notifier", { overrides: { "eks-platform:cluster": cluster } });
        expect(
            karpenterPolicy(run)
                .map((s) => s.Action)
                .flat(),
        ).not.to.include("iam:CreateServiceLinkedRole");
    });
});

describe("event queues", () => {
    it("every SQS queue, Karpenter's and the termination handler's, refuses requests without TLS", async () => {
        const runs = [await fixtureRun("notifier"), await fieldReportRun("prd")];
        const policies = runs.flatMap((run) => resourcesOfType(run, "aws:sqs/queuePolicy:QueuePolicy").map((p) => ({ run, p })));
        expect(policies.map(({ p }) => p.name)).to.include.members([
            "eks-addons-karpenter-interruption",
            "eks-addons-node-termination-handler",
            "alerts-failed",
        ]);
        // Every queue has a policy: none is left out of the check below.
        for (const run of runs) {
            const urls = resourcesOfType(run, "aws:sqs/queuePolicy:QueuePolicy").map((p) => p.inputs.queueUrl);
            for (const queue of resourcesOfType(run, "aws:sqs/queue:Queue")) {
                expect(urls, `${run.stack} ${queue.name}`).to.include(
                    `https://sqs.eu-west-1.amazonaws.com/123456789012/${queue.inputs.name ?? `${queue.name}-mock`}`,
                );
            }
        }
        for (const { run, p } of policies) {
            const deny = JSON.parse(p.inputs.policy as string).Statement.find((s: any) => s.Effect === "Deny");
            expect(deny, `${run.stack} ${p.name}`).to.deep.include({
                Principal: "*",
                Action: "sqs:*",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        }
    });
});
