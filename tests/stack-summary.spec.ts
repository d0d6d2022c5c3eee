/**
 * out/<stack>/summary.md: the picture of what waits for what, and the facts a reviewer reads first.
 */
import { expect } from "chai";
import * as metricsServer from "../components/kube-system-addons/metrics-server";
import { componentGraph, summaryMarkdown } from "../offline/stack-summary";
import { fixtureRun, readFixtureConfig } from "./support/fixtures";

describe("stack summary", () => {
    it("draws the components and what waits for what; alarms and monitors never wait for the cluster", async () => {
        const graph = componentGraph(await fixtureRun("prd"));
        expect(graph.nodes).to.include.members(["EksCluster eks", "AppRelease web", "DatadogMonitors monitors", "AlbAlarms alb-alarms"]);
        expect(graph.edges).to.deep.include(["AppRelease web", "EksCluster eks"]);
        expect(graph.edges).to.deep.include(["EksCluster eks", "Network network"]);
        const waitsForCluster = graph.edges.filter(([, to]) => to === "EksCluster eks").map(([from]) => from);
        expect(waitsForCluster.filter((c) => /Alarms|Monitors|Slos|Dashboards|SlackNotifications/.test(c))).to.deep.equal([]);
    });

    it("says the Kubernetes version and its support date, the capacity, the addons' chart versions, the apps, alerting and cost", async () => {
        const summary = summaryMarkdown(await fixtureRun("prd"), readFixtureConfig("prd"));
        expect(summary).to.contain("```mermaid\nflowchart LR");
        expect(summary).to.match(/- cluster [a-z0-9-]+, Kubernetes 1\.\d+: standard support until \d{4}-\d{2}-\d{2}/);
        expect(summary).to.match(/- node group eks-system: .+ \(ON_DEMAND\), \d+-\d+ nodes/);
        expect(summary).to.match(/- NodePool \S+: up to \d+ vCPU/);
        expect(summary).to.contain(`| eks-addons-metrics-server | metrics-server | ${metricsServer.CHART.version} | kube-system |`);
        expect(summary).to.match(/## Apps\n\n- web: https?:\/\//);
        expect(summary).to.match(/- CloudWatch: \d+ alarms, \d+ composite, to Slack #\S+/);
        expect(summary).to.match(/## Cost\n\n- \$[\d.]+ - \$[\d.]+ a month at list prices/);
    });
});
