/**
 * Recoveries for chatbot delivery. A new alarm starts in INSUFFICIENT_DATA and its first
 * evaluation moves it to OK, which runs its OK actions (CloudWatch PutMetricAlarm), and Amazon Q
 * Developer posts every message on its topic: with OK actions a first deploy posted one OK per
 * alarm. So with chatbot delivery the alarms have no OK actions; an EventBridge rule sends only
 * ALARM -> OK to the topic, as a custom notification Amazon Q Developer renders.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { recoveryRuleName } from "../../stacks/checks/names";
import { AlarmDefinition, createNotifyingAlarms, explainMissingData, missingData } from "./alb-alarms";
import { WINDOW_ALARM_SUFFIX } from "./alert-routing";

/**
 * ALARM -> OK of this stack's alarms (`<prefix> ...`), burn-rate windows left out. Sources:
 * EventBridge "Amazon CloudWatch events" (source aws.cloudwatch, detail-type "CloudWatch Alarm
 * State Change"); CloudWatch "Alarm events and EventBridge" (detail.alarmName, state.value,
 * previousState.value; the alarm's ARN in `resources`); EventBridge "Comparison operators"
 * (prefix; anything-but suffix, event buses only). The window check reads the ARN, which ends
 * with the alarm's name as it is, spaces included (`arn:aws:cloudwatch:<region>:<account>:alarm:
 * <name>`, which is why composite alarm rules quote ARNs): a field is tested once, and alarmName
 * already tests the prefix. Were the ARN ever encoded, windows' recoveries would post too, never
 * fewer recoveries.
 * An ALARM that passes through INSUFFICIENT_DATA to OK is not matched: docs/monitoring.md.
 */
export function recoveryEventPattern(namePrefix: string): Record<string, unknown> {
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "resources": [{ "anything-but": { suffix: WINDOW_ALARM_SUFFIX } }],
        "detail": {
            alarmName: [{ prefix: `${namePrefix} ` }],
            previousState: { value: ["ALARM"] },
            state: { value: ["OK"] },
        },
    };
}

/**
 * The event as an Amazon Q Developer custom notification ("Custom notifications using Amazon Q
 * Developer in chat applications": version "1.0", source "custom", content.description
 * required, textType client-markdown). Only the alarm's name (ours: no quote or backslash, which
 * the spec checks), the region and the time go in: the state reason is free text that could
 * break the template's JSON.
 */
export const RECOVERY_INPUT_PATHS = { alarm: "$.detail.alarmName", region: "$.region", time: "$.time" } as const;
export const RECOVERY_TEMPLATE = JSON.stringify({
    version: "1.0",
    source: "custom",
    content: {
        textType: "client-markdown",
        title: ":white_check_mark: OK: <alarm>",
        description: "<alarm> is back to OK in <region> at <time> (it was in ALARM).",
    },
    metadata: { eventType: "AlarmRecovered", summary: "OK: <alarm>" },
});

/**
 * The rule's failed deliveries (EventBridge "Monitoring Amazon EventBridge": AWS/Events
 * FailedInvocations, "sent only if it isn't zero", dimension RuleName alone for the default bus).
 * It reaches Slack through the topic's CloudWatch statement, which does not depend on the rule.
 */
export function recoveryAlarmDefinition(namePrefix: string): AlarmDefinition {
    return explainMissingData({
        key: "recoveries-failed",
        name: `${namePrefix} alarm recoveries not posted`,
        alarmDescription: `EventBridge could not publish an alarm's return to OK to the Slack topic (rule ${recoveryRuleName(namePrefix)}): recoveries are not reaching the channel, alarms still are. Check the topic's policy and its key's.`,
        namespace: "AWS/Events",
        metricName: "FailedInvocations",
        dimensions: { RuleName: recoveryRuleName(namePrefix) },
        period: 300,
        statistic: "Sum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        ...missingData("notBreaching", "EventBridge reports failed invocations only when there are some."),
    });
}

export interface AlarmRecoveriesArgs {
    namePrefix: string;
    topic: aws.sns.Topic;
    tags: Record<string, string>;
}

/**
 * The rule, its target, and the alarm on its failed deliveries; the topic's policy and key let
 * EventBridge publish (`topic-policies.ts`).
 */
export function createAlarmRecoveries(name: string, args: AlarmRecoveriesArgs, parent: pulumi.Resource): void {
    const rule = new aws.cloudwatch.EventRule(
        `${name}-recovered`,
        {
            name: recoveryRuleName(args.namePrefix),
            description: `Posts ${args.namePrefix}'s alarms returning from ALARM to OK`,
            eventPattern: JSON.stringify(recoveryEventPattern(args.namePrefix)),
            tags: args.tags,
        },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-recovered`,
        {
            rule: rule.name,
            arn: args.topic.arn,
            inputTransformer: { inputPaths: { ...RECOVERY_INPUT_PATHS }, inputTemplate: RECOVERY_TEMPLATE },
        },
        { parent },
    );
    // No OK actions: its own return to OK is a recovery the rule posts.
    createNotifyingAlarms(
        name,
        "recovery alarm",
        [recoveryAlarmDefinition(args.namePrefix)],
        { topicArn: args.topic.arn, okActions: [] },
        args.tags,
        parent,
    );
}
