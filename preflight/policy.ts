/**
 * The least IAM policy preflight needs: the read-only actions its checks call, nothing else
 * (docs/preflight.md prints it; a spec keeps it equal to the actions the checks name).
 * sts:GetCallerIdentity needs no permission. Action names: the Service Authorization Reference.
 */
export const PREFLIGHT_ACTIONS = [
    "acm:DescribeCertificate",
    "chatbot:DescribeSlackWorkspaces",
    "ec2:DescribeAddresses",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInstanceTypeOfferings",
    "eks:DescribeAddonVersions",
    "eks:DescribeCluster",
    "eks:DescribeClusterVersions",
    "iam:GetPolicy",
    "iam:GetRole",
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
    "servicequotas:GetAWSDefaultServiceQuota",
    "servicequotas:GetServiceQuota",
] as const;

/** The public parameters of the EKS-optimized AMIs, the only SSM parameters preflight reads. */
export const AMI_PARAMETERS = "arn:aws:ssm:*::parameter/aws/service/eks/optimized-ami/*";

export function preflightPolicy(): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "PreflightReads", Effect: "Allow", Action: [...PREFLIGHT_ACTIONS], Resource: "*" },
            { Sid: "EksAmiParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: AMI_PARAMETERS },
        ],
    };
}
