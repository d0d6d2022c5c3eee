/**
 * With chatbot delivery a first deploy posts no burst of OKs: the alarms have no OK actions, and
 * an EventBridge rule posts only ALARM -> OK, as a custom notification Amazon Q Developer renders.
 * Lambda delivery keeps OK actions (its notifier skips a new alarm's first OK). Rendered on the
 * `prd` fixture (chatbot) and the `notifier` fixture (Lambda).
 */
import { expect } from "chai";
import { RECOVERY_INPUT_PATHS, recoveryEventPattern } from "../components/monitoring/alarm-recoveries";
import { WINDOW_ALARM_SUFFIX } from "../components/monitoring/alert-routing";
import { resourceNamed, resourcesOfType } from "../offline/program-run";
import { COMPOSITE_ALARM, METRIC_ALARM, albAlarmsOf, sloWindowAlarmsOf } from "./support/alarms";
import { nameProblems } from "../stacks/checks/names";
import { transitiveDependencies } from "./support/graph";
import { fixtureRun } from "./support/fixtures";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const ACCOUNT = "123456789012";

describe("alarm recoveries with chatbot delivery", () => {
    it("one rule matches this stack's ALARM -> OK, burn-rate windows left out, and publishes to the Slack topic", async () => {
        const run = await fixtureRun("prd");
        const rule = resourceNamed(run, RULE, "alerts-recovered");
        expect(rule.inputs.name).to.equal("eks-platform-prd-alarm-recovered");
        expect(JSON.parse(rule.inputs.eventPattern as string)).to.deep.equal({
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "resources": [{ "anything-but": { suffix: " window" } }],
            "detail": {
                alarmName: [{ prefix: "eks-platform-prd " }],
                previousState: { value: ["ALARM"] },
                state: { value: ["OK"] },
            },
        });
        const target = resourceNamed(run, TARGET, "alerts-recovered");
        expect(target.inputs.rule).to.equal("eks-platform-prd-alarm-recovered");
        expect(target.inputs.arn).to.equal(`arn:aws:sns:eu-west-1:${ACCOUNT}:eks-platform-prd-alerts`);
        // Nothing about a cluster: the rule is in place before one exists.
        for (const resource of [rule, target]) {
            expect([...transitiveDependencies(run, resource)].filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d))).to.deep.equal(
                [],
            );
        }
    });

    it("posts an Amazon Q Developer custom notification naming the alarm, with nothing free-text in it", async () => {
        const target = resourceNamed(await fixtureRun("prd"), TARGET, "alerts-recovered");
        const transformer = target.inputs.inputTransformer as { inputPaths: Record<string, string>; inputTemplate: string };
        expect(transformer.inputPaths).to.deep.equal({ alarm: "$.detail.alarmName", region: "$.region", time: "$.time" });
        // Filled in as EventBridge does, the template is the custom notification schema's JSON.
        const filled = transformer.inputTemplate
            .replaceAll("<alarm>", "eks-platform-prd web no healthy targets")
            .replaceAll("<region>", "eu-west-1")
            .replaceAll("<time>", "2026-12-04T10:00:00Z");
        const notice = JSON.parse(filled);
        expect(notice).to.deep.include({ version: "1.0", source: "custom" });
        expect(notice.content).to.deep.include({
            textType: "client-markdown",
            title: ":white_check_mark: OK: eks-platform-prd web no healthy targets",
        });
        expect(notice.content.description).to.contain("eks-platform-prd web no healthy targets is back to OK in eu-west-1");
        expect(Object.keys(RECOVERY_INPUT_PATHS)).to.not.include("reason");
    });

    it("alarms that post have no OK actions and names the rule matches; window alarms' names it leaves out", async () => {
        const run = await fixtureRun("prd");
        const topic = `arn:aws:sns:eu-west-1:${ACCOUNT}:eks-platform-prd-alerts`;
        const windows = sloWindowAlarmsOf(run);
        const posting = [
            ...resourcesOfType(run, METRIC_ALARM).filter((a) => !windows.includes(a)),
            ...resourcesOfType(run, COMPOSITE_ALARM),
        ];
        expect(posting.map((a) => a.name)).to.include.members(["alerts-recoveries-failed", "alb-alarms-web-healthy-hosts"]);
        expect(posting.length).to.be.greaterThan(5);
        for (const alarm of posting) {
            const name = String(alarm.inputs.name ?? alarm.inputs.alarmName);
            expect(alarm.inputs, name).to.deep.include({ alarmActions: [topic], okActions: [] });
            expect(name.startsWith("eks-platform-prd "), name).to.equal(true);
            expect(name.endsWith(WINDOW_ALARM_SUFFIX), name).to.equal(false);
            // The template quotes the name as it is: a quote or backslash would break its JSON.
            expect(name, name).to.not.match(/["\\]/);
        }
        expect(windows.length).to.be.greaterThan(0);
        for (const window of windows) {
            expect(String(window.inputs.name).endsWith(WINDOW_ALARM_SUFFIX), window.name).to.equal(true);
        }
    });

    it("EventBridge may publish to the topic and use its key, with no condition (which would fail every publish)", async () => {
        const run = await fixtureRun("prd");
        const policy = JSON.parse(resourceNamed(run, "aws:sns/topicPolicy:TopicPolicy", "alerts").inputs.policy as string);
        expect(policy.Statement).to.deep.include({
            Sid: "EventBridgePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: `arn:aws:sns:eu-west-1:${ACCOUNT}:eks-platform-prd-alerts`,
        });
        const key = JSON.parse(resourceNamed(run, "aws:kms/key:Key", "alerts").inputs.policy as string);
        expect(key.Statement).to.deep.include({
            Sid: "EventBridgePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
        });
        // CloudWatch's statements keep their account condition: CloudWatch fills it in.
        for (const document of [policy, key]) {
            const cloudWatch = document.Statement.find((s: { Sid: string }) => s.Sid === "CloudWatchAlarmsPublish");
            expect(cloudWatch.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
        }
    });

    it("a failed delivery is not silent: an alarm on the rule's FailedInvocations reaches Slack through CloudWatch", async () => {
        const run = await fixtureRun("prd");
        const alarm = resourceNamed(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "alerts-recoveries-failed").inputs;
        expect(alarm).to.deep.include({
            name: "eks-platform-prd alarm recoveries not posted",
            namespace: "AWS/Events",
            metricName: "FailedInvocations",
            dimensions: { RuleName: "eks-platform-prd-alarm-recovered" },
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            treatMissingData: "notBreaching",
            alarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:eks-platform-prd-alerts`],
            okActions: [],
        });
        expect(alarm.alarmDescription).to.contain("Missing data: not breaching, because");
    });

    it("pattern: a prefix with the separator, so stack prd does not take prd2's alarms", () => {
        const pattern = recoveryEventPattern("eks-platform-prd") as { detail: { alarmName: { prefix: string }[] } };
        expect("eks-platform-prd2 web no healthy targets".startsWith(pattern.detail.alarmName[0].prefix)).to.equal(false);
    });

    it("config: a stack name that makes the rule's name longer than EventBridge allows is refused", () => {
        const stack = "s".repeat(36);
        const refused = {
            key: "eks-platform:monitoring.slack.delivery",
            value: "chatbot",
            expected: `expected a shorter stack name for chatbot delivery: the recoveries' EventBridge rule "eks-platform-${stack}-alarm-recovered" has 65 characters, and EventBridge allows 64`,
        };
        // Chatbot is the default delivery.
        expect(nameProblems(stack, {}, {}, { slack: {} })).to.deep.equal([refused]);
        expect(nameProblems(stack, {}, {}, { slack: { delivery: "chatbot" } })).to.deep.equal([refused]);
        expect(nameProblems(stack.slice(1), {}, {}, { slack: {} })).to.deep.equal([]);
        expect(nameProblems(stack, {}, {}, { slack: { delivery: "lambda" } })).to.deep.equal([]);
    });
});

describe("alarm recoveries with Lambda delivery", () => {
    it("keep OK actions to the topic; no rule, and nothing but CloudWatch may publish", async () => {
        const run = await fixtureRun("notifier");
        expect(resourcesOfType(run, RULE).filter((r) => String(r.inputs.name).endsWith("-alarm-recovered"))).to.deep.equal([]);
        for (const alarm of albAlarmsOf(run)) {
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal(alarm.inputs.alarmActions);
        }
        const policy = JSON.parse(resourceNamed(run, "aws:sns/topicPolicy:TopicPolicy", "alerts").inputs.policy as string);
        expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["CloudWatchAlarmsPublish"]);
        const key = JSON.parse(resourceNamed(run, "aws:kms/key:Key", "alerts").inputs.policy as string);
        expect(key.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["AccountAdministers", "CloudWatchAlarmsPublish"]);
    });
});
