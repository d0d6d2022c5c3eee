/**
 * Each AWS-calling addon's grant, pinned action by action to what its controller calls at the
 * pinned version: the published policy narrowed to the calls in its source (IAM_SOURCE names the
 * tag and the files read). Bumping a chart without reading its policy again fails here.
 */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import type { IamSource } from "../components/kube-system-addons/addon";
import * as autoscaler from "../components/kube-system-addons/cluster-autoscaler";
import * as lbc from "../components/kube-system-addons/aws-load-balancer-controller";
import * as nth from "../components/kube-system-addons/aws-node-termination-handler";
import * as externalDns from "../components/kube-system-addons/external-dns";
import * as externalSecrets from "../components/kube-system-addons/external-secrets";
import * as karpenter from "../components/kube-system-addons/karpenter";

function actions(document: aws.iam.PolicyDocument): string[] {
    const statements = document.Statement as aws.iam.PolicyStatement[];
    return [...new Set(statements.flatMap((s) => ([] as string[]).concat(s.Action as string | string[])))].sort();
}

interface Expected {
    source: IamSource;
    /** The chart's app version the source must be read at. */
    appVersion: string;
    document: aws.iam.PolicyDocument;
    actions: string[];
}

const KARPENTER_INPUT = {
    region: "eu-west-1",
    accountId: "123456789012",
    clusterName: "eks-platform-prd",
    nodeRoleArn: "arn:aws:iam::123456789012:role/nodes",
    queueArn: "arn:aws:sqs:eu-west-1:123456789012:q",
    spot: false,
};

const EXPECTED: Record<string, Expected> = {
    "karpenter": {
        source: karpenter.IAM_SOURCE,
        appVersion: "1.14.1",
        document: karpenter.karpenterControllerPolicy(KARPENTER_INPUT),
        actions: [
            "arc-zonal-shift:GetManagedResource",
            "ec2:CreateFleet",
            "ec2:CreateLaunchTemplate",
            "ec2:CreateTags",
            "ec2:DeleteLaunchTemplate",
            "ec2:DescribeCapacityReservations",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceStatus",
            "ec2:DescribeInstanceTypeOfferings",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeInstances",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribePlacementGroups",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSpotPriceHistory",
            "ec2:DescribeSubnets",
            "ec2:RunInstances",
            "ec2:TerminateInstances",
            "eks:DescribeCluster",
            "iam:AddRoleToInstanceProfile",
            "iam:CreateInstanceProfile",
            "iam:DeleteInstanceProfile",
            "iam:GetInstanceProfile",
            "iam:ListInstanceProfiles",
            "iam:PassRole",
            "iam:RemoveRoleFromInstanceProfile",
            "iam:TagInstanceProfile",
            "pricing:GetProducts",
            "sqs:DeleteMessage",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
            "ssm:GetParameter",
        ],
    },
    "cluster-autoscaler": {
        source: autoscaler.IAM_SOURCE,
        appVersion: "1.35.0",
        document: autoscaler.clusterAutoscalerPolicy("eks-platform-prd"),
        actions: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities",
            "autoscaling:SetDesiredCapacity",
            "autoscaling:TerminateInstanceInAutoScalingGroup",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup",
        ],
    },
    "aws-node-termination-handler": {
        source: nth.IAM_SOURCE,
        appVersion: "1.25.6",
        document: nth.terminationHandlerPolicy("arn:aws:sqs:eu-west-1:123456789012:q"),
        actions: ["autoscaling:CompleteLifecycleAction", "ec2:DescribeInstances", "sqs:DeleteMessage", "sqs:ReceiveMessage"],
    },
    "external-dns": {
        source: externalDns.IAM_SOURCE,
        appVersion: "0.21.0",
        document: externalDns.externalDnsPolicy(["Z0123456789ABC"]),
        actions: [
            "route53:ChangeResourceRecordSets",
            "route53:ListHostedZones",
            "route53:ListResourceRecordSets",
            "route53:ListTagsForResources",
        ],
    },
    "external-secrets": {
        source: externalSecrets.IAM_SOURCE,
        appVersion: "2.9.0",
        document: externalSecrets.externalSecretsPolicy({
            secretArns: ["arn:aws:secretsmanager:eu-west-1:1:secret:web/*"],
            parameterArns: ["arn:aws:ssm:eu-west-1:1:parameter/web/*"],
            kmsKeyArns: ["arn:aws:kms:eu-west-1:1:key/k"],
        }),
        actions: [
            "kms:Decrypt",
            "secretsmanager:BatchGetSecretValue",
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ListSecrets",
            "ssm:GetParameter",
            "ssm:GetParametersByPath",
        ],
    },
};

describe("addon IAM, as the pinned controllers call it", () => {
    for (const [addon, expected] of Object.entries(EXPECTED)) {
        it(`${addon}: exactly the actions its source calls at ${expected.source.repository}@${expected.source.ref}`, () => {
            expect(actions(expected.document)).to.deep.equal(expected.actions);
            expect(expected.source.ref.replace(/^v/, "")).to.match(new RegExp(`${expected.appVersion.replace(/\./g, "\\.")}$`));
            expect(expected.source.files.length).to.be.greaterThan(0);
        });
    }

    it("grants Karpenter the template's 18 statements in order, scoped to this cluster, region, node role and queue", () => {
        const statements = karpenter.karpenterControllerPolicy(KARPENTER_INPUT).Statement as any[];
        expect(statements.map((s) => s.Sid)).to.deep.equal([
            "AllowScopedEC2InstanceAccessActions",
            "AllowScopedEC2LaunchTemplateAccessActions",
            "AllowScopedEC2InstanceActionsWithTags",
            "AllowScopedResourceCreationTagging",
            "AllowScopedResourceTagging",
            "AllowScopedDeletion",
            "AllowPassingInstanceRole",
            "AllowScopedInstanceProfileCreationActions",
            "AllowScopedInstanceProfileTagActions",
            "AllowScopedInstanceProfileActions",
            "AllowAPIServerEndpointDiscovery",
            "AllowInterruptionQueueActions",
            "AllowZonalShiftStatusReadOnly",
            "AllowRegionalReadActions",
            "AllowSSMReadActions",
            "AllowPricingReadActions",
            "AllowUnscopedInstanceProfileListAction",
            "AllowInstanceProfileReadActions",
        ]);
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        expect(bySid.AllowScopedDeletion.Condition.StringEquals).to.deep.equal({
            "aws:ResourceTag/kubernetes.io/cluster/eks-platform-prd": "owned",
        });
        expect(bySid.AllowPassingInstanceRole.Resource).to.equal(KARPENTER_INPUT.nodeRoleArn);
        expect(bySid.AllowInterruptionQueueActions.Resource).to.equal(KARPENTER_INPUT.queueArn);
        expect(bySid.AllowRegionalReadActions.Condition).to.deep.equal({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
        expect(bySid.AllowScopedEC2InstanceAccessActions.Resource).to.include("arn:aws:ec2:eu-west-1::image/*");
    });

    it("lets Karpenter create the EC2 Spot service-linked role, and only that role, when a pool buys spot", () => {
        const statements = karpenter.karpenterControllerPolicy({ ...KARPENTER_INPUT, spot: true }).Statement as any[];
        expect(statements).to.have.length(19);
        expect(statements[18]).to.deep.equal({
            Sid: "AllowSpotServiceLinkedRoleCreation",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
            Condition: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
        });
        expect(actions(karpenter.karpenterControllerPolicy(KARPENTER_INPUT))).not.to.include("iam:CreateServiceLinkedRole");
    });

    it("grants external-dns the plural ListTagsForResources it calls, never the singular", () => {
        expect(actions(EXPECTED["external-dns"].document)).not.to.include("route53:ListTagsForResource");
    });

    it("grants external-secrets GetParametersByPath (its find by path) and not GetParameters, which it never calls", () => {
        const granted = actions(EXPECTED["external-secrets"].document);
        expect(granted).to.include("ssm:GetParametersByPath");
        expect(granted).not.to.include("ssm:GetParameters");
    });

    it("grants the autoscaler neither UpdateAutoScalingGroup nor DescribeTags", () => {
        const granted = actions(EXPECTED["cluster-autoscaler"].document);
        expect(granted).not.to.include("autoscaling:UpdateAutoScalingGroup");
        expect(granted).not.to.include("autoscaling:DescribeTags");
    });

    it("grants the load balancer controller the policy published at its own release", () => {
        expect(lbc.IAM_SOURCE).to.deep.equal({
            repository: "kubernetes-sigs/aws-load-balancer-controller",
            ref: lbc.APP_VERSION,
            files: ["docs/install/iam_policy.json"],
        });
        expect(actions(lbc.loadBalancerControllerPolicy())).to.have.length(80);
    });
});
