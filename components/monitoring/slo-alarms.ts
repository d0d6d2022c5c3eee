/**
 * Multi-window, multi-burn-rate alerts on each app's availability objective, in CloudWatch: fast
 * (the ALB's metrics arrive there within minutes) and independent of the cluster. Per app and
 * tier, two metric alarms measure the 5XX share of the app's target group over the long and the
 * short window, and a composite alarm ANDs them and notifies Slack: the long window proves the
 * budget is really burning, the short one that it still is.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BurnRateTier, burnRate, errorBudget, errorRatioThreshold, Slo } from "../../stacks/schema/slo";
import { AlarmDefinition, alarmProblems, explainMissingData, missingData } from "./alb-alarms";
import { NOTIFIES_THROUGH_COMPOSITE, WINDOW_ALARM_SUFFIX } from "./alert-routing";

export interface SloAppInput {
    /** The `arnSuffix` (CloudWatch's TargetGroup dimension) of the app's target group in each slot. */
    targetGroups: pulumi.Input<string>[];
    slo: Slo;
}

export interface BurnRateInput {
    namePrefix: string;
    loadBalancer: pulumi.Input<string>;
    apps: Record<string, SloAppInput>;
    tiers: BurnRateTier[];
    /** Below this many requests a minute a window counts as healthy (a quiet night does not page). */
    minRequestsPerMinute: number;
    runbookUrl: string;
}

/** One tier of one app: two window alarms and the composite that notifies. */
export interface BurnRateAlert {
    key: string;
    app: string;
    severity: BurnRateTier["severity"];
    burnRate: number;
    /** The 5XX share of requests both windows must reach. */
    threshold: number;
    windows: [AlarmDefinition, AlarmDefinition];
    composite: { name: string; description: string };
}

const ELB = "AWS/ApplicationELB";
/** PutCompositeAlarm AlarmDescription: 0 to 1024 characters. */
const MAX_ALARM_DESCRIPTION = 1024;

/** 5 -> "5m", 60 -> "1h", 4320 -> "3d". */
export function windowLabel(minutes: number): string {
    if (minutes % (24 * 60) === 0) {
        return `${minutes / (24 * 60)}d`;
    }
    return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** The key of a tier: its two windows, which the config keeps distinct between tiers. */
export function tierKey(tier: Pick<BurnRateTier, "longWindowMinutes" | "shortWindowMinutes">): string {
    return `${windowLabel(tier.longWindowMinutes)}-${windowLabel(tier.shortWindowMinutes)}`;
}

function windowAlarm(
    input: BurnRateInput,
    app: string,
    targetGroups: pulumi.Input<string>[],
    tier: BurnRateTier,
    which: "long" | "short",
    rate: number,
    threshold: number,
): AlarmDefinition {
    const minutes = which === "long" ? tier.longWindowMinutes : tier.shortWindowMinutes;
    const period = minutes * 60;
    const metric = (id: string, metricName: string, targetGroup: pulumi.Input<string>) => ({
        id,
        returnData: false,
        metric: {
            namespace: ELB,
            metricName,
            dimensions: { LoadBalancer: input.loadBalancer, TargetGroup: targetGroup },
            period,
            stat: "Sum",
        },
    });
    // One target group: its sums as they are. Two slots: each slot's sums, added (a slot with no
    // requests reports nothing, so each is filled with 0), under the same ids.
    const sum = (id: string, metricName: string) =>
        targetGroups.length === 1
            ? [metric(id, metricName, targetGroups[0])]
            : [
                  ...targetGroups.map((targetGroup, i) => metric(`${id}${i}`, metricName, targetGroup)),
                  { id, returnData: false, expression: targetGroups.map((_, i) => `FILL(${id}${i}, 0)`).join(" + ") },
              ];
    // No targets at all is the no-healthy-targets alarm's (AlbAlarms), which breaches on missing data.
    const noRequests = missingData("notBreaching", "a window without requests failed none.");
    return explainMissingData({
        key: `${app}-slo-${tierKey(tier)}-${which}`,
        // The tier's windows in the name: two tiers sharing a window and a rate get two alarms.
        name: `${input.namePrefix} ${app} SLO burn ${rate}x (${windowLabel(tier.longWindowMinutes)} and ${windowLabel(tier.shortWindowMinutes)}) ${which}${WINDOW_ALARM_SUFFIX}`,
        alarmDescription: `Failed share (5XX and connection errors) of ${app}'s requests over ${windowLabel(minutes)} at or above ${threshold} (${rate}x its error budget). Notifies through its composite alarm.`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold,
        // One period spans the whole window: its single datapoint is the window's error ratio.
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        ...noRequests,
        // Failed requests: the app's 5XX, and connections to its pods that failed (the ALB then
        // answers 502/503 itself, which its own 5XX metric counts without a target group).
        metricQueries: [
            ...sum("requests", "RequestCount"),
            ...sum("errors", "HTTPCode_Target_5XX_Count"),
            ...sum("connectionErrors", "TargetConnectionErrorCount"),
            {
                id: "ratio",
                returnData: true,
                label: `failed share over ${windowLabel(minutes)}`,
                expression: `IF(requests >= ${input.minRequestsPerMinute * minutes}, (FILL(errors, 0) + FILL(connectionErrors, 0)) / requests, 0)`,
            },
        ],
    });
}

/** What Slack reads: the burn, the objective, the budget it leaves, what to do. */
export function burnRateMessage(app: string, slo: Slo, tier: BurnRateTier, rate: number, threshold: number, runbookUrl: string): string {
    const budgetPercent = errorBudget(slo.availabilityPercent) * 100;
    const hoursToExhaust = Math.round(((slo.windowDays * 24) / rate) * 10) / 10;
    return [
        `[${tier.severity}] ${app} is burning its error budget at ${rate}x or faster:`,
        `over the last ${windowLabel(tier.longWindowMinutes)} and ${windowLabel(tier.shortWindowMinutes)} at least ${Math.round(threshold * 1e6) / 1e4}% of its requests failed (5XX or no connection).`,
        `Objective ${slo.availabilityPercent}% over ${slo.windowDays} days: a budget of ${budgetPercent}% of requests.`,
        `At this rate the whole budget lasts ${hoursToExhaust} h; ${tier.budgetPercent}% of it is already spent, so at most ${100 - tier.budgetPercent}% is left.`,
        `Runbook: ${runbookUrl.split("#")[0]}#slo-burn-rate`,
    ].join(" ");
}

export function burnRateAlerts(input: BurnRateInput): BurnRateAlert[] {
    return Object.entries(input.apps).flatMap(([app, { targetGroups, slo }]) =>
        input.tiers.map((tier) => {
            const rate = burnRate(tier, slo.windowDays);
            const threshold = errorRatioThreshold(rate, slo.availabilityPercent);
            const windows: [AlarmDefinition, AlarmDefinition] = [
                windowAlarm(input, app, targetGroups, tier, "long", rate, threshold),
                windowAlarm(input, app, targetGroups, tier, "short", rate, threshold),
            ];
            return {
                key: `${app}-slo-${tierKey(tier)}`,
                app,
                severity: tier.severity,
                burnRate: rate,
                threshold,
                windows,
                composite: {
                    name: `${input.namePrefix} ${app} SLO [${tier.severity}] burn ${rate}x (${windowLabel(tier.longWindowMinutes)} and ${windowLabel(tier.shortWindowMinutes)})`,
                    description: burnRateMessage(app, slo, tier, rate, threshold, input.runbookUrl),
                },
            };
        }),
    );
}

export interface SloAlarmsArgs extends BurnRateInput {
    /** The SNS topic that reaches Slack. */
    topicArn: pulumi.Input<string>;
    /** The composites' OK actions: the topic, or none when an EventBridge rule posts recoveries. */
    okActions: pulumi.Input<string>[];
    tags: Record<string, string>;
}

/** Per app and tier: the long and short window alarms, and the composite that posts to Slack. */
export class SloAlarms extends pulumi.ComponentResource {
    readonly compositeNames: string[];

    constructor(name: string, args: SloAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:SloAlarms", name, {}, opts);
        const alerts = burnRateAlerts(args);
        const problems = alerts.flatMap((alert) => [
            ...alert.windows.flatMap(alarmProblems),
            ...(alert.composite.description.length > MAX_ALARM_DESCRIPTION
                ? [`${alert.composite.name}: description over ${MAX_ALARM_DESCRIPTION} characters`]
                : []),
        ]);
        if (problems.length > 0) {
            throw new Error(`Invalid SLO burn-rate alarms:\n${problems.join("\n")}`);
        }
        for (const alert of alerts) {
            const [long, short] = alert.windows.map(
                ({ key, ...alarm }) =>
                    new aws.cloudwatch.MetricAlarm(
                        `${name}-${key}`,
                        {
                            ...alarm,
                            tags: { ...args.tags, ...NOTIFIES_THROUGH_COMPOSITE },
                        },
                        { parent: this },
                    ),
            );
            // The rule names the window alarms by ARN: the composite waits for both, and goes first on destroy.
            new aws.cloudwatch.CompositeAlarm(
                `${name}-${alert.key}`,
                {
                    alarmName: alert.composite.name,
                    alarmDescription: alert.composite.description,
                    alarmRule: pulumi.interpolate`ALARM("${long.arn}") AND ALARM("${short.arn}")`,
                    actionsEnabled: true,
                    alarmActions: [args.topicArn],
                    okActions: args.okActions,
                    tags: args.tags,
                },
                { parent: this },
            );
        }
        this.compositeNames = alerts.map((alert) => alert.composite.name);
        this.registerOutputs({ compositeNames: this.compositeNames });
    }
}
