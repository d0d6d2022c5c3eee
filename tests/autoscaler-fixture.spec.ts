/**
 * The `autoscaler` fixture: the field report's compute (cluster-autoscaler, an on-demand managed
 * group, a self-managed spot group drained by the termination handler) in a prd stage without
 * Datadog, where CloudWatch alone alerts.
 */
import { expect } from "chai";
import { requiredSecrets } from "../stacks/config";
import { fixtureRun, readFixtureConfig } from "./support/fixtures";
import { resourcesOfType } from "../offline/program-run";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("the autoscaler fixture", () => {
    it("runs cluster-autoscaler and the termination handler, and no Karpenter", async () => {
        const run = await fixtureRun("autoscaler");
        const charts = resourcesOfType(run, RELEASE).map((r) => r.inputs.chart);
        expect(charts).to.include.members(["cluster-autoscaler", "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler"]);
        expect(charts.filter((c) => String(c).includes("karpenter"))).to.deep.equal([]);
        expect(resourcesOfType(run, "aws:autoscaling/group:Group").map((g) => g.name)).to.deep.equal(["eks-burst"]);
    });

    it("creates nothing of Datadog and needs none of its keys, while CloudWatch still alerts", async () => {
        const run = await fixtureRun("autoscaler");
        expect(run.resources.filter((r) => r.type.startsWith("datadog:") || r.inputs.chart === "datadog")).to.deep.equal([]);
        expect(requiredSecrets(readFixtureConfig("autoscaler").values).map((s) => s.key)).to.deep.equal(["eks-platform:ordersDbPassword"]);
        expect(resourcesOfType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").length).to.be.greaterThan(5);
        expect(resourcesOfType(run, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")).to.have.length(1);
    });
});
