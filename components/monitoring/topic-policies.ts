/**
 * Who may use the alert topics and their key: the account, CloudWatch alarms of this account and,
 * with chatbot delivery, EventBridge (the recoveries' rule).
 */
import type * as aws from "@pulumi/aws";

/**
 * The topic's key: the account administers it, CloudWatch (and with `eventBridge`, EventBridge)
 * may encrypt what it publishes. SNS developer guide, "Key management": whoever publishes to an
 * encrypted topic, an AWS service included, needs kms:GenerateDataKey* and kms:Decrypt on its key,
 * and "adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for
 * EventBridge-to-encrypted topics" (a condition there fails every publish:
 * awslabs/landing-zone-accelerator-on-aws#407). So EventBridge's statement has none; the key
 * encrypts this one topic only.
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
            ...publisherStatements(accountId, eventBridge, ["kms:Decrypt", "kms:GenerateDataKey*"], "*"),
        ],
    };
}

/**
 * CloudWatch alarms of this account may publish to the topic; with `eventBridge`, EventBridge too
 * (EventBridge user guide, "Using resource-based policies", Amazon SNS permissions: allow
 * events.amazonaws.com sns:Publish on the topic). That statement has no condition: EventBridge's
 * guide says Condition blocks cannot be used in SNS topic policies for EventBridge, and one there
 * never matches, so every publish would fail with only the rule's FailedInvocations to show it.
 * What that leaves open, another account's rule naming this topic, can post to the channel but
 * not read it; the recoveries' failed-deliveries alarm watches the rule itself.
 */
export function topicPolicy(topicArn: string, accountId: string, eventBridge = false): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: publisherStatements(accountId, eventBridge, "sns:Publish", topicArn),
    };
}

/**
 * The services that publish to the topic, allowed `action` on `resource`: CloudWatch alarms of
 * this account and, with `eventBridge`, EventBridge, which takes no condition in either policy.
 */
function publisherStatements(
    accountId: string,
    eventBridge: boolean,
    action: string | string[],
    resource: string,
): aws.iam.PolicyStatement[] {
    const publishers = [
        {
            Sid: "CloudWatchAlarmsPublish",
            service: "cloudwatch.amazonaws.com",
            condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
        ...(eventBridge ? [{ Sid: "EventBridgePublishes", service: "events.amazonaws.com", condition: undefined }] : []),
    ];
    return publishers.map(({ Sid, service, condition }) => ({
        Sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: action,
        Resource: resource,
        ...(condition ? { Condition: condition } : {}),
    }));
}
