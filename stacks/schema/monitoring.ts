import { z } from "zod";
import { datadogMonitorsSchema, fraction } from "./datadog-monitors";
import { burnRateTiersSchema } from "./slo";

const positive = (what: string) => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

const slackSchema = z.strictObject({
    delivery: z.enum(["chatbot", "lambda"], { error: 'expected "chatbot" or "lambda"' }).default("chatbot").describe("`chatbot`: Amazon Q Developer in chat applications (formerly AWS Chatbot) posts CloudWatch alarms, and an EventBridge rule `eks-platform-<stack>-alarm-recovered` their returns from ALARM to OK (so a first deploy posts no OKs; the stack name then has at most 35 characters); `lambda`: a function posts them to an incoming webhook."),
    workspaceId: z.string().regex(/^T[A-Z0-9]{6,}$/, { error: "expected a Slack workspace ID such as T0123ABCD" }).optional().describe("The Slack workspace (team) ID authorised in Amazon Q Developer in chat applications (formerly AWS Chatbot), such as T0123ABCD; required for chatbot delivery."),
    channelId: z.string().regex(/^[CG][A-Z0-9]{6,}$/, { error: "expected a Slack channel ID such as C0123ABCD" }).optional().describe("The Slack channel ID, such as C0123ABCD; required for chatbot delivery."),
    channelName: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { error: "expected a Slack channel name without '#', such as alerts-prd" }).describe("The channel's name, without '#': Datadog notifies it as `@slack-<account>-<name>`."),
    notifierFailureEmail: z.email({ error: "expected an email address, such as alerts-dev-aaaa1234@acme.slack.com" }).optional().describe("Lambda delivery: where the notifier's own alarms (it failed, an alert was not posted) are mailed, since they cannot go through it. A Slack channel's email address (Slack: Integrations > Send emails to this channel) or an on-call mailbox; SNS mails a confirmation link first. Required for lambda delivery."),
    datadogAccount: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: "expected the account name of Datadog's Slack integration" }).optional().describe("The Slack account's name in Datadog's Slack integration (required while Datadog is on)."),
});

/** `eks-platform:monitoring`: where alerts go and when they fire. */
export const monitoringSchema = z.strictObject({
    slack: slackSchema.describe("The Slack channel every alert of the stage reaches."),
    pageHandles: z.array(z.string().regex(/^@[A-Za-z0-9_.-]+$/, { error: "expected a Datadog handle such as @pagerduty-web-oncall" })).default([]).describe("Handles notified on prd critical Datadog alerts, such as `@pagerduty-web-oncall`; refused outside prd, where nothing pages."),
    runbookUrl: z.url({ error: "expected a URL" }).default("https://github.com/example/eks-platform/blob/main/docs/runbooks.md").describe("The runbook page every alert links to as `<url>#<alert>`: one section per alert (docs/runbooks.md). Default: docs/runbooks.md of this repository on GitHub."),
    burnRateAlerts: burnRateTiersSchema.describe("When an app's error budget burns fast enough to alert (docs/runbooks.md#slo-burn-rate). Default: the SRE Workbook's three tiers (2% in 1 h and 5% in 6 h page, 10% in 3 days is a ticket)."),
    alb: z.strictObject({
        peakRequestsPerMinute: positive("requests per minute > 0").default(100_000).describe("Requests per minute at the expected peak."),
        allowedErrorRate: fraction("the allowed 5XX rate").default(0.001).describe("Server errors (5XX) allowed, as a fraction of requests: 0.001 is 0.1%; above 0.05 refused; peakRequestsPerMinute x allowedErrorRate must be at least 1 error a minute."),
        allowedClientErrorRate: fraction("the allowed 4XX rate").default(0.05).describe("Client errors (4XX) allowed, as a fraction of requests."),
        minRequestsPerMinute: positive("requests per minute > 0").default(100).describe("Below this many requests a minute the error-rate alarm stays quiet (a quiet night does not page); below the peak."),
        responseTime: z.strictObject({
            statistic: z.enum(["p99", "p95", "Average"], { error: 'expected "p99", "p95" or "Average"' }).default("p99").describe("The target response time statistic the alarm watches."),
            thresholdSeconds: positive("seconds > 0").default(1).describe("The alarm's threshold in seconds, below loadBalancer.idleTimeoutSeconds (the ALB ends slower requests)."),
        }).prefault({}).describe("The response time alarm."),
    }).prefault({}).describe("The ALB's traffic and error budget, from which the CloudWatch alarms' thresholds follow."),
    datadog: datadogMonitorsSchema.describe("Thresholds and windows of the Datadog monitors (docs/runbooks.md); the stage's defaults fill the rest. Refused with addons.datadog off."),
}).describe("Where alerts go and when they fire.");

export type MonitoringInput = z.output<typeof monitoringSchema>;
