import { expect } from "chai";
import { albAlarmDefinitions, alarmProblems, errorsPerMinute } from "../components/monitoring/alb-alarms";
import { dashboardQueries, namespaceDashboard } from "../components/monitoring/datadog-dashboards";
import { checkQuery } from "../components/monitoring/datadog-queries";
import { datadogSlackHandle, topicKeyPolicy } from "../components/monitoring/slack-notifications";
import { monitoringSchema } from "../stacks/schema/monitoring";
import { ProgramRun, resourceNamed, resourcesOfType, runProgram, SECRET_MASK } from "../offline/program-run";
import { configProblems } from "./support/config-problems";
import { transitiveDependencies } from "./support/graph";
import { albAlarmsOf, sloWindowAlarmsOf } from "./support/alarms";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const DASHBOARD = "datadog:index/dashboardJson:DashboardJson";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function dashboards(run: ProgramRun): Record<string, any> {
    return Object.fromEntries(
        resourcesOfType(run, DASHBOARD).map((d) => {
            const dashboard = JSON.parse(d.inputs.dashboard as string);
            return [dashboard.template_variables[1].defaults[0], dashboard];
        }),
    );
}

describe("DatadogDashboards", () => {
    it("passes every dashboard widget query", async () => {
        for (const dashboard of Object.values(dashboards(await fixtureRun("prd")))) {
            for (const query of dashboardQueries(dashboard)) {
                expect(checkQuery(query), query).to.deep.equal([]);
            }
        }
    });

    it("one dashboard per namespace: each app's and kube-system", async () => {
        expect(Object.keys(dashboards(await fixtureRun("prd")))).to.deep.equal(["web", "kube-system"]);
    });

    it("have cluster and namespace variables, the four widget groups, failures, and an app's service level", async () => {
        const all = dashboards(await fixtureRun("stg"));
        const web = all.web;
        expect(web.template_variables).to.deep.equal([
            { name: "cluster", prefix: "kube_cluster_name", defaults: ["eks-platform-stg"] },
            { name: "namespace", prefix: "kube_namespace", defaults: ["web"] },
        ]);
        const groups = [
            "Container status",
            "Not-ready replicas",
            "Allocation per node group and NodePool (requests / allocatable)",
            "Horizontal pod autoscalers",
            "Failures",
        ];
        expect(web.widgets.map((w: any) => w.definition.title)).to.deep.equal([...groups, "Service level: web"]);
        expect(all["kube-system"].widgets.map((w: any) => w.definition.title)).to.deep.equal(groups);
    });

    it("show OOMKilled containers and image pull failures of the namespace, kills by the last state that outlives the restart", () => {
        const queries = dashboardQueries(namespaceDashboard("c", "web"));
        expect(queries).to.include(
            "sum:kubernetes.containers.last_state.terminated{$cluster,$namespace,reason:oomkilled} by {kube_container_name}",
        );
        expect(queries).to.include("sum:kubernetes.containers.last_state.terminated{$cluster,$namespace} by {reason}");
        // The current terminated state clears within seconds of a kill: a dashboard reading it shows nothing.
        expect(queries.filter((q) => /containers\.state\.terminated|status_report\.count\.terminated/.test(q))).to.deep.equal([]);
        expect(queries).to.include(
            "sum:kubernetes_state.container.status_report.count.waiting{$cluster,$namespace,reason:errimagepull} by {pod_name}",
        );
        expect(queries).to.include(
            "sum:kubernetes_state.container.status_report.count.waiting{$cluster,$namespace,reason:imagepullbackoff} by {pod_name}",
        );
    });

    it("compute not-ready replicas as desired minus ready for ReplicaSets, StatefulSets and DaemonSets", () => {
        const queries = dashboardQueries(namespaceDashboard("c", "web"));
        expect(queries).to.include(
            "sum:kubernetes_state.replicaset.replicas_desired{$cluster,$namespace} by {kube_replica_set} - sum:kubernetes_state.replicaset.replicas_ready{$cluster,$namespace} by {kube_replica_set}",
        );
        expect(queries).to.include(
            "sum:kubernetes_state.statefulset.replicas_desired{$cluster,$namespace} by {kube_stateful_set} - sum:kubernetes_state.statefulset.replicas_ready{$cluster,$namespace} by {kube_stateful_set}",
        );
        expect(queries).to.include(
            "sum:kubernetes_state.daemonset.desired{$cluster,$namespace} by {kube_daemon_set} - sum:kubernetes_state.daemonset.ready{$cluster,$namespace} by {kube_daemon_set}",
        );
        expect(queries).to.include(
            "sum:kubernetes.cpu.requests{$cluster,$namespace} by {node_group,node_pool} / sum:kubernetes_state.node.cpu_allocatable{$cluster} by {node_group,node_pool} * 100",
        );
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

    it("prd: the ALB's and each target group's alarms, with the stage's thresholds, none counting what the burn rates count", async () => {
        const alarms = Object.fromEntries(albAlarmsOf(await fixtureRun("prd")).map((a) => [a.name, a.inputs]));
        expect(Object.keys(alarms)).to.deep.equal([
            "alb-alarms-elb-4xx",
            "alb-alarms-error-rate",
            "alb-alarms-web-healthy-hosts",
            "alb-alarms-web-response-time",
            "alb-alarms-web-unhealthy-hosts",
        ]);
        expect(alarms["alb-alarms-elb-4xx"]).to.deep.include({ metricName: "HTTPCode_ELB_4XX_Count", threshold: 5000 });
        expect(alarms["alb-alarms-web-response-time"]).to.deep.include({
            metricName: "TargetResponseTime",
            extendedStatistic: "p99",
            threshold: 1,
        });
        expect(alarms["alb-alarms-web-unhealthy-hosts"]).to.deep.include({
            metricName: "UnHealthyHostCount",
            statistic: "Minimum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        });
        // Only what the load balancer generates itself: its targets' 5XX are the burn-rate alarms'.
        expect(alarms["alb-alarms-error-rate"]).to.deep.include({ threshold: 0.1 });
        const rate = (alarms["alb-alarms-error-rate"].metricQueries as any[]).find((q) => q.returnData);
        expect(rate.expression).to.equal("IF(requests >= 500, 100 * FILL(elb5xx, 0) / requests, 0)");
        const metrics = Object.values(alarms).flatMap((a: any) => [
            a.metricName,
            ...(a.metricQueries ?? []).map((q: any) => q.metric?.metricName),
        ]);
        expect(metrics).not.to.include("HTTPCode_Target_5XX_Count");
    });

    it("zero registered targets alarms: healthy targets (Minimum) below 1, missing data breaching", async () => {
        const alarms = Object.fromEntries(albAlarmsOf(await fixtureRun("prd")).map((a) => [a.name, a.inputs]));
        expect(alarms["alb-alarms-web-healthy-hosts"]).to.deep.include({
            metricName: "HealthyHostCount",
            namespace: "AWS/ApplicationELB",
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            treatMissingData: "breaching",
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
        });
        expect(alarms["alb-alarms-web-healthy-hosts"].dimensions).to.have.keys("LoadBalancer", "TargetGroup");
    });

    it("every alarm's missing-data choice is deliberate: said in its description, breaching only where silence is the outage", async () => {
        const run = await fixtureRun("prd");
        for (const alarm of [...albAlarmsOf(run), ...sloWindowAlarmsOf(run)]) {
            const treat = alarm.inputs.treatMissingData as string;
            expect(alarm.inputs.alarmDescription as string, alarm.name).to.contain(
                `Missing data: ${treat === "breaching" ? "breaching" : "not breaching"}, because `,
            );
            expect(treat === "breaching", alarm.name).to.equal(
                alarm.name.endsWith("-healthy-hosts") && !alarm.name.endsWith("-unhealthy-hosts"),
            );
        }
    });

    it("use arnSuffix dimensions, never names or ARNs, and send alarms to the Slack topic (recoveries: alarm-recoveries.spec)", async () => {
        const run = await fixtureRun("prd");
        const topic = resourceNamed(run, "aws:sns/topic:Topic", "alerts").inputs.name;
        for (const alarm of albAlarmsOf(run)) {
            const dimensions = [
                alarm.inputs.dimensions,
                ...((alarm.inputs.metricQueries as any[] | undefined) ?? []).map((q) => q.metric?.dimensions),
            ].filter(Boolean) as Record<string, string>[];
            expect(dimensions.length, alarm.name).to.be.greaterThan(0);
            for (const d of dimensions) {
                expect(d.LoadBalancer).to.equal("app/alb/50dc6c495c0c9188");
                if (d.TargetGroup) {
                    expect(d.TargetGroup).to.equal("targetgroup/alb-web/73e2d6bc24d8a067");
                }
            }
            expect(alarm.inputs.alarmActions).to.deep.equal([`arn:aws:sns:eu-west-1:123456789012:${topic}`]);
            // Chatbot delivery: recoveries go through the EventBridge rule, not OK actions.
            expect(alarm.inputs.okActions).to.deep.equal([]);
        }
    });

    it("respect CloudWatch's periods and M-of-N rule, which the check enforces", () => {
        const definitions = albAlarmDefinitions({
            namePrefix: "p",
            loadBalancer: "app/x/1",
            targetGroups: { web: "targetgroup/y/2" },
            thresholds: monitoringSchema.parse({ slack: { channelName: "x", datadogAccount: "a" } }).alb,
        });
        expect(definitions.flatMap(alarmProblems)).to.deep.equal([]);
        expect(alarmProblems({ name: "bad", period: 45, evaluationPeriods: 2, datapointsToAlarm: 3 })).to.deep.equal([
            "bad: period 45 s is not 10, 20, 30 or a multiple of 60",
            "bad: 3 datapoints to alarm out of 2 evaluation periods",
        ]);
        // Seven days at most; one day at most for periods under an hour.
        expect(alarmProblems({ name: "week", period: 86_400, evaluationPeriods: 8, datapointsToAlarm: 1 })).to.deep.equal([
            "week: 8 periods of 86400 s span 691200 s, more than the 604800 s CloudWatch evaluates",
        ]);
        expect(alarmProblems({ name: "minutes", period: 1800, evaluationPeriods: 49, datapointsToAlarm: 1 })).to.deep.equal([
            "minutes: 49 periods of 1800 s span 88200 s, more than the 86400 s CloudWatch evaluates",
        ]);
        expect(alarmProblems({ name: "three days", period: 259_200, evaluationPeriods: 1, datapointsToAlarm: 1 })).to.deep.equal([]);
    });

    it("wait for the ALB and the topic only, never the cluster", async () => {
        const run = await fixtureRun("prd");
        for (const alarm of resourcesOfType(run, ALARM)) {
            expect(
                [...transitiveDependencies(run, alarm)].filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d)),
                alarm.name,
            ).to.deep.equal([]);
        }
    });
});

describe("removing an app", () => {
    it("removes its dashboard and its alarms", async () => {
        const apps = fixtureSection("prd", "apps");
        const api = { ...apps.web, image: "r/api:1.0.0", hosts: ["api.example.com"], rds: { ...apps.web.rds, database: "api" } };
        const both = await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", overrides: { "eks-platform:apps": { ...apps, api } } });
        expect(Object.keys(dashboards(both))).to.deep.equal(["web", "api", "kube-system"]);
        expect(resourcesOfType(both, ALARM).map((a) => a.name)).to.include.members([
            "alb-alarms-api-healthy-hosts",
            "alb-alarms-api-response-time",
            "alb-alarms-api-unhealthy-hosts",
        ]);
        const webOnly = await fixtureRun("prd");
        expect(Object.keys(dashboards(webOnly))).to.deep.equal(["web", "kube-system"]);
        expect(
            resourcesOfType(webOnly, ALARM)
                .map((a) => a.name)
                .filter((n) => n.includes("api")),
        ).to.deep.equal([]);
    });
});

describe("SlackNotifications", () => {
    it("encrypts the stage's topic with a key CloudWatch may use", async () => {
        const run = await fixtureRun("prd");
        const key = resourceNamed(run, "aws:kms/key:Key", "alerts");
        const topic = resourceNamed(run, "aws:sns/topic:Topic", "alerts");
        expect(topic.inputs.kmsMasterKeyId).to.equal("arn:aws:kms:eu-west-1:123456789012:key/key-alerts");
        expect(topic.dependencies).to.include(key.urn);
        const policy = JSON.parse(key.inputs.policy as string);
        expect(policy.Statement[1]).to.deep.include({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        });
        expect(key.inputs.enableKeyRotation).to.equal(true);
        expect(topicKeyPolicy("1").Statement).to.have.length(2);
    });

    it("stg and prd deliver through AWS Chatbot to their own channel; prd to on-call", async () => {
        for (const [stack, channelId] of [
            ["stg", "C0456STG1"],
            ["prd", "C0789ONCALL"],
        ]) {
            const config = resourceNamed(
                await fixtureRun(stack),
                "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
                "alerts",
            ).inputs;
            expect(config, stack).to.deep.include({
                slackTeamId: "T0123ABCD",
                slackChannelId: channelId,
                guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
            });
            expect(config.snsTopicArns).to.deep.equal([`arn:aws:sns:eu-west-1:123456789012:eks-platform-${stack}-alerts`]);
        }
    });

    it("dev delivers through the notifier Lambda, its webhook a SecureString never in plain text", async () => {
        const run = await fixtureRun("dev");
        expect(resourcesOfType(run, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")).to.deep.equal([]);
        const fn = resourceNamed(run, "aws:lambda/function:Function", "alerts").inputs as any;
        expect(fn).to.deep.include({ runtime: "nodejs24.x", handler: "index.handler" });
        expect(fn.code.FileArchive).to.equal("lambda/slack-notifier");
        expect(fn.environment.variables).to.deep.equal({ WEBHOOK_PARAMETER: "/eks-platform-dev/slack-webhook-url" });
        const parameter = resourceNamed(run, "aws:ssm/parameter:Parameter", "alerts-webhook").inputs;
        expect(parameter).to.deep.include({ type: "SecureString", value: SECRET_MASK });
        expect(resourceNamed(run, "aws:sns/topicSubscription:TopicSubscription", "alerts").inputs).to.include({ protocol: "lambda" });
    });

    it("gives the monitors the Datadog handle of the stage's channel", async () => {
        const channel = resourceNamed(await fixtureRun("prd"), "datadog:slack/channel:Channel", "alerts").inputs;
        expect(channel).to.deep.include({ accountName: "acme", channelName: "#oncall-web" });
        expect(datadogSlackHandle("acme", "#oncall-web")).to.equal("@slack-acme-oncall-web");
    });
});

describe("monitoring config", () => {
    const problems = configProblems;
    const monitoring = (stack: string) => fixtureSection(stack, "monitoring");

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
            "[prd] eks-platform:monitoring.datadog.deploymentAvailability.warning = 0.4: expected a warning above the critical threshold (0.5): the value falls through it first",
            "[prd] eks-platform:monitoring.datadog.cpuOfLimit.warning = 90: expected a warning below the critical threshold (80)",
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
