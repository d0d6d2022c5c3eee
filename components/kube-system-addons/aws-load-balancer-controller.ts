/**
 * AWS Load Balancer Controller (successor of alb-ingress-controller): reconciles the
 * TargetGroupBindings that connect the platform's ALB to app pods, and Ingress/Service load
 * balancers. Its CRDs are applied from the same release tag, because Helm never upgrades CRDs.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import {
    AddonContext,
    AddonSettings,
    ChartPin,
    defaultReplicas,
    helmRelease,
    IamSource,
    mergeValues,
    addonRole,
    serviceAccountValues,
} from "./addon";

/** https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/helm/aws-load-balancer-controller/Chart.yaml (published to aws/eks-charts) */
export const CHART: ChartPin = { repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0" };
export const APP_VERSION = "v3.5.0";
export const NAMESPACE = "kube-system";
export const SERVICE_ACCOUNT = "aws-load-balancer-controller";

/** The chart's CRD files at the controller's release tag. */
export const CRD_FILES = ["crds", "gateway-crds"];

export function crdUrl(file: string): string {
    return `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${APP_VERSION}/helm/aws-load-balancer-controller/crds/${file}.yaml`;
}

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** The tag the controller puts on everything it creates; its write access is limited to those. */
const OWNER_TAG = "elbv2.k8s.aws/cluster";
const taggedByController = { Null: { [`aws:RequestTag/${OWNER_TAG}`]: "false" } };
const ownedByController = { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: "false" } };
const notRetaggingOwned = { Null: { [`aws:RequestTag/${OWNER_TAG}`]: "true", [`aws:ResourceTag/${OWNER_TAG}`]: "false" } };
const LOAD_BALANCERS_AND_TARGET_GROUPS = [
    "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
];

/** The published policy, granted as written: the controller's calls are too many to narrow safely. */
export const IAM_SOURCE: IamSource = {
    repository: "kubernetes-sigs/aws-load-balancer-controller",
    ref: APP_VERSION,
    files: ["docs/install/iam_policy.json"],
};

/**
 * The controller's IAM policy for APP_VERSION, as published with that release
 * (docs/install/iam_policy.json at the tag). It changes between versions (v2.9 added
 * DescribeListenerAttributes and reconciles failed with 403 until the policy caught up):
 * compare it with the published file whenever the chart is bumped.
 */
export function loadBalancerControllerPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ServiceLinkedRole",
                Effect: "Allow",
                Action: ["iam:CreateServiceLinkedRole"],
                Resource: "*",
                Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
            },
            {
                Sid: "Describe",
                Effect: "Allow",
                Action: [
                    ...[
                        "DescribeAccountAttributes",
                        "DescribeAddresses",
                        "DescribeAvailabilityZones",
                        "DescribeInternetGateways",
                        "DescribeVpcs",
                        "DescribeVpcPeeringConnections",
                        "DescribeSubnets",
                        "DescribeSecurityGroups",
                        "DescribeInstances",
                        "DescribeNetworkInterfaces",
                        "DescribeTags",
                        "GetCoipPoolUsage",
                        "DescribeCoipPools",
                        "GetSecurityGroupsForVpc",
                        "DescribeIpamPools",
                        "DescribeRouteTables",
                    ].map((a) => `ec2:${a}`),
                    ...[
                        "DescribeLoadBalancers",
                        "DescribeLoadBalancerAttributes",
                        "DescribeListeners",
                        "DescribeListenerCertificates",
                        "DescribeSSLPolicies",
                        "DescribeRules",
                        "DescribeTargetGroups",
                        "DescribeTargetGroupAttributes",
                        "DescribeTargetHealth",
                        "DescribeTags",
                        "DescribeTrustStores",
                        "DescribeListenerAttributes",
                        "DescribeCapacityReservation",
                    ].map((a) => `elasticloadbalancing:${a}`),
                ],
                Resource: "*",
            },
            {
                Sid: "CertificatesAndProtection",
                Effect: "Allow",
                Action: [
                    "cognito-idp:DescribeUserPoolClient",
                    "acm:ListCertificates",
                    "acm:DescribeCertificate",
                    "iam:ListServerCertificates",
                    "iam:GetServerCertificate",
                    "waf-regional:GetWebACL",
                    "waf-regional:GetWebACLForResource",
                    "waf-regional:AssociateWebACL",
                    "waf-regional:DisassociateWebACL",
                    "wafv2:GetWebACL",
                    "wafv2:GetWebACLForResource",
                    "wafv2:AssociateWebACL",
                    "wafv2:DisassociateWebACL",
                    "shield:GetSubscriptionState",
                    "shield:DescribeProtection",
                    "shield:CreateProtection",
                    "shield:DeleteProtection",
                ],
                Resource: "*",
            },
            {
                Sid: "SecurityGroupIngress",
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                Resource: "*",
            },
            { Sid: "CreateSecurityGroup", Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
            {
                Sid: "TagNewSecurityGroup",
                Effect: "Allow",
                Action: ["ec2:CreateTags"],
                Resource: "arn:aws:ec2:*:*:security-group/*",
                Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...taggedByController },
            },
            {
                Sid: "TagOwnSecurityGroups",
                Effect: "Allow",
                Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                Resource: "arn:aws:ec2:*:*:security-group/*",
                Condition: notRetaggingOwned,
            },
            {
                Sid: "ManageOwnSecurityGroups",
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                Resource: "*",
                Condition: ownedByController,
            },
            {
                Sid: "CreateTaggedLoadBalancers",
                Effect: "Allow",
                Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
                Resource: "*",
                Condition: taggedByController,
            },
            {
                Sid: "ListenersAndRules",
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:CreateListener",
                    "elasticloadbalancing:DeleteListener",
                    "elasticloadbalancing:CreateRule",
                    "elasticloadbalancing:DeleteRule",
                ],
                Resource: "*",
            },
            {
                Sid: "TagOwnLoadBalancers",
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: LOAD_BALANCERS_AND_TARGET_GROUPS,
                Condition: notRetaggingOwned,
            },
            {
                Sid: "TagListenersAndRules",
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: [
                    "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
                    "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
                    "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
                    "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
                ],
            },
            {
                Sid: "ModifyOwnLoadBalancers",
                Effect: "Allow",
                Action: [
                    "ModifyLoadBalancerAttributes",
                    "SetIpAddressType",
                    "SetSecurityGroups",
                    "SetSubnets",
                    "DeleteLoadBalancer",
                    "ModifyTargetGroup",
                    "ModifyTargetGroupAttributes",
                    "DeleteTargetGroup",
                    "ModifyListenerAttributes",
                    "ModifyCapacityReservation",
                    "ModifyIpPools",
                ].map((a) => `elasticloadbalancing:${a}`),
                Resource: "*",
                Condition: ownedByController,
            },
            {
                Sid: "TagOnCreate",
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags"],
                Resource: LOAD_BALANCERS_AND_TARGET_GROUPS,
                Condition: {
                    StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                    ...taggedByController,
                },
            },
            {
                Sid: "Targets",
                Effect: "Allow",
                Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
            },
            {
                Sid: "ListenerSettings",
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:SetWebAcl",
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates",
                    "elasticloadbalancing:ModifyRule",
                    "elasticloadbalancing:SetRulePriorities",
                ],
                Resource: "*",
            },
        ],
    };
}

export interface LoadBalancerControllerInput {
    clusterName: pulumi.Input<string>;
    region: string;
    vpcId: pulumi.Input<string>;
    replicas: number;
    resources: ContainerResources;
    /** The IRSA annotation on a Fargate-only cluster. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    overrides: Record<string, unknown>;
}

export function loadBalancerControllerValues(input: LoadBalancerControllerInput): Record<string, unknown> {
    return mergeValues(
        {
            clusterName: input.clusterName,
            // Region and VPC given, so the controller needs no instance metadata (IMDS hop limit 1).
            region: input.region,
            vpcId: input.vpcId,
            serviceAccount: serviceAccountValues(SERVICE_ACCOUNT, input.serviceAccountAnnotations),
            replicaCount: input.replicas,
            resources: input.resources,
            podDisruptionBudget: input.replicas > 1 ? { maxUnavailable: 1 } : {},
            // The Service mutating webhook would make every Service creation wait for the controller
            // ("no endpoints available for service aws-load-balancer-webhook-service"); apps use ClusterIP.
            enableServiceMutatorWebhook: false,
            // Reuse the webhook's CA and certificate (looked up from its Secret) instead of new ones
            // on every render (chart 3.5.0 _helpers.tpl webhookCerts): with `failurePolicy: Fail`
            // webhooks, a rotated CA fails TargetGroupBinding calls until the pods reload it.
            keepTLSSecret: true,
        },
        input.overrides,
    );
}

/** Whatever creates a TargetGroupBinding must wait for this release: its webhook validates them. */
export function registerLoadBalancerController(ctx: AddonContext, settings: AddonSettings): k8s.helm.v3.Release {
    const crds = CRD_FILES.map(
        (file) =>
            new k8s.yaml.v2.ConfigFile(
                `${ctx.componentName}-aws-load-balancer-controller-${file}`,
                {
                    file: crdUrl(file),
                },
                { parent: ctx.parent, provider: ctx.provider },
            ),
    );
    const role = addonRole(ctx, "aws-load-balancer-controller", NAMESPACE, SERVICE_ACCOUNT, loadBalancerControllerPolicy());
    const values = loadBalancerControllerValues({
        clusterName: ctx.clusterName,
        region: ctx.region,
        vpcId: ctx.vpcId,
        replicas: settings.replicas ?? defaultReplicas(ctx.stage),
        resources: settings.resources ?? DEFAULT_RESOURCES,
        serviceAccountAnnotations: role.serviceAccountAnnotations,
        overrides: settings.values,
    });
    return helmRelease(ctx, "aws-load-balancer-controller", CHART, NAMESPACE, values, {
        dependsOn: [...crds, ...role.waitFor],
        skipCrds: true,
    });
}
