/** EKS Pod Identity: how a pod's service account gets an AWS role of its own. */
import * as aws from "@pulumi/aws";

/** Trust policy of a role assumed through EKS Pod Identity (the agent tags the session with cluster, namespace and service account). */
export function podIdentityTrustPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
        }],
    };
}
