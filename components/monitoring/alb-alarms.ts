import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringInput } from "../../stacks/schema/monitoring";

export interface AlbAlarmsArgs {
    /** Prefix of every alarm name (unique in the account and region), e.g. eks-platform-prd. */
    namePrefix: string;
    /** The ALB's `arnSuffix` (app/<name>/<id>): CloudWatch's LoadBalancer dimension. */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /** Per app, its target group's `arnSuffix`: CloudWatch's TargetGroup dimension. */
    targetGroupArnSuffixes: Record<string, pulumi.Input<string>>;
    /** Traffic and error budget of the stage. */
    thresholds: MonitoringInput["alb"];
    /** The SNS topic that reaches Slack: alarm actions. */
    topicArn: pulumi.Input<string>;
    /** OK actions: the topic, or none when an EventBridge rule posts recoveries (chatbot delivery). */
    okActions: pulumi.Input<string>[];
    tags: Record<string, string>;
}

/** Errors per minute the stage tolerates at peak: 100,000 rpm x 0.1% = 100. */
export function errorsPerMinute(peakRequestsPerMinute: number, allowedRate: number): number {
    return Math.round(peakRequestsPerMinute * allowedRate * 1000) / 1000;
}

type Dimensions = Record<string, pulumi.Input<string>>;

/** A metric or a math expression over metrics, as CloudWatch's metric_query. */
export interface MetricQuery {
    id: string;
    returnData: boolean;
    label?: string;
    expression?: string;
    metric?: { namespace: string; metricName: string; dimensions: Dimensions; period: number; stat: string };
}

/** One CloudWatch alarm as plain data, actions added by the component. */
export interface AlarmDefinition {
    key: string;
    name: string;
    alarmDescription: string;
    comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    threshold: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    /**
     * What a period without data means, chosen per alarm and said in its description: HTTPCode
     * metrics exist only when non-zero (missing is good), but target metrics exist only while
     * targets are registered (missing can be the outage).
     */
    treatMissingData: "notBreaching" | "breaching";
    namespace?: string;
    metricName?: string;
    dimensions?: Dimensions;
    period?: number;
    statistic?: string;
    extendedStatistic?: string;
    metricQueries?: MetricQuery[];
}

const PERIOD = 60;
const ELB = "AWS/ApplicationELB";

export interface AlarmInput {
    namePrefix: string;
    loadBalancer: pulumi.Input<string>;
    targetGroups: Record<string, pulumi.Input<string>>;
    thresholds: MonitoringInput["alb"];
}

/** A missing-data choice and why; `explainMissingData` appends the why to the alarm's description. */
export function missingData(treat: AlarmDefinition["treatMissingData"], because: string) {
    return {
        treatMissingData: treat,
        missingDataBecause: `Missing data: ${treat === "breaching" ? "breaching" : "not breaching"}, because ${because}`,
    };
}

/** An alarm whose missing-data reason is not yet in its description. */
export type ExplainedAlarm = AlarmDefinition & { missingDataBecause: string };

/** The alarm with its missing-data choice said in its description, so whoever reads the alarm reads the choice. */
export function explainMissingData({ missingDataBecause, ...alarm }: ExplainedAlarm): AlarmDefinition {
    return { ...alarm, alarmDescription: `${alarm.alarmDescription} ${missingDataBecause}` };
}

/**
 * The ALB alarms. Each app's failed requests page through its burn-rate alarms (SloAlarms), so
 * no alarm here counts them again: these watch what the burn rates cannot see. With no target
 * registered the ALB reports no target metric at all (AWS, "CloudWatch metrics for your
 * Application Load Balancer": HealthyHostCount "reported if health checks are enabled", per
 * TargetGroup and LoadBalancer), so the app down for everyone is the healthy-targets alarm,
 * whose missing data breaches. CloudWatch rather than Datadog: the ALB's metrics reach Datadog
 * about ten minutes late.
 */
export function albAlarmDefinitions(input: AlarmInput): AlarmDefinition[] {
    const t = input.thresholds;
    const clientErrors = errorsPerMinute(t.peakRequestsPerMinute, t.allowedClientErrorRate);
    const lb: Dimensions = { LoadBalancer: input.loadBalancer };
    const sum = (metricName: string, dimensions: Dimensions) => ({
        namespace: ELB,
        metricName,
        dimensions,
        period: PERIOD,
        statistic: "Sum",
    });
    const name = (what: string) => `${input.namePrefix} ${what}`;
    const noErrorsReported = missingData("notBreaching", "HTTPCode metrics are reported only when non-zero.");

    const alarms: ExplainedAlarm[] = [
        {
            key: "elb-4xx",
            name: name("ALB 4XX"),
            ...sum("HTTPCode_ELB_4XX_Count", lb),
            ...noErrorsReported,
            alarmDescription: `More than ${clientErrors} 4XX a minute from the load balancer (${t.peakRequestsPerMinute} rpm x ${t.allowedClientErrorRate}): bad requests, a client bug or a scan.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: clientErrors,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
        },
        {
            key: "error-rate",
            name: name("ALB-generated 5XX rate"),
            ...missingData("notBreaching", "a minute without requests failed none; below the traffic floor the rate counts as 0."),
            alarmDescription: `More than ${t.allowedErrorRate * 100}% of requests failed with a 5XX the load balancer generated itself (504 target timeouts, 502 bad responses, 503 nothing to route to), counted only above ${t.minRequestsPerMinute} requests a minute. The apps' burn-rate alarms count their targets' 5XX and connection errors, not these.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.allowedErrorRate * 100,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            metricQueries: [
                {
                    id: "requests",
                    returnData: false,
                    metric: { namespace: ELB, metricName: "RequestCount", dimensions: lb, period: PERIOD, stat: "Sum" },
                },
                {
                    id: "elb5xx",
                    returnData: false,
                    metric: { namespace: ELB, metricName: "HTTPCode_ELB_5XX_Count", dimensions: lb, period: PERIOD, stat: "Sum" },
                },
                {
                    id: "rate",
                    returnData: true,
                    label: "ALB-generated 5XX % of requests",
                    // A quiet night (below the floor) counts as 0%: two errors in ten requests must not page.
                    expression: `IF(requests >= ${t.minRequestsPerMinute}, 100 * FILL(elb5xx, 0) / requests, 0)`,
                },
            ],
        },
    ];

    for (const [app, targetGroup] of Object.entries(input.targetGroups)) {
        const tg: Dimensions = { LoadBalancer: input.loadBalancer, TargetGroup: targetGroup };
        const stat = t.responseTime.statistic === "Average" ? { statistic: "Average" } : { extendedStatistic: t.responseTime.statistic };
        // Each of the ALB's nodes health-checks every target and reports what it sees; "Minimum and
        // Maximum reflect the minimum and maximum reported by the individual load balancer nodes"
        // (AWS, "CloudWatch metrics for your Application Load Balancer"). Minimum is the least healthy
        // node's view of the healthy count, and of the unhealthy count the part every node agrees on:
        // one node's flapping check is not an unhealthy pod.
        const hostCount = (metricName: string) => ({ namespace: ELB, metricName, dimensions: tg, period: PERIOD, statistic: "Minimum" });
        alarms.push(
            {
                key: `${app}-healthy-hosts`,
                name: name(`${app} no healthy targets`),
                ...hostCount("HealthyHostCount"),
                ...missingData(
                    "breaching",
                    "with no target registered the load balancer reports no target metric: that silence is the app down for everyone.",
                ),
                alarmDescription: `No pod of ${app} is registered and healthy in its target group: every request to it fails.`,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                evaluationPeriods: 3,
                datapointsToAlarm: 2,
            },
            {
                key: `${app}-response-time`,
                name: name(`${app} response time ${t.responseTime.statistic}`),
                ...missingData(
                    "notBreaching",
                    "a minute without requests has no response time; no target at all is the no-healthy-targets alarm's.",
                ),
                namespace: ELB,
                metricName: "TargetResponseTime",
                dimensions: tg,
                period: PERIOD,
                ...stat,
                alarmDescription: `App ${app}'s ${t.responseTime.statistic} response time is above ${t.responseTime.thresholdSeconds} s.`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: t.responseTime.thresholdSeconds,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
            },
            {
                key: `${app}-unhealthy-hosts`,
                name: name(`${app} unhealthy targets`),
                ...hostCount("UnHealthyHostCount"),
                ...missingData("notBreaching", "no registered target reports nothing, and the no-healthy-targets alarm breaches on that."),
                alarmDescription: `At least one pod of ${app} fails the ALB health check, as every load balancer node sees it.`,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                evaluationPeriods: 3,
                datapointsToAlarm: 2,
            },
        );
    }
    return alarms.map(explainMissingData);
}

/**
 * CloudWatch's rules for an alarm (PutMetricAlarm, Period): a period of 10, 20 or 30 s or a
 * multiple of 60; period x evaluation periods at most 7 days, and at most 1 day for periods under
 * an hour; M of N with M <= N.
 */
export function alarmProblems(
    alarm: Pick<AlarmDefinition, "period" | "metricQueries" | "evaluationPeriods" | "datapointsToAlarm" | "name">,
): string[] {
    const periods = [alarm.period, ...(alarm.metricQueries ?? []).map((q) => q.metric?.period)].filter((p): p is number => p !== undefined);
    const problems = periods
        .filter((p) => !([10, 20, 30].includes(p) || (p > 0 && p % 60 === 0)))
        .map((p) => `${alarm.name}: period ${p} s is not 10, 20, 30 or a multiple of 60`);
    for (const period of new Set(periods)) {
        const span = period * alarm.evaluationPeriods;
        const limit = period < 3600 ? 86_400 : 604_800;
        if (span > limit) {
            problems.push(
                `${alarm.name}: ${alarm.evaluationPeriods} periods of ${period} s span ${span} s, more than the ${limit} s CloudWatch evaluates`,
            );
        }
    }
    if (alarm.datapointsToAlarm > alarm.evaluationPeriods) {
        problems.push(`${alarm.name}: ${alarm.datapointsToAlarm} datapoints to alarm out of ${alarm.evaluationPeriods} evaluation periods`);
    }
    return problems;
}

/**
 * Checked alarms, each `<name>-<key>`, with alarm actions to one topic (the ALB's alarms to the
 * Slack topic, the notifier's to its health topic) and the OK actions given. A definition
 * CloudWatch would refuse stops the program before anything is created.
 */
export function createNotifyingAlarms(
    name: string,
    what: string,
    definitions: AlarmDefinition[],
    actions: { topicArn: pulumi.Input<string>; okActions: pulumi.Input<string>[] },
    tags: Record<string, string>,
    parent: pulumi.Resource,
): void {
    const problems = definitions.flatMap(alarmProblems);
    if (problems.length > 0) {
        throw new Error(`Invalid ${what}:\n${problems.join("\n")}`);
    }
    for (const { key, ...alarm } of definitions) {
        new aws.cloudwatch.MetricAlarm(
            `${name}-${key}`,
            { ...alarm, actionsEnabled: true, alarmActions: [actions.topicArn], okActions: actions.okActions, tags },
            { parent },
        );
    }
}

/** CloudWatch alarms on the ALB and its target groups, alarm actions to the Slack topic. */
export class AlbAlarms extends pulumi.ComponentResource {
    readonly names: string[];

    constructor(name: string, args: AlbAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:AlbAlarms", name, {}, opts);
        const definitions = albAlarmDefinitions({
            namePrefix: args.namePrefix,
            loadBalancer: args.loadBalancerArnSuffix,
            targetGroups: args.targetGroupArnSuffixes,
            thresholds: args.thresholds,
        });
        createNotifyingAlarms(name, "ALB alarms", definitions, args, args.tags, this);
        this.names = definitions.map((d) => d.name);
        this.registerOutputs({ names: this.names });
    }
}
