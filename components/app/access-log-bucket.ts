/** The ALB's access log bucket: written only by the region's load balancer log delivery, over TLS. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyWithoutTls } from "../trust-policies";

/** Lets the region's load balancer log delivery write, and nothing else. */
export function accessLogBucketPolicy(bucketArn: string, elbAccountArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LoadBalancerLogDelivery",
                Effect: "Allow",
                // Regions launched before August 2022 deliver as the region's ELB account, newer ones as the service.
                Principal: { AWS: elbAccountArn, Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/*`,
            },
            denyWithoutTls("TlsOnly", "s3:*", [bucketArn, `${bucketArn}/*`]),
        ],
    };
}

/** A private, SSE-S3 encrypted bucket (the only encryption ALB log delivery supports), expiring old logs. */
export function accessLogBucket(
    name: string,
    retentionDays: number,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): { bucket: pulumi.Output<string>; policy: aws.s3.BucketPolicy } {
    const bucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: false, tags: tags }, { parent });
    new aws.s3.BucketPublicAccessBlock(
        `${name}-access-logs`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        { parent },
    );
    new aws.s3.BucketOwnershipControls(
        `${name}-access-logs`,
        {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        },
        { parent },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-access-logs`,
        {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        { parent },
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-access-logs`,
        {
            bucket: bucket.id,
            rules: [{ id: "expire", status: "Enabled", filter: {}, expiration: { days: retentionDays } }],
        },
        { parent },
    );
    const elbAccount = aws.elb.getServiceAccountOutput({}, { parent });
    const policy = new aws.s3.BucketPolicy(
        `${name}-access-logs`,
        {
            bucket: bucket.id,
            policy: pulumi
                .all([bucket.arn, elbAccount.arn])
                .apply(([bucketArn, elbArn]) => JSON.stringify(accessLogBucketPolicy(bucketArn, elbArn))),
        },
        { parent },
    );
    return { bucket: bucket.bucket, policy };
}
