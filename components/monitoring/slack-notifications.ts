import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../trust-policies";
import { createAlarmRecoveries } from "./alarm-recoveries";
import { createSlackNotifier } from "./slack-notifier-lambda";
import { topicKeyPolicy, topicPolicy } from "./topic-policies";

export { topicKeyPolicy, topicPolicy };

export interface SlackNotificationsArgs {
    /** Prefix of the physical names, e.g. eks-platform-prd. */
    namePrefix: string;
    /** `chatbot`: AWS Chatbot posts the topic's alarms; `lambda`: our function posts them to an incoming webhook. */
    delivery: "chatbot" | "lambda";
    /** Slack workspace and channel IDs (chatbot delivery). */
    workspaceId?: string;
    channelId?: string;
    /** Incoming webhook URL, a secret (lambda delivery). */
    webhookUrl?: pulumi.Output<string>;
    /** Where the notifier's own failures are mailed (lambda delivery): a route that does not depend on it. */
    notifierFailureEmail?: string;
    /** The channel's name (no '#'). */
    channelName: string;
    /** With Datadog on: the Slack integration's account and the provider that registers the channel. */
    datadog?: { account: string; provider: datadog.Provider };
    tags: Record<string, string>;
}

/** The Datadog notification handle of a Slack channel. */
export function datadogSlackHandle(account: string, channel: string): string {
    return `@slack-${account}-${channel.replace(/^#/, "")}`;
}

/**
 * How the stage reaches Slack: an SNS topic, encrypted with its own key, that CloudWatch alarms
 * publish to and AWS Chatbot (or a small Lambda) posts from; and the Datadog handle of the same
 * channel for the monitors.
 */
export class SlackNotifications extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    /**
     * The alarms' OK actions: the topic with Lambda delivery (the notifier skips a new alarm's
     * first OK); none with chatbot delivery, whose recoveries an EventBridge rule posts
     * (`alarm-recoveries.ts`).
     */
    readonly okActions: pulumi.Output<string>[];
    /** `@slack-<account>-<channel>`, once Datadog knows the channel; none without Datadog. */
    readonly datadogHandle?: pulumi.Output<string>;

    constructor(name: string, args: SlackNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:SlackNotifications", name, {}, opts);
        const child = { parent: this };
        const accountId = aws.getCallerIdentityOutput({}, child).accountId;

        const key = new aws.kms.Key(
            name,
            {
                description: `Encrypts the alerts topic ${args.namePrefix}-alerts`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: accountId.apply((account) => JSON.stringify(topicKeyPolicy(account, args.delivery === "chatbot"))),
                tags: args.tags,
            },
            child,
        );
        const topic = new aws.sns.Topic(
            name,
            {
                name: `${args.namePrefix}-alerts`,
                kmsMasterKeyId: key.arn,
                tags: args.tags,
            },
            child,
        );
        const chatbot = args.delivery === "chatbot";
        new aws.sns.TopicPolicy(
            name,
            {
                arn: topic.arn,
                policy: pulumi.all([topic.arn, accountId]).apply(([arn, account]) => JSON.stringify(topicPolicy(arn, account, chatbot))),
            },
            child,
        );

        if (chatbot) {
            this.chatbot(name, args, topic);
            createAlarmRecoveries(name, { namePrefix: args.namePrefix, topic, tags: args.tags }, this);
        } else {
            createSlackNotifier(
                name,
                {
                    namePrefix: args.namePrefix,
                    webhookUrl: args.webhookUrl!,
                    failureEmail: args.notifierFailureEmail!,
                    topic,
                    key,
                    accountId,
                    tags: args.tags,
                },
                this,
            );
        }

        if (args.datadog) {
            const account = args.datadog.account;
            const channel = new datadog.slack.Channel(
                name,
                {
                    accountName: account,
                    channelName: `#${args.channelName}`,
                    display: { message: true, notified: true, snapshot: true, tags: true },
                },
                { parent: this, provider: args.datadog.provider },
            );
            this.datadogHandle = channel.channelName.apply((channelName) => datadogSlackHandle(account, channelName));
        }

        this.topicArn = topic.arn;
        this.okActions = chatbot ? [] : [topic.arn];
        this.registerOutputs({ topicArn: this.topicArn, datadogHandle: this.datadogHandle });
    }

    /** AWS Chatbot, with a read-only role so notifications can show the alarm's graph. */
    private chatbot(name: string, args: SlackNotificationsArgs, topic: aws.sns.Topic): void {
        const role = new aws.iam.Role(
            `${name}-chatbot`,
            { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("chatbot.amazonaws.com")), tags: args.tags },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-chatbot`,
            {
                role: role.name,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], Resource: "*" },
                    ],
                }),
            },
            { parent: this },
        );
        new aws.chatbot.SlackChannelConfiguration(
            name,
            {
                configurationName: `${args.namePrefix}-alerts`,
                slackTeamId: args.workspaceId!,
                slackChannelId: args.channelId!,
                iamRoleArn: role.arn,
                // Whatever a channel member asks Chatbot to do, it can only read.
                guardrailPolicyArns: [aws.iam.ManagedPolicy.CloudWatchReadOnlyAccess],
                snsTopicArns: [topic.arn],
                loggingLevel: "ERROR",
                tags: args.tags,
            },
            { parent: this },
        );
    }
}
