/** Who may assume a role: an AWS service, or a pod's service account through EKS Pod Identity. */
import * as aws from "@pulumi/aws";

/** Trust policy of a role an AWS service assumes (ec2, eks-fargate-pods, lambda, chatbot). */
export function serviceTrustPolicy(service: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

/** Trust policy of a role assumed through EKS Pod Identity (the agent tags the session with cluster, namespace and service account). */
export function podIdentityTrustPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
            },
        ],
    };
}

/**
 * Trust policy of a role assumed by one service account through the cluster's IAM OIDC provider
 * (EKS user guide, associate-service-account-role: Federated principal, AssumeRoleWithWebIdentity,
 * `<issuer>:sub` = system:serviceaccount:<namespace>:<name>, `<issuer>:aud` = sts.amazonaws.com).
 */
export function serviceAccountTrustPolicy(
    oidcProviderArn: string,
    issuer: string,
    namespace: string,
    serviceAccount: string,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

/** A resource policy statement that refuses every request not made over TLS (aws:SecureTransport). */
export function denyWithoutTls(sid: string, action: string, resource: string | string[]): aws.iam.PolicyStatement {
    return {
        Sid: sid,
        Effect: "Deny",
        Principal: "*",
        Action: action,
        Resource: resource,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
