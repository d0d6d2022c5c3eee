/**
 * A broken notifier is not silent: failed alerts are kept, and the notifier's own alarms reach
 * people by a route that does not go through it. Rendered on the `notifier` fixture (Lambda
 * delivery) and the `prd` fixture (AWS Chatbot, no notifier).
 */
import { expect } from "chai";
import { notifierAlarmDefinitions } from "../components/monitoring/slack-notifier-lambda";
import { alarmProblems } from "../components/monitoring/alb-alarms";
import { resourceNamed, resourcesOfType } from "../offline/program-run";
import { configProblems } from "./support/config-problems";
import { transitiveDependencies } from "./support/graph";
import { fixtureRun, fixtureSection } from "./support/fixtures";

const QUEUE = "aws:sqs/queue:Queue";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const TOPIC = "aws:sns/topic:Topic";
const PREFIX = "eks-platform-notifier";

describe("the Slack notifier's failures", () => {
    it("keep every alert that could not be posted: two retries, then the failed-alerts queue", async () => {
        const run = await fixtureRun("notifier");
        const queue = resourceNamed(run, QUEUE, "alerts-failed");
        expect(queue.inputs).to.deep.include({
            name: `${PREFIX}-alerts-not-posted`,
            messageRetentionSeconds: 1_209_600,
            sqsManagedSseEnabled: true,
        });
        const config = resourceNamed(run, INVOKE_CONFIG, "alerts").inputs;
        expect(config).to.deep.include({
            functionName: `${PREFIX}-slack-notifier`,
            maximumRetryAttempts: 2,
            maximumEventAgeInSeconds: 3600,
        });
        expect(config.destinationConfig).to.deep.equal({
            onFailure: { destination: `arn:aws:sqs:eu-west-1:123456789012:${PREFIX}-alerts-not-posted` },
        });
    });

    it("the function's role may send to the queue, and the invoke config waits for that grant", async () => {
        const run = await fixtureRun("notifier");
        const policy = resourceNamed(run, "aws:iam/rolePolicy:RolePolicy", "alerts-notifier");
        const statements = JSON.parse(policy.inputs.policy as string).Statement;
        expect(statements).to.deep.include({
            Effect: "Allow",
            Action: ["sqs:SendMessage"],
            Resource: `arn:aws:sqs:eu-west-1:123456789012:${PREFIX}-alerts-not-posted`,
        });
        expect(resourceNamed(run, INVOKE_CONFIG, "alerts").dependencies).to.include(policy.urn);
    });

    it("alarm on errors, dropped alerts and alerts left in the queue", async () => {
        const alarms = Object.fromEntries(
            resourcesOfType(await fixtureRun("notifier"), ALARM)
                .filter((a) => a.name.startsWith("alerts-notifier-"))
                .map((a) => [a.name, a.inputs]),
        );
        expect(Object.keys(alarms)).to.deep.equal(["alerts-notifier-errors", "alerts-notifier-dropped", "alerts-notifier-failed-alerts"]);
        expect(alarms["alerts-notifier-errors"]).to.deep.include({
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: `${PREFIX}-slack-notifier` },
            statistic: "Sum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        });
        expect(alarms["alerts-notifier-dropped"]).to.deep.include({ namespace: "AWS/Lambda", metricName: "AsyncEventsDropped" });
        expect(alarms["alerts-notifier-failed-alerts"]).to.deep.include({
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: `${PREFIX}-alerts-not-posted` },
            statistic: "Maximum",
        });
        for (const [name, alarm] of Object.entries(alarms)) {
            expect(alarm.alarmDescription as string, name).to.match(/Missing data: not breaching, because /);
        }
        expect(notifierAlarmDefinitions(PREFIX, "f", "q").flatMap(alarmProblems)).to.deep.equal([]);
    });

    it("reach people without the notifier: their own topic, mailed to the configured address, never the alerts topic", async () => {
        const run = await fixtureRun("notifier");
        const health = resourceNamed(run, TOPIC, "alerts-notifier-health");
        const healthArn = `arn:aws:sns:eu-west-1:123456789012:${health.inputs.name}`;
        for (const alarm of resourcesOfType(run, ALARM).filter((a) => a.name.startsWith("alerts-notifier-"))) {
            expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([healthArn]);
        }
        const subscriptions = resourcesOfType(run, SUBSCRIPTION).filter((s) => s.inputs.topic === healthArn);
        expect(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint])).to.deep.equal([["email", "oncall-fixture@example.com"]]);
        // The alerts topic's only subscriber is the notifier; the health topic has none of its.
        const alertsArn = `arn:aws:sns:eu-west-1:123456789012:${resourceNamed(run, TOPIC, "alerts").inputs.name}`;
        expect(
            resourcesOfType(run, SUBSCRIPTION)
                .filter((s) => s.inputs.topic === alertsArn)
                .map((s) => s.inputs.protocol),
        ).to.deep.equal(["lambda"]);
    });

    it("the notifier's alarms wait for their topic only, not for the function or the queue", async () => {
        const run = await fixtureRun("notifier");
        for (const alarm of resourcesOfType(run, ALARM).filter((a) => a.name.startsWith("alerts-notifier-"))) {
            const waitsFor = [...transitiveDependencies(run, alarm)].filter((urn) => /lambda\/function:|sqs\/queue:|EksCluster/.test(urn));
            expect(waitsFor, alarm.name).to.deep.equal([]);
        }
    });

    it("do not exist with AWS Chatbot delivery, where there is no notifier", async () => {
        const run = await fixtureRun("prd");
        expect(resourcesOfType(run, QUEUE).filter((q) => q.name.startsWith("alerts"))).to.deep.equal([]);
        expect(resourcesOfType(run, INVOKE_CONFIG)).to.deep.equal([]);
        expect(resourcesOfType(run, ALARM).filter((a) => a.name.startsWith("alerts-notifier-"))).to.deep.equal([]);
    });

    it("config: lambda delivery needs the address its failures are mailed to; chatbot delivery refuses one", () => {
        const monitoring = fixtureSection("notifier", "monitoring");
        delete monitoring.slack.notifierFailureEmail;
        expect(configProblems("notifier", { overrides: { "eks-platform:monitoring": monitoring } })).to.deep.equal([
            "[notifier] eks-platform:monitoring.slack.notifierFailureEmail = (not set): is required for lambda delivery: when the notifier fails, its alarms are mailed here (a Slack channel's email address or an on-call mailbox), since they cannot go through it",
        ]);
        monitoring.slack.notifierFailureEmail = "oncall at example.com";
        expect(configProblems("notifier", { overrides: { "eks-platform:monitoring": monitoring } })).to.deep.equal([
            '[notifier] eks-platform:monitoring.slack.notifierFailureEmail = "oncall at example.com": expected an email address, such as alerts-dev-aaaa1234@acme.slack.com',
        ]);
        const prd = fixtureSection("prd", "monitoring");
        prd.slack.notifierFailureEmail = "oncall@example.com";
        expect(configProblems("prd", { overrides: { "eks-platform:monitoring": prd } })).to.deep.equal([
            '[prd] eks-platform:monitoring.slack.notifierFailureEmail = "oncall@example.com": expected no notifierFailureEmail with chatbot delivery: there is no notifier whose failures it would receive',
        ]);
    });
});
