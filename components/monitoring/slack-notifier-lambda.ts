/**
 * Lambda delivery of the alerts topic: a function that formats each alarm and posts it to an
 * incoming webhook (kept in SSM as a SecureString), and what tells you when it fails. SNS invokes
 * the function asynchronously, so a failed invocation is retried twice by Lambda and then dropped
 * unless it has an on-failure destination (AWS Lambda, "Asynchronous invocation" and "Configuring
 * destinations"): here a queue keeps every alert that could not be posted. The notifier's own
 * alarms cannot go through the notifier: they publish to a topic of their own, delivered by email.
 */
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyWithoutTls, serviceTrustPolicy } from "../trust-policies";
import { AlarmDefinition, createNotifyingAlarms, ExplainedAlarm, explainMissingData, missingData } from "./alb-alarms";
import { topicPolicy } from "./topic-policies";

/** The notifier's code: real code in the repository (lambda/slack-notifier at the project root), unit-tested. */
export const NOTIFIER_CODE_DIR = path.resolve(__dirname, "..", "..", "lambda", "slack-notifier");
/** The notifier's entry point: `index.js` of NOTIFIER_CODE_DIR, its export `handler`. */
export const NOTIFIER_HANDLER = "index.handler";
/**
 * Lambda's default, said explicitly: two retries after the first try. The provider validates 0 to
 * 2 retries and 60 to 21600 s of event age (terraform-provider-aws
 * internal/service/lambda/function_event_invoke_config.go).
 */
export const NOTIFIER_RETRY_ATTEMPTS = 2;
/** An alert older than an hour is history: kept in the queue, not posted late (Lambda's default is 6 h). */
export const NOTIFIER_MAX_EVENT_AGE_SECONDS = 3600;
/** SQS's longest retention: two weeks to read what was not posted. */
export const FAILED_ALERTS_RETENTION_SECONDS = 1_209_600;

export interface SlackNotifierArgs {
    namePrefix: string;
    /** The incoming webhook URL, a secret. */
    webhookUrl: pulumi.Output<string>;
    /** Where the notifier's own alarms go: an address that does not depend on the notifier. */
    failureEmail: string;
    topic: aws.sns.Topic;
    /** The key that encrypts the alerts topic, reused for the notifier-health topic. */
    key: aws.kms.Key;
    accountId: pulumi.Output<string>;
    tags: Record<string, string>;
}

/** The notifier's alarms: it failed, an alert was dropped, or one waits in the failed-alerts queue. */
export function notifierAlarmDefinitions(namePrefix: string, functionName: string, queueName: string): AlarmDefinition[] {
    const lambda = (metricName: string) => ({
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: functionName },
        period: 300,
        statistic: "Sum",
    });
    const noInvocations = missingData("notBreaching", "Lambda reports its metrics only for periods with invocations.");
    const emptyQueue = missingData("notBreaching", "SQS stops reporting a queue that stays empty and unused for six hours.");
    const common = {
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
    };
    const alarms: ExplainedAlarm[] = [
        {
            key: "notifier-errors",
            name: `${namePrefix} Slack notifier errors`,
            ...lambda("Errors"),
            ...noInvocations,
            ...common,
            alarmDescription: `The Slack notifier failed to post an alert (Lambda retries it twice, then keeps it in ${queueName}).`,
        },
        {
            key: "notifier-dropped",
            name: `${namePrefix} Slack notifier dropped alerts`,
            ...lambda("AsyncEventsDropped"),
            ...noInvocations,
            ...common,
            alarmDescription: `Alerts were dropped without reaching ${queueName}: they are lost.`,
        },
        {
            key: "notifier-failed-alerts",
            name: `${namePrefix} alerts not posted to Slack`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queueName },
            period: 300,
            statistic: "Maximum",
            ...emptyQueue,
            ...common,
            alarmDescription: `Alerts wait in ${queueName}: Slack never got them. Read them there (docs/monitoring.md), fix the webhook, purge the queue.`,
        },
    ];
    return alarms.map(explainMissingData);
}

/** The notifier, its failed-alerts queue, and its alarms by email. Children of `parent`. */
export function createSlackNotifier(name: string, args: SlackNotifierArgs, parent: pulumi.Resource): void {
    const child = { parent };
    const functionName = `${args.namePrefix}-slack-notifier`;
    const queueName = `${args.namePrefix}-alerts-not-posted`;
    const webhook = new aws.ssm.Parameter(
        `${name}-webhook`,
        { name: `/${args.namePrefix}/slack-webhook-url`, type: "SecureString", value: args.webhookUrl, tags: args.tags },
        child,
    );
    const logs = new aws.cloudwatch.LogGroup(name, { name: `/aws/lambda/${functionName}`, retentionInDays: 30, tags: args.tags }, child);
    const failed = new aws.sqs.Queue(
        `${name}-failed`,
        {
            name: queueName,
            messageRetentionSeconds: FAILED_ALERTS_RETENTION_SECONDS,
            // SQS-owned keys: the function may send without a KMS grant.
            sqsManagedSseEnabled: true,
            tags: args.tags,
        },
        child,
    );
    new aws.sqs.QueuePolicy(
        `${name}-failed`,
        {
            queueUrl: failed.url,
            policy: failed.arn.apply((arn) =>
                JSON.stringify({ Version: "2012-10-17", Statement: [denyWithoutTls("DenyHTTP", "sqs:*", arn)] }),
            ),
        },
        child,
    );
    const role = new aws.iam.Role(
        `${name}-notifier`,
        { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com")), tags: args.tags },
        child,
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-notifier`,
        {
            role: role.name,
            policy: pulumi.all([webhook.arn, logs.arn, failed.arn]).apply(([parameterArn, logGroupArn, queueArn]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: parameterArn },
                        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
                        // Lambda sends a failed event to the destination as the function's role.
                        { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: queueArn },
                    ],
                }),
            ),
        },
        child,
    );
    const notifier = new aws.lambda.Function(
        name,
        {
            name: functionName,
            description: "Posts the stage's CloudWatch alarms to Slack",
            runtime: "nodejs24.x",
            handler: NOTIFIER_HANDLER,
            code: new pulumi.asset.FileArchive(NOTIFIER_CODE_DIR),
            role: role.arn,
            timeout: 10,
            memorySize: 128,
            environment: { variables: { WEBHOOK_PARAMETER: webhook.name } },
            loggingConfig: { logFormat: "Text", logGroup: logs.name },
            tags: args.tags,
        },
        { ...child, dependsOn: [rolePolicy] },
    );
    // Lambda checks the role may send to the destination when the configuration is put.
    new aws.lambda.FunctionEventInvokeConfig(
        name,
        {
            functionName: notifier.name,
            maximumRetryAttempts: NOTIFIER_RETRY_ATTEMPTS,
            maximumEventAgeInSeconds: NOTIFIER_MAX_EVENT_AGE_SECONDS,
            destinationConfig: { onFailure: { destination: failed.arn } },
        },
        { ...child, dependsOn: [rolePolicy] },
    );
    new aws.lambda.Permission(
        name,
        { action: "lambda:InvokeFunction", function: notifier.name, principal: "sns.amazonaws.com", sourceArn: args.topic.arn },
        child,
    );
    new aws.sns.TopicSubscription(name, { topic: args.topic.arn, protocol: "lambda", endpoint: notifier.arn }, child);

    const health = new aws.sns.Topic(
        `${name}-notifier-health`,
        { name: `${args.namePrefix}-notifier-health`, kmsMasterKeyId: args.key.arn, tags: args.tags },
        child,
    );
    new aws.sns.TopicPolicy(
        `${name}-notifier-health`,
        {
            arn: health.arn,
            policy: pulumi.all([health.arn, args.accountId]).apply(([arn, account]) => JSON.stringify(topicPolicy(arn, account))),
        },
        child,
    );
    // SNS mails a confirmation link; until it is followed nothing is delivered (docs/monitoring.md).
    new aws.sns.TopicSubscription(`${name}-notifier-health`, { topic: health.arn, protocol: "email", endpoint: args.failureEmail }, child);
    const definitions = notifierAlarmDefinitions(args.namePrefix, functionName, queueName);
    createNotifyingAlarms(name, "notifier alarms", definitions, { topicArn: health.arn, okActions: [health.arn] }, args.tags, parent);
}
