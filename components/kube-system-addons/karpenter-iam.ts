/**
 * Karpenter's AWS side: the controller's IAM policy (from its getting-started CloudFormation
 * template), the spot service-linked role it may create, and the interruption queue's rules.
 */
import * as aws from "@pulumi/aws";
import type { NodePoolConfig } from "../../stacks/config";
import { IamSource } from "./addon";

/** Its getting-started CloudFormation template at v1.14.1: the six controller policies, the node role, the queue and its rules. */
export const IAM_SOURCE: IamSource = {
    repository: "aws/karpenter-provider-aws",
    ref: "v1.14.1",
    files: ["website/content/en/preview/getting-started/getting-started-with-karpenter/cloudformation.yaml"],
};

export interface KarpenterIamInput {
    readonly region: string;
    readonly accountId: string;
    readonly clusterName: string;
    readonly nodeRoleArn: string;
    readonly queueArn: string;
    /** A NodePool may buy spot capacity. */
    readonly spot: boolean;
}

/**
 * EC2's role for Spot requests, made once per account. A Spot launch by API fails with
 * ServiceLinkedRoleCreationNotPermitted while it is missing and the caller may not create it
 * (Karpenter v1.14 troubleshooting; EC2 user guide, "Service-linked role for Spot Instance
 * requests"). Declaring it in the stack would fail in every account that has it already ("has
 * been taken in this account") and delete it for every other user on destroy, so Karpenter may
 * create exactly this role, and nothing else, when its first Spot launch needs it.
 */
export const SPOT_SERVICE_LINKED_ROLE = {
    service: "spot.amazonaws.com",
    path: "role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
};

/**
 * The controller's policy: the template's statements in order, with its role and queue names
 * replaced by this stack's node role and queue (the template names them after the cluster).
 */
export function karpenterControllerPolicy(input: KarpenterIamInput): aws.iam.PolicyDocument {
    const { region, accountId, clusterName } = input;
    const ec2 = (type: string, account = "*") => `arn:aws:ec2:${region}:${account}:${type}/*`;
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned" };
    const requestOwned = {
        [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": clusterName,
    };
    const launched = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"].map((t) => ec2(t));
    const instanceProfiles = `arn:aws:iam::${accountId}:instance-profile/*`;
    const clusterArn = `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: [
                    ec2("image", ""),
                    ec2("snapshot", ""),
                    ec2("security-group"),
                    ec2("subnet"),
                    ec2("capacity-reservation"),
                    ec2("placement-group"),
                ],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: ec2("launch-template"),
                Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Resource: launched,
                Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: launched,
                Condition: {
                    StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: ec2("instance"),
                Condition: {
                    "StringEquals": owned,
                    "StringLike": { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    "StringEqualsIfExists": { "aws:RequestTag/eks:eks-cluster-name": clusterName },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Resource: [ec2("instance"), ec2("launch-template")],
                Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: input.nodeRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Action: ["iam:CreateInstanceProfile"],
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": region },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Action: ["iam:TagInstanceProfile"],
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        ...owned,
                        "aws:ResourceTag/topology.kubernetes.io/region": region,
                        ...requestOwned,
                        "aws:RequestTag/topology.kubernetes.io/region": region,
                    },
                    StringLike: {
                        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": region },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Action: "eks:DescribeCluster", Resource: clusterArn },
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                Resource: input.queueArn,
            },
            {
                Sid: "AllowZonalShiftStatusReadOnly",
                Effect: "Allow",
                Action: ["arc-zonal-shift:GetManagedResource"],
                Resource: "*",
                Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
            },
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: [
                    "DescribeCapacityReservations",
                    "DescribeImages",
                    "DescribeInstances",
                    "DescribeInstanceStatus",
                    "DescribeInstanceTypeOfferings",
                    "DescribeInstanceTypes",
                    "DescribeLaunchTemplates",
                    "DescribePlacementGroups",
                    "DescribeSecurityGroups",
                    "DescribeSpotPriceHistory",
                    "DescribeSubnets",
                ].map((a) => `ec2:${a}`),
                Condition: { StringEquals: { "aws:RequestedRegion": region } },
            },
            {
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                Action: "ssm:GetParameter",
                Resource: `arn:aws:ssm:${region}::parameter/aws/service/*`,
            },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: instanceProfiles },
            ...(input.spot
                ? [
                      {
                          Sid: "AllowSpotServiceLinkedRoleCreation",
                          Effect: "Allow" as const,
                          Action: "iam:CreateServiceLinkedRole",
                          Resource: `arn:aws:iam::${accountId}:${SPOT_SERVICE_LINKED_ROLE.path}`,
                          Condition: { StringEquals: { "iam:AWSServiceName": SPOT_SERVICE_LINKED_ROLE.service } },
                      },
                  ]
                : []),
        ],
    };
}

/** Whether any NodePool may launch spot capacity. */
export function buysSpot(nodePools: Record<string, NodePoolConfig>): boolean {
    return Object.values(nodePools).some((pool) => pool.capacityTypes.includes("spot"));
}

/** The template's EventBridge rules into the interruption queue, by short name. */
export function interruptionEventPatterns(): Record<string, Record<string, unknown>> {
    return {
        "scheduled-change": { "source": ["aws.health"], "detail-type": ["AWS Health Event"] },
        "spot-interruption": { "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
        "rebalance": { "source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
        "instance-state-change": { "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
        "capacity-reservation-interruption": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
        },
    };
}
