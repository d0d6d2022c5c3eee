import { expect } from "chai";
import { albAlarmDefinitions, alarmProblems, errorsPerMinute } from "../components/monitoring/alb-alarms";
import { dashboardQueries, namespaceDashboard } from "../components/monitoring/datadog-dashboards";
import { monitorDefinitions } from "../components/monitoring/datadog-monitors";
import { checkMonitorQuery, checkQuery } from "../components/monitoring/datadog-queries";
import { datadogSlackHandle, topicKeyPolicy } from "../components/monitoring/slack-notifications";
import { monitoringSchema } from "../stacks/schema/monitoring";
import { ProgramRun, resourceNamed, resourcesOfType, runProgram, SECRET_MASK, stackRun } from "./support/program-run";
import { configProblems } from "./support/config-problems";
import { transitiveDependencies } from "./support/graph";
import { stackSection } from "./support/stack-files";

const MONITOR = "datadog:index/monitor:Monitor";
const DASHBOARD = "datadog:index/dashboardJson:DashboardJson";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const CHANNEL: Record<string, string> = { dev: "@slack-acme-alerts-dev", stg: "@slack-acme-alerts-stg", prd: "@slack-acme-oncall-web" };

function dashboards(run: ProgramRun): Record<string, any> {
    return Object.fromEntries(resourcesOfType(run, DASHBOARD).map((d) => {
        const dashboard = JSON.parse(d.inputs.dashboard as string);
        return [dashboard.template_variables[1].defaults[0], dashboard];
    }));
}


const DEFAULT_THRESHOLDS = monitoringSchema.parse({ slack: { channelName: "x", datadogAccount: "a" } }).datadog;

describe("DatadogMonitors", () => {
    for (const stack of ["dev", "stg", "prd"]) {
        it(`${stack}: six monitors scoped to the cluster, routed to the stage's Slack channel`, async () => {
            const monitors = resourcesOfType(await stackRun(stack), MONITOR);
            expect(monitors.map((m) => m.name)).to.deep.equal([
                "monitors-crashloopbackoff", "monitors-kube-state-metrics", "monitors-container-restarts",
                "monitors-deployment-availability", "monitors-cpu-of-limit", "monitors-memory-of-limit",
            ]);
            for (const monitor of monitors) {
                expect(monitor.inputs.query as string, monitor.name).to.contain(`kube_cluster_name:eks-platform-${stack}`);
                expect(monitor.inputs.message as string, monitor.name).to.contain(CHANNEL[stack]);
                expect(monitor.inputs.message as string).to.match(/\*\*What:\*\*.+\n\*\*Where:\*\* cluster eks-platform-.+\n\*\*Check first:\*\*.+\n\*\*Runbook:\*\* https:\/\/\S+#[a-z-]+/);
                const thresholds = monitor.inputs.monitorThresholds as { critical: string; warning?: string };
                const problems = checkMonitorQuery(monitor.inputs.query as string, {
                    critical: Number(thresholds.critical), warning: thresholds.warning === undefined ? undefined : Number(thresholds.warning),
                });
                expect(problems, monitor.name).to.deep.equal([]);
            }
        });
    }

    it("use the stage's thresholds: dev tolerates more restarts than prd", async () => {
        const restarts = async (stack: string) => resourceNamed(await stackRun(stack), MONITOR, "monitors-container-restarts").inputs.monitorThresholds;
        expect(await restarts("dev")).to.deep.equal({ critical: "5", warning: "3" });
        expect(await restarts("prd")).to.deep.equal({ critical: "3", warning: "2" });
        const availability = resourceNamed(await stackRun("prd"), MONITOR, "monitors-deployment-availability").inputs;
        expect(availability.monitorThresholds).to.deep.equal({ critical: "0.5", warning: "0.8" });
        expect(availability.query as string).to.match(/ <= 0\.5$/);
    });

    it("page only in prd, and only on alert", async () => {
        const prd = resourceNamed(await stackRun("prd"), MONITOR, "monitors-crashloopbackoff").inputs;
        expect(prd.message as string).to.contain("{{#is_alert}}@pagerduty-web-oncall{{/is_alert}}");
        expect(prd.priority).to.equal("1");
        const stg = resourceNamed(await stackRun("stg"), MONITOR, "monitors-crashloopbackoff").inputs;
        expect(stg.message as string).not.to.contain("pagerduty");
    });

    it("CrashLoopBackOff: the waiting-reason metric, >= 1 over the shortest window, default_zero so it resolves, by pod", () => {
        const [crash] = monitorDefinitions({ clusterName: "c", thresholds: DEFAULT_THRESHOLDS });
        expect(crash.query).to.equal("max(last_1m):default_zero(max:kubernetes_state.container.status_report.count.waiting{kube_cluster_name:c,reason:crashloopbackoff} by {kube_namespace,pod_name,kube_container_name}) >= 1");
    });

    it("kube-state-metrics: alerts when the data stops, instead of on a count that is always 1", () => {
        const ksm = monitorDefinitions({ clusterName: "c", thresholds: DEFAULT_THRESHOLDS })[1];
        expect(ksm).to.deep.include({ notifyNoData: true, noDataTimeframe: 10 });
        expect(ksm.query).to.match(/^avg\(last_5m\):/);
    });

    it("restarts: the increase of the cumulative counter over 5 minutes, never its value", () => {
        const restarts = monitorDefinitions({ clusterName: "c", thresholds: DEFAULT_THRESHOLDS })[2];
        expect(restarts.query).to.match(/^change\(max\(last_5m\),last_5m\):max:kubernetes_state\.container\.restarts\{/);
        expect(restarts.query).to.match(/>= 3$/);
    });

    it("CPU and memory: usage over the container's own limit, in percent, by pod", () => {
        const [, , , , cpu, memory] = monitorDefinitions({ clusterName: "c", thresholds: DEFAULT_THRESHOLDS });
        expect(cpu.query).to.contain("kubernetes.cpu.usage.total{kube_cluster_name:c} by {kube_namespace,pod_name,kube_container_name} / 1000000000 / sum:kubernetes.cpu.limits");
        expect(memory.query).to.contain("kubernetes.memory.working_set{kube_cluster_name:c} by {kube_namespace,pod_name,kube_container_name} / sum:kubernetes.memory.limits");
        expect(cpu.thresholds).to.deep.equal({ critical: 80, warning: 70 });
    });

    it("depend on the Slack channel and the Datadog provider, never on the cluster", async () => {
        const run = await stackRun("prd");
        for (const monitor of resourcesOfType(run, MONITOR)) {
            const dependencies = [...transitiveDependencies(run, monitor)];
            expect(dependencies.filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d)), monitor.name).to.deep.equal([]);
            expect(dependencies).to.include(resourceNamed(run, "datadog:slack/channel:Channel", "alerts").urn);
        }
    });
});

describe("the Datadog query check", () => {
    it("passes every dashboard widget query", async () => {
        for (const dashboard of Object.values(dashboards(await stackRun("prd")))) {
            for (const query of dashboardQueries(dashboard)) {
                expect(checkQuery(query), query).to.deep.equal([]);
            }
        }
    });

    it("rejects an unbalanced parenthesis (the field report's sample)", () => {
        expect(checkQuery("avg(last_5m):avg:kubernetes.cpu.usage.total{kube_cluster_name:c} by {pod_name}) > 1")).to.include("unbalanced ')'");
        expect(checkQuery("sum:kubernetes_state.hpa.desired_replicas{kube_namespace:web")).to.include("no metric{scope} found");
    });

    it("rejects tags the agent does not emit: name:<asg> and hpa:", () => {
        expect(checkQuery("sum:kubernetes_state.node.cpu_allocatable{name:eks-general-asg}")).to.deep.equal(["unknown tag name in {name:eks-general-asg}"]);
        expect(checkQuery("sum:kubernetes_state.hpa.desired_replicas{kube_namespace:web} by {hpa}")).to.deep.equal(["unknown tag hpa in by {hpa}"]);
    });

    it("rejects a metric that does not exist", () => {
        expect(checkQuery("avg:kubernetes_state.hpa.replicas{*}")).to.deep.equal(["unknown metric kubernetes_state.hpa.replicas"]);
    });

    it("rejects a cumulative counter compared as a rate", () => {
        expect(checkMonitorQuery("max(last_5m):max:kubernetes_state.container.restarts{kube_cluster_name:c} by {pod_name} >= 3", { critical: 3 }))
            .to.deep.equal(["kubernetes_state.container.restarts is a cumulative counter: alert on its increase (change, diff, monotonic_diff), not its value"]);
    });

    it("rejects a threshold that fires while all is well (<= 1 on a running count)", () => {
        expect(checkMonitorQuery("avg(last_5m):sum:kubernetes_state.deployment.replicas_available{kube_deployment:kube-state-metrics} <= 1", { critical: 1 }))
            .to.deep.equal(["<= 1 on kubernetes_state.deployment.replicas_available fires while a single replica is healthy: alert on no data, or on a ratio"]);
    });

    it("rejects a query threshold that is not the critical threshold, and a warning on the wrong side", () => {
        expect(checkMonitorQuery("avg(last_5m):avg:kubernetes.memory.usage{*} by {pod_name} >= 90", { critical: 80, warning: 85 })).to.deep.equal([
            "query threshold 90 differs from the critical threshold 80",
            "warning 85 does not fire before critical 80 (>=)",
        ]);
        expect(checkMonitorQuery("avg(last_5m):avg:kubernetes.memory.usage{*} by {pod_name} <= 0.5", { critical: 0.5, warning: 0.4 })).to.deep.equal([
            "warning 0.4 does not fire before critical 0.5 (<=)",
        ]);
    });
});

describe("DatadogDashboards", () => {
    it("one dashboard per namespace: each app's and kube-system", async () => {
        expect(Object.keys(dashboards(await stackRun("prd")))).to.deep.equal(["web", "kube-system"]);
    });

    it("have cluster and namespace variables and the four widget groups", async () => {
        const web = dashboards(await stackRun("stg")).web;
        expect(web.template_variables).to.deep.equal([
            { name: "cluster", prefix: "kube_cluster_name", defaults: ["eks-platform-stg"] },
            { name: "namespace", prefix: "kube_namespace", defaults: ["web"] },
        ]);
        expect(web.widgets.map((w: any) => w.definition.title)).to.deep.equal([
            "Container status", "Not-ready replicas", "Allocation per node group and NodePool (requests / allocatable)", "Horizontal pod autoscalers",
        ]);
    });

    it("compute not-ready replicas as desired minus ready for ReplicaSets, StatefulSets and DaemonSets", () => {
        const queries = dashboardQueries(namespaceDashboard("c", "web"));
        expect(queries).to.include("sum:kubernetes_state.replicaset.replicas_desired{$cluster,$namespace} by {kube_replica_set} - sum:kubernetes_state.replicaset.replicas_ready{$cluster,$namespace} by {kube_replica_set}");
        expect(queries).to.include("sum:kubernetes_state.statefulset.replicas_desired{$cluster,$namespace} by {kube_stateful_set} - sum:kubernetes_state.statefulset.replicas_ready{$cluster,$namespace} by {kube_stateful_set}");
        expect(queries).to.include("sum:kubernetes_state.daemonset.desired{$cluster,$namespace} by {kube_daemon_set} - sum:kubernetes_state.daemonset.ready{$cluster,$namespace} by {kube_daemon_set}");
        expect(queries).to.include("sum:kubernetes.cpu.requests{$cluster,$namespace} by {node_group,node_pool} / sum:kubernetes_state.node.cpu_allocatable{$cluster} by {node_group,node_pool} * 100");
        expect(queries.filter((q) => q.includes("horizontalpodautoscaler"))).to.have.length(2);
    });
});

describe("AlbAlarms", () => {
    it("turn peak traffic and the allowed error rate into errors per minute", () => {
        expect(errorsPerMinute(100_000, 0.001)).to.equal(100);
        expect(errorsPerMinute(1000, 0.01)).to.equal(10);
        expect(errorsPerMinute(5000, 0.005)).to.equal(25);
        expect(errorsPerMinute(100_000, 0.05)).to.equal(5000);
    });

    it("prd: the ALB's and each target group's alarms, with the stage's thresholds", async () => {
        const alarms = Object.fromEntries(resourcesOfType(await stackRun("prd"), ALARM).map((a) => [a.name, a.inputs]));
        expect(Object.keys(alarms)).to.deep.equal([
            "alb-alarms-elb-5xx", "alb-alarms-elb-4xx", "alb-alarms-error-rate",
            "alb-alarms-web-target-5xx", "alb-alarms-web-response-time", "alb-alarms-web-unhealthy-hosts",
        ]);
        expect(alarms["alb-alarms-elb-5xx"]).to.deep.include({ metricName: "HTTPCode_ELB_5XX_Count", statistic: "Sum", threshold: 100, comparisonOperator: "GreaterThanThreshold" });
        expect(alarms["alb-alarms-elb-4xx"]).to.deep.include({ metricName: "HTTPCode_ELB_4XX_Count", threshold: 5000 });
        expect(alarms["alb-alarms-web-target-5xx"]).to.deep.include({ metricName: "HTTPCode_Target_5XX_Count", threshold: 100 });
        expect(alarms["alb-alarms-web-response-time"]).to.deep.include({ metricName: "TargetResponseTime", extendedStatistic: "p99", threshold: 1 });
        expect(alarms["alb-alarms-web-unhealthy-hosts"]).to.deep.include({ metricName: "UnHealthyHostCount", threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold" });
        expect(alarms["alb-alarms-error-rate"]).to.deep.include({ threshold: 0.1 });
        const rate = (alarms["alb-alarms-error-rate"].metricQueries as any[]).find((q) => q.returnData);
        expect(rate.expression).to.equal("IF(requests >= 500, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)");
    });

    it("use arnSuffix dimensions, never names or ARNs, and send alarm and OK to the Slack topic", async () => {
        const run = await stackRun("prd");
        const topic = resourceNamed(run, "aws:sns/topic:Topic", "alerts").inputs.name;
        for (const alarm of resourcesOfType(run, ALARM)) {
            const dimensions = [alarm.inputs.dimensions, ...((alarm.inputs.metricQueries as any[] | undefined) ?? []).map((q) => q.metric?.dimensions)]
                .filter(Boolean) as Record<string, string>[];
            expect(dimensions.length, alarm.name).to.be.greaterThan(0);
            for (const d of dimensions) {
                expect(d.LoadBalancer).to.equal("app/alb/50dc6c495c0c9188");
                if (d.TargetGroup) {
                    expect(d.TargetGroup).to.equal("targetgroup/alb-web/73e2d6bc24d8a067");
                }
            }
            expect(alarm.inputs.alarmActions).to.deep.equal([`arn:aws:sns:eu-west-1:123456789012:${topic}`]);
            expect(alarm.inputs.okActions).to.deep.equal(alarm.inputs.alarmActions);
            expect(alarm.inputs.treatMissingData, alarm.name).to.equal("notBreaching");
        }
    });

    it("respect CloudWatch's periods and M-of-N rule, which the check enforces", () => {
        const definitions = albAlarmDefinitions({
            namePrefix: "p", loadBalancer: "app/x/1", targetGroups: { web: "targetgroup/y/2" },
            thresholds: monitoringSchema.parse({ slack: { channelName: "x", datadogAccount: "a" } }).alb,
        });
        expect(definitions.flatMap(alarmProblems)).to.deep.equal([]);
        expect(alarmProblems({ name: "bad", period: 45, evaluationPeriods: 2, datapointsToAlarm: 3 })).to.deep.equal([
            "bad: period 45 s is not 10, 30 or a multiple of 60",
            "bad: 3 datapoints to alarm out of 2 evaluation periods",
        ]);
    });

    it("wait for the ALB and the topic only, never the cluster", async () => {
        const run = await stackRun("prd");
        for (const alarm of resourcesOfType(run, ALARM)) {
            expect([...transitiveDependencies(run, alarm)].filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d)), alarm.name).to.deep.equal([]);
        }
    });
});

describe("removing an app", () => {
    it("removes its dashboard and its alarms", async () => {
        const apps = stackSection("prd", "apps");
        const api = { ...apps.web, image: "r/api:1.0.0", hosts: ["api.example.com"], rds: { ...apps.web.rds, database: "api" } };
        const both = await runProgram({ stack: "prd", overrides: { "eks-platform:apps": { ...apps, api } } });
        expect(Object.keys(dashboards(both))).to.deep.equal(["web", "api", "kube-system"]);
        expect(resourcesOfType(both, ALARM).map((a) => a.name)).to.include.members(["alb-alarms-api-target-5xx", "alb-alarms-api-response-time", "alb-alarms-api-unhealthy-hosts"]);
        const webOnly = await stackRun("prd");
        expect(Object.keys(dashboards(webOnly))).to.deep.equal(["web", "kube-system"]);
        expect(resourcesOfType(webOnly, ALARM).map((a) => a.name).filter((n) => n.includes("api"))).to.deep.equal([]);
    });
});

describe("SlackNotifications", () => {
    it("encrypts the stage's topic with a key CloudWatch may use", async () => {
        const run = await stackRun("prd");
        const key = resourceNamed(run, "aws:kms/key:Key", "alerts");
        const topic = resourceNamed(run, "aws:sns/topic:Topic", "alerts");
        expect(topic.inputs.kmsMasterKeyId).to.equal("arn:aws:kms:eu-west-1:123456789012:key/key-alerts");
        expect(topic.dependencies).to.include(key.urn);
        const policy = JSON.parse(key.inputs.policy as string);
        expect(policy.Statement[1]).to.deep.include({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
        expect(key.inputs.enableKeyRotation).to.equal(true);
        expect(topicKeyPolicy("1").Statement).to.have.length(2);
    });

    it("stg and prd deliver through AWS Chatbot to their own channel; prd to on-call", async () => {
        for (const [stack, channelId] of [["stg", "C0456STG1"], ["prd", "C0789ONCALL"]]) {
            const config = resourceNamed(await stackRun(stack), "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "alerts").inputs;
            expect(config, stack).to.deep.include({ slackTeamId: "T0123ABCD", slackChannelId: channelId, guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] });
            expect(config.snsTopicArns).to.deep.equal([`arn:aws:sns:eu-west-1:123456789012:eks-platform-${stack}-alerts`]);
        }
    });

    it("dev delivers through the notifier Lambda, its webhook a SecureString never in plain text", async () => {
        const run = await stackRun("dev");
        expect(resourcesOfType(run, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")).to.deep.equal([]);
        const fn = resourceNamed(run, "aws:lambda/function:Function", "alerts").inputs as any;
        expect(fn).to.deep.include({ runtime: "nodejs24.x", handler: "index.handler" });
        expect(fn.code.FileArchive).to.match(/lambda\/slack-notifier$/);
        expect(fn.environment.variables).to.deep.equal({ WEBHOOK_PARAMETER: "/eks-platform-dev/slack-webhook-url" });
        const parameter = resourceNamed(run, "aws:ssm/parameter:Parameter", "alerts-webhook").inputs;
        expect(parameter).to.deep.include({ type: "SecureString", value: SECRET_MASK });
        expect(resourceNamed(run, "aws:sns/topicSubscription:TopicSubscription", "alerts").inputs).to.include({ protocol: "lambda" });
    });

    it("gives the monitors the Datadog handle of the stage's channel", async () => {
        const channel = resourceNamed(await stackRun("prd"), "datadog:slack/channel:Channel", "alerts").inputs;
        expect(channel).to.deep.include({ accountName: "acme", channelName: "#oncall-web" });
        expect(datadogSlackHandle("acme", "#oncall-web")).to.equal("@slack-acme-oncall-web");
    });
});

describe("monitoring config", () => {
    const problems = configProblems;
    const monitoring = (stack: string) => stackSection(stack, "monitoring");

    it("requires Slack ids for chatbot delivery", () => {
        const m = monitoring("stg");
        delete m.slack.workspaceId;
        expect(problems("stg", { overrides: { "eks-platform:monitoring": m } })).to.deep.equal([
            "[stg] eks-platform:monitoring.slack.workspaceId = (not set): is required for chatbot delivery: AWS Chatbot posts to this Slack workspace and channel",
        ]);
    });

    it("requires a warning threshold on the right side of the critical one", () => {
        const m = monitoring("prd");
        m.datadog.cpuOfLimit = { critical: 80, warning: 90 };
        m.datadog.deploymentAvailability = { critical: 0.5, warning: 0.4 };
        expect(problems("prd", { overrides: { "eks-platform:monitoring": m } })).to.deep.equal([
            "[prd] eks-platform:monitoring.datadog.cpuOfLimit.warning = 90: expected a warning below the critical threshold (80)",
            "[prd] eks-platform:monitoring.datadog.deploymentAvailability.warning = 0.4: expected a warning above the critical ratio (0.5): availability falls through it first",
        ]);
    });

    it("rejects an error rate that is not a fraction", () => {
        const m = monitoring("prd");
        m.alb.allowedErrorRate = 5;
        expect(problems("prd", { overrides: { "eks-platform:monitoring": m } })).to.deep.equal([
            "[prd] eks-platform:monitoring.alb.allowedErrorRate = 5: expected the allowed 5XX rate, a fraction between 0 and 1: 5 looks like a percentage (for 5% write 0.05)",
        ]);
    });
});
