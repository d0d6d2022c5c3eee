/**
 * cluster-autoscaler: adds nodes when pods do not fit and removes idle ones, through the
 * Auto Scaling groups it discovers by tag. Not on Fargate-only clusters.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import { kubernetesMinor } from "../../stacks/kubernetes-versions";
import { AddonContext, AddonSettings, ChartPin, defaultReplicas, helmRelease, IamSource, mergeValues, addonRole } from "./addon";

/** https://github.com/kubernetes/autoscaler/blob/cluster-autoscaler-chart-9.59.0/charts/cluster-autoscaler/Chart.yaml */
export const CHART: ChartPin = { repository: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.59.0" };
export const NAMESPACE = "kube-system";
export const SERVICE_ACCOUNT = "cluster-autoscaler";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "100m", memory: "300Mi" },
    limits: { cpu: "500m", memory: "600Mi" },
};

/**
 * The image of the cluster's minor: the autoscaler must match it (its scheduler simulation is
 * built against that minor). The chart's own default follows its app version (1.35.0) instead.
 */
export function autoscalerImageTag(kubernetesVersion: string): string {
    return kubernetesMinor(kubernetesVersion).clusterAutoscalerImageTag;
}

/**
 * The README's "Full Cluster Autoscaler Features Policy" at the chart's app version, minus
 * autoscaling:DescribeAutoScalingInstances, which cloudprovider/aws never calls there. It never
 * calls DescribeTags (discovery filters DescribeAutoScalingGroups by tag) nor UpdateAutoScalingGroup.
 */
export const IAM_SOURCE: IamSource = {
    repository: "kubernetes/autoscaler",
    ref: "cluster-autoscaler-1.35.0",
    files: [
        "cluster-autoscaler/cloudprovider/aws/README.md",
        "cluster-autoscaler/cloudprovider/aws/aws_wrapper.go",
        "cluster-autoscaler/cloudprovider/aws/aws_util.go",
    ],
};

/** Read on what it inspects; write only on Auto Scaling groups tagged as this cluster's. */
export function clusterAutoscalerPolicy(clusterName: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Inspect",
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                    "eks:DescribeNodegroup",
                ],
                Resource: "*",
            },
            {
                Sid: "ScaleOwnGroupsOnly",
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: "*",
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
            },
        ],
    };
}

export interface ClusterAutoscalerInput {
    clusterName: pulumi.Input<string>;
    region: string;
    kubernetesVersion: string;
    replicas: number;
    resources: ContainerResources;
    overrides: Record<string, unknown>;
}

export function clusterAutoscalerValues(input: ClusterAutoscalerInput): Record<string, unknown> {
    return mergeValues(
        {
            cloudProvider: "aws",
            awsRegion: input.region,
            autoDiscovery: { clusterName: input.clusterName },
            image: { tag: autoscalerImageTag(input.kubernetesVersion) },
            rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
            replicaCount: input.replicas,
            resources: input.resources,
            extraArgs: {
                // Spread across zones and instance types instead of filling one group.
                "balance-similar-node-groups": true,
                "expander": "least-waste",
                "skip-nodes-with-system-pods": false,
            },
        },
        input.overrides,
    );
}

export function registerClusterAutoscaler(ctx: AddonContext, settings: AddonSettings): k8s.helm.v3.Release {
    const role = addonRole(ctx, "cluster-autoscaler", NAMESPACE, SERVICE_ACCOUNT, ctx.clusterName.apply(clusterAutoscalerPolicy));
    const values = clusterAutoscalerValues({
        clusterName: ctx.clusterName,
        region: ctx.region,
        kubernetesVersion: ctx.kubernetesVersion,
        replicas: settings.replicas ?? defaultReplicas(ctx.stage),
        resources: settings.resources ?? DEFAULT_RESOURCES,
        overrides: settings.values,
    });
    return helmRelease(ctx, "cluster-autoscaler", CHART, NAMESPACE, values, { dependsOn: role.waitFor });
}
