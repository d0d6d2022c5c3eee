import { z } from "zod";

const positive = (what: string) => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

/** A share between 0 and 1; a number from 1 to 100 is a percentage written for it. */
const fraction = (what: string) => z.number({ error: `expected ${what}, a fraction between 0 and 1` }).superRefine((v, ctx) => {
    if (v > 1 && v <= 100) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what}, a fraction between 0 and 1: ${v} looks like a percentage (for ${v}% write ${v / 100})` });
    } else if (!(v > 0 && v < 1)) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what}, a fraction between 0 and 1` });
    }
});

/**
 * A percentage of a container's limit. Usage never passes the limit (CPU is throttled, memory
 * OOM-killed), so above 100 a monitor never fires; at 1 or below, a fraction was written for it.
 */
const percentOfLimit = (what: string) => z.number({ error: `expected ${what}, in percent` }).superRefine((v, ctx) => {
    if (v > 0 && v <= 1) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent (1 to 100): ${v} looks like a fraction (for ${v * 100}% write ${v * 100})` });
    } else if (v > 100) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent, at most 100: usage never passes its limit, so the monitor would never fire` });
    } else if (!(v > 0)) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent, above 0` });
    }
});

/** A monitor's thresholds; the warning must fire before the critical one (checked in checks/monitoring.ts). */
const thresholds = (critical: number, warning: number | undefined, what: string, field = positive) => z.strictObject({
    critical: field(what).default(critical),
    warning: warning === undefined ? field(what).optional() : field(what).default(warning),
}).prefault({});

const slackSchema = z.strictObject({
    /** `chatbot`: AWS Chatbot posts CloudWatch alarms; `lambda`: a function posts them to an incoming webhook. */
    delivery: z.enum(["chatbot", "lambda"], { error: 'expected "chatbot" or "lambda"' }).default("chatbot"),
    /** Slack workspace (team) ID authorised in AWS Chatbot, e.g. T0123ABCD (chatbot delivery). */
    workspaceId: z.string().regex(/^T[A-Z0-9]{6,}$/, { error: "expected a Slack workspace ID such as T0123ABCD" }).optional(),
    /** Slack channel ID, e.g. C0123ABCD (chatbot delivery). */
    channelId: z.string().regex(/^[CG][A-Z0-9]{6,}$/, { error: "expected a Slack channel ID such as C0123ABCD" }).optional(),
    /** The channel's name, without '#': Datadog notifies it as @slack-<datadogAccount>-<channelName>. */
    channelName: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { error: "expected a Slack channel name without '#', such as alerts-prd" }),
    /** The Slack account's name in Datadog's Slack integration (required while Datadog is on). */
    datadogAccount: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: "expected the account name of Datadog's Slack integration" }).optional(),
});

/** `eks-platform:monitoring`: where alerts go and when they fire. */
export const monitoringSchema = z.strictObject({
    slack: slackSchema,
    /** Extra handles notified on prd critical alerts, e.g. @pagerduty-web-oncall. */
    pageHandles: z.array(z.string().regex(/^@[A-Za-z0-9_.-]+$/, { error: "expected a Datadog handle such as @pagerduty-web-oncall" })).default([]),
    /** Runbook page every alert links to, one anchor per alert. */
    runbookUrl: z.url({ error: "expected a URL" }).default("https://github.com/example/eks-platform/blob/main/README.md#alerts-and-what-to-do"),
    alb: z.strictObject({
        /** Requests per minute at the expected peak. */
        peakRequestsPerMinute: positive("requests per minute > 0").default(100_000),
        /** Server errors (5XX) allowed, as a fraction of requests: 0.001 is 0.1%. */
        allowedErrorRate: fraction("the allowed 5XX rate").default(0.001),
        /** Client errors (4XX) allowed, as a fraction of requests. */
        allowedClientErrorRate: fraction("the allowed 4XX rate").default(0.05),
        /** Below this many requests a minute the error-rate alarm stays quiet (a quiet night does not page). */
        minRequestsPerMinute: positive("requests per minute > 0").default(100),
        responseTime: z.strictObject({
            statistic: z.enum(["p99", "p95", "Average"], { error: 'expected "p99", "p95" or "Average"' }).default("p99"),
            thresholdSeconds: positive("seconds > 0").default(1),
        }).prefault({}),
    }).prefault({}),
    datadog: z.strictObject({
        crashLoopBackOff: thresholds(1, undefined, "a number of containers"),
        containerRestarts: thresholds(3, 2, "a number of restarts in 5 minutes"),
        /** Available/desired replicas of a deployment; alerts at or below. */
        deploymentAvailability: z.strictObject({
            critical: fraction("the available/desired ratio").default(0.5),
            warning: fraction("the available/desired ratio").optional().default(0.75),
        }).prefault({}),
        cpuOfLimit: thresholds(80, 70, "a share of the CPU limit", percentOfLimit),
        memoryOfLimit: thresholds(80, 70, "a share of the memory limit", percentOfLimit),
        /** Minutes without kube-state-metrics data before it alerts. */
        kubeStateMetricsNoDataMinutes: z.int({ error: "expected whole minutes from 5 to 60" })
            .min(5, { error: "expected whole minutes from 5 to 60" }).max(60, { error: "expected whole minutes from 5 to 60" }).default(10),
    }).prefault({}),
});

export type MonitoringInput = z.output<typeof monitoringSchema>;
