/**
 * AWS Node Termination Handler in queue-processor mode: drains a self-managed or spot node
 * before it goes (spot interruption, rebalance recommendation, ASG scale-in, scheduled
 * maintenance). EventBridge sends those events to an SQS queue it reads; an ASG lifecycle hook
 * holds each terminating instance until the drain is done. Queue mode replaces
 * asg-lifecycle-manager; EKS managed node groups do not need it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import { TERMINATION_HANDLER_TAG } from "../cluster/node-groups";
import {
    AddonContext,
    AddonSettings,
    ChartPin,
    defaultReplicas,
    eventQueue,
    helmRelease,
    IamSource,
    mergeValues,
    addonRole,
} from "./addon";

/**
 * https://github.com/aws/aws-node-termination-handler/blob/v1.25.6/config/helm/aws-node-termination-handler/Chart.yaml
 * Published only as an OCI artifact on public ECR (the repository's Makefile and release workflow
 * push to public.ecr.aws/aws-ec2/helm); aws/eks-charts stopped at chart 0.21.0 and removed it.
 */
export const CHART: ChartPin = {
    repository: "oci://public.ecr.aws/aws-ec2/helm",
    chart: "aws-node-termination-handler",
    version: "0.27.6",
};
export const NAMESPACE = "kube-system";
export const SERVICE_ACCOUNT = "aws-node-termination-handler";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "250m", memory: "256Mi" },
};

/** The EventBridge rules that feed the queue, by short name. */
export function terminationEventPatterns(): Record<string, Record<string, unknown>> {
    return {
        "asg-termination": { "source": ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"] },
        "spot-interruption": { "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
        "rebalance": { "source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
        "state-change": { "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
        "scheduled-change": {
            "source": ["aws.health"],
            "detail-type": ["AWS Health Event"],
            "detail": { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
        },
    };
}

/**
 * The README's queue-processor policy at v1.25.6, minus autoscaling:DescribeAutoScalingInstances
 * and DescribeTags, which only its test mocks call; its queue and lifecycle calls scoped to this
 * stack's queue and to instances carrying the managed tag.
 */
export const IAM_SOURCE: IamSource = {
    repository: "aws/aws-node-termination-handler",
    ref: "v1.25.6",
    files: ["README.md", "pkg/monitor/sqsevent/sqs-monitor.go", "pkg/monitor/sqsevent/asg-lifecycle-event.go"],
};

export function terminationHandlerPolicy(queueArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Inspect",
                Effect: "Allow",
                Action: ["ec2:DescribeInstances"],
                Resource: "*",
            },
            {
                Sid: "ReleaseDrainedInstances",
                Effect: "Allow",
                Action: ["autoscaling:CompleteLifecycleAction"],
                Resource: "*",
                Condition: { Null: { [`aws:ResourceTag/${TERMINATION_HANDLER_TAG}`]: "false" } },
            },
            {
                Sid: "ReadQueue",
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                Resource: queueArn,
            },
        ],
    };
}

export interface TerminationHandlerInput {
    queueUrl: pulumi.Input<string>;
    region: string;
    replicas: number;
    resources: ContainerResources;
    overrides: Record<string, unknown>;
}

export function terminationHandlerValues(input: TerminationHandlerInput): Record<string, unknown> {
    return mergeValues(
        {
            enableSqsTerminationDraining: true,
            queueURL: input.queueUrl,
            awsRegion: input.region,
            checkTagBeforeDraining: true,
            managedTag: TERMINATION_HANDLER_TAG,
            // Node names from the provider ID, whatever DNS naming the VPC uses.
            useProviderId: true,
            serviceAccount: { create: true, name: SERVICE_ACCOUNT },
            replicas: input.replicas,
            resources: input.resources,
            podDisruptionBudget: input.replicas > 1 ? { maxUnavailable: 1 } : {},
        },
        input.overrides,
    );
}

export interface SelfManagedAsg {
    readonly group: string;
    readonly name: pulumi.Output<string>;
}

export function registerTerminationHandler(ctx: AddonContext, settings: AddonSettings, asgs: SelfManagedAsg[]): k8s.helm.v3.Release {
    const name = `${ctx.componentName}-node-termination-handler`;
    const queue = eventQueue(ctx, {
        queueName: name,
        rulePrefix: name,
        owner: "the node termination handler's queue",
        patterns: terminationEventPatterns(),
    });
    for (const asg of asgs) {
        new aws.autoscaling.LifecycleHook(
            `${name}-${asg.group}`,
            {
                autoscalingGroupName: asg.name,
                lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
                // Terminate anyway if the handler does not answer within the heartbeat.
                defaultResult: "CONTINUE",
                heartbeatTimeout: 300,
            },
            { parent: ctx.parent },
        );
    }
    const role = addonRole(ctx, "node-termination-handler", NAMESPACE, SERVICE_ACCOUNT, queue.arn.apply(terminationHandlerPolicy));
    const values = terminationHandlerValues({
        queueUrl: queue.url,
        region: ctx.region,
        replicas: settings.replicas ?? defaultReplicas(ctx.stage),
        resources: settings.resources ?? DEFAULT_RESOURCES,
        overrides: settings.values,
    });
    return helmRelease(ctx, "aws-node-termination-handler", CHART, NAMESPACE, values, { dependsOn: role.waitFor });
}
