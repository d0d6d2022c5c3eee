/**
 * Who may use the alert topics and their key: the account, CloudWatch alarms of this account and,
 * with chatbot delivery, the recoveries' EventBridge rule.
 */
import type * as aws from "@pulumi/aws";

/**
 * The topic's key: the account administers it, CloudWatch (and with `eventBridge`, EventBridge)
 * may encrypt what it publishes. SNS developer guide, "Key management": whoever publishes to an
 * encrypted topic, an AWS service included, needs kms:GenerateDataKey* and kms:Decrypt on its key.
 */
export function topicKeyPolicy(accountId: string, eventBridge = false): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            ...(eventBridge
                ? [
                      {
                          Sid: "EventBridgePublishes",
                          Effect: "Allow" as const,
                          Principal: { Service: "events.amazonaws.com" },
                          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                          Resource: "*",
                          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                      },
                  ]
                : []),
        ],
    };
}

/**
 * CloudWatch alarms of this account may publish to the topic; with `ruleArn`, that EventBridge
 * rule too (EventBridge user guide, "Using resource-based policies", Amazon SNS permissions: the
 * topic's policy must allow events.amazonaws.com sns:Publish; here for the one rule).
 */
export function topicPolicy(topicArn: string, accountId: string, ruleArn?: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            ...(ruleArn
                ? [
                      {
                          Sid: "RecoveryRulePublishes",
                          Effect: "Allow" as const,
                          Principal: { Service: "events.amazonaws.com" },
                          Action: "sns:Publish",
                          Resource: topicArn,
                          Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
                      },
                  ]
                : []),
        ],
    };
}
