import { z } from "zod";
import { datadogMonitorsSchema, fraction } from "./datadog-monitors";
import { burnRateTiersSchema } from "./slo";

const positive = (what: string) => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

const slackSchema = z.strictObject({
    delivery: z.enum(["chatbot", "lambda"], { error: 'expected "chatbot" or "lambda"' }).default("chatbot").describe("`chatbot`: AWS Chatbot posts CloudWatch alarms; `lambda`: a function posts them to an incoming webhook."),
    workspaceId: z.string().regex(/^T[A-Z0-9]{6,}$/, { error: "expected a Slack workspace ID such as T0123ABCD" }).optional().describe("Slack workspace (team) ID authorised in AWS Chatbot, e.g. T0123ABCD (chatbot delivery)."),
    channelId: z.string().regex(/^[CG][A-Z0-9]{6,}$/, { error: "expected a Slack channel ID such as C0123ABCD" }).optional().describe("Slack channel ID, e.g. C0123ABCD (chatbot delivery)."),
    channelName: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { error: "expected a Slack channel name without '#', such as alerts-prd" }).describe("The channel's name, without '#': Datadog notifies it as"),
    datadogAccount: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: "expected the account name of Datadog's Slack integration" }).optional().describe("The Slack account's name in Datadog's Slack integration (required while Datadog is on)."),
});

/** `eks-platform:monitoring`: where alerts go and when they fire. */
export const monitoringSchema = z.strictObject({
    slack: slackSchema,
    pageHandles: z.array(z.string().regex(/^@[A-Za-z0-9_.-]+$/, { error: "expected a Datadog handle such as @pagerduty-web-oncall" })).default([]).describe("Extra handles notified on prd critical alerts, e.g."),
    runbookUrl: z.url({ error: "expected a URL" }).default("https://github.com/example/eks-platform/blob/main/docs/runbooks.md").describe("Runbook page every alert links to, one anchor per alert."),
    burnRateAlerts: burnRateTiersSchema.describe("When an app's error budget burns fast enough to alert (default: the SRE Workbook's tiers)."),
    alb: z.strictObject({
        peakRequestsPerMinute: positive("requests per minute > 0").default(100_000).describe("Requests per minute at the expected peak."),
        allowedErrorRate: fraction("the allowed 5XX rate").default(0.001).describe("Server errors (5XX) allowed, as a fraction of requests: 0.001 is 0.1%."),
        allowedClientErrorRate: fraction("the allowed 4XX rate").default(0.05).describe("Client errors (4XX) allowed, as a fraction of requests."),
        minRequestsPerMinute: positive("requests per minute > 0").default(100).describe("Below this many requests a minute the error-rate alarm stays quiet (a quiet night does not page)."),
        responseTime: z.strictObject({
            statistic: z.enum(["p99", "p95", "Average"], { error: 'expected "p99", "p95" or "Average"' }).default("p99"),
            thresholdSeconds: positive("seconds > 0").default(1),
        }).prefault({}),
    }).prefault({}),
    datadog: datadogMonitorsSchema.describe("Thresholds and windows of the Datadog monitors; the stage's defaults fill the rest."),
});

export type MonitoringInput = z.output<typeof monitoringSchema>;
