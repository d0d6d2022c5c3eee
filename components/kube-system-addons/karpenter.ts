/**
 * Karpenter: provisions nodes for pending pods from the stack's NodePools, consolidates them,
 * and replaces them before spot interruptions, rebalance recommendations and scheduled events
 * (its interruption queue replaces the node termination handler for its nodes). It runs on the
 * managed node groups, never on nodes it manages itself (the chart's default affinity).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources, NodePoolConfig } from "../../stacks/config";
import { MAX_PODS } from "../../stacks/instance-types";
import { kubernetesMinor } from "../../stacks/kubernetes-versions";
import { EXCLUDED_SIZES } from "../../stacks/node-pool-types";
import { AddonContext, AddonSettings, ChartPin, defaultReplicas, eventQueue, helmRelease, mergeValues, addonRole } from "./addon";
import { buysSpot, interruptionEventPatterns, karpenterControllerPolicy } from "./karpenter-iam";

/** The IAM side lives in karpenter-iam.ts; importers of this module see it here too. */
export * from "./karpenter-iam";

/**
 * https://github.com/aws/karpenter-provider-aws/blob/v1.14.1/charts/karpenter/Chart.yaml. Published
 * only as OCI charts on public ECR (its getting-started guide: helm upgrade --install karpenter
 * oci://public.ecr.aws/karpenter/karpenter --version 1.14.1).
 */
export const CHART: ChartPin = { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1" };
/**
 * Its CRDs as a chart of their own, as upstream recommends: Helm installs a chart's crds/ only once
 * and never upgrades them, while the CRDs must move with the controller (upgrade guide, "CRD Upgrades").
 */
export const CRD_CHART: ChartPin = { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: "1.14.1" };
export const NAMESPACE = "kube-system";
export const SERVICE_ACCOUNT = "karpenter";

/**
 * The AMI alias its nodes run: a pinned AL2023 release, per Kubernetes minor (the minor's row of
 * stacks/kubernetes-versions.ts). Karpenter advises against `@latest` in production, which drifts
 * every node at each AMI release; a pinned alias still follows the cluster's minor on an upgrade
 * as long as that release has builds for it.
 */
export function amiAlias(kubernetesVersion: string): string {
    return `al2023@${kubernetesMinor(kubernetesVersion).al2023AmiRelease}`;
}
export const NODE_CLASS = "default";

/** Karpenter v1.14's getting started (step08-apply-helm-chart.sh): 1 CPU and 1Gi, requested and limited. */
export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "1", memory: "1Gi" },
    limits: { cpu: "1", memory: "1Gi" },
};

export interface KarpenterValuesInput {
    clusterName: pulumi.Input<string>;
    clusterEndpoint: pulumi.Input<string>;
    queueName: pulumi.Input<string>;
    replicas: number;
    resources: ContainerResources;
    overrides: Record<string, unknown>;
}

export function karpenterValues(input: KarpenterValuesInput): Record<string, unknown> {
    return mergeValues(
        {
            // The endpoint given, Karpenter needs no DescribeCluster at start.
            settings: { clusterName: input.clusterName, clusterEndpoint: input.clusterEndpoint, interruptionQueue: input.queueName },
            // Named, so the Pod Identity association matches it (the chart would derive it from the release).
            serviceAccount: { create: true, name: SERVICE_ACCOUNT },
            replicas: input.replicas,
            controller: { resources: input.resources },
        },
        input.overrides,
    );
}

export { EXCLUDED_SIZES };

/** A NodePool's spec (karpenter.sh/v1) from its stack config. */
export function nodePoolSpec(pool: NodePoolConfig, nodeClass: string): Record<string, unknown> {
    const requirement = (key: string, operator: string, values: string[]) => ({ key, operator, values });
    return {
        ...(pool.weight !== undefined ? { weight: pool.weight } : {}),
        template: {
            metadata: { labels: pool.labels },
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClass },
                requirements: [
                    requirement("karpenter.sh/capacity-type", "In", pool.capacityTypes),
                    requirement("kubernetes.io/arch", "In", pool.architectures),
                    requirement("kubernetes.io/os", "In", ["linux"]),
                    requirement("karpenter.k8s.aws/instance-category", "In", pool.instanceCategories),
                    requirement("karpenter.k8s.aws/instance-generation", "Gt", [String(pool.minGeneration - 1)]),
                    // Pod IPs are /28 prefixes (VPC CNI prefix delegation): Nitro only.
                    requirement("karpenter.k8s.aws/instance-hypervisor", "In", ["nitro"]),
                    ...(pool.instanceFamilies ? [requirement("karpenter.k8s.aws/instance-family", "In", pool.instanceFamilies)] : []),
                    pool.instanceSizes
                        ? requirement("karpenter.k8s.aws/instance-size", "In", pool.instanceSizes)
                        : requirement("karpenter.k8s.aws/instance-size", "NotIn", EXCLUDED_SIZES),
                ],
                ...(pool.taints.length > 0 ? { taints: pool.taints } : {}),
                expireAfter: pool.expireAfter,
                // A drain ends: after this, Karpenter deletes pods a PDB or do-not-disrupt still holds.
                terminationGracePeriod: pool.terminationGracePeriod,
            },
        },
        limits: pool.limits,
        disruption: { consolidationPolicy: pool.consolidation.policy, consolidateAfter: pool.consolidation.after, budgets: pool.budgets },
    };
}

export interface NodeClassInput {
    kubernetesVersion: string;
    nodeRoleName: pulumi.Input<string>;
    subnetIds: pulumi.Input<string[]>;
    securityGroupId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** The EC2NodeClass (karpenter.k8s.aws/v1) every pool uses: private subnets, IMDSv2, encrypted gp3, 110 pods. */
export function nodeClassSpec(input: NodeClassInput): pulumi.Output<Record<string, unknown>> {
    return pulumi
        .all([input.subnetIds, input.securityGroupId, input.nodeRoleName])
        .apply(([subnetIds, securityGroupId, role]): Record<string, unknown> => ({
            role,
            amiSelectorTerms: [{ alias: amiAlias(input.kubernetesVersion) }],
            subnetSelectorTerms: subnetIds.map((id) => ({ id })),
            securityGroupSelectorTerms: [{ id: securityGroupId }],
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            ],
            // Karpenter's own default counts secondary IPs and would pack nodes at a fraction of that.
            kubelet: { maxPods: MAX_PODS },
            tags: input.tags,
        }));
}

export interface KarpenterCompute {
    /** The role Karpenter's nodes run with. */
    readonly nodeRole: aws.iam.Role;
    /** The role's EC2_LINUX access entry: a node launched before it cannot join. */
    readonly nodeAccess: pulumi.Resource;
    readonly subnetIds: pulumi.Input<string[]>;
    /** The cluster security group its nodes join. */
    readonly securityGroupId: pulumi.Input<string>;
    readonly clusterEndpoint: pulumi.Input<string>;
    readonly nodePools: Record<string, NodePoolConfig>;
}

/** The release, and the NodePools the app workloads run on (they wait for them). */
export function registerKarpenter(
    ctx: AddonContext,
    settings: AddonSettings,
    compute: KarpenterCompute,
): { release: k8s.helm.v3.Release; nodePools: pulumi.Resource[] } {
    const name = `${ctx.componentName}-karpenter`;
    const child = { parent: ctx.parent };
    const queue = eventQueue(ctx, {
        queueName: `${name}-interruption`,
        rulePrefix: name,
        owner: "Karpenter's interruption queue",
        patterns: interruptionEventPatterns(),
    });
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;
    const policy = pulumi
        .all([accountId, ctx.clusterName, compute.nodeRole.arn, queue.arn])
        .apply(([account, clusterName, nodeRoleArn, queueArn]) =>
            karpenterControllerPolicy({
                region: ctx.region,
                accountId: account,
                clusterName,
                nodeRoleArn,
                queueArn,
                spot: buysSpot(compute.nodePools),
            }),
        );
    const role = addonRole(ctx, "karpenter", NAMESPACE, SERVICE_ACCOUNT, policy);

    const crds = helmRelease(ctx, "karpenter-crd", CRD_CHART, NAMESPACE, {});
    const values = karpenterValues({
        clusterName: ctx.clusterName,
        clusterEndpoint: compute.clusterEndpoint,
        queueName: queue.name,
        replicas: settings.replicas ?? defaultReplicas(ctx.stage),
        resources: settings.resources ?? DEFAULT_RESOURCES,
        overrides: settings.values,
    });
    const release = helmRelease(ctx, "karpenter", CHART, NAMESPACE, values, { dependsOn: [crds, ...role.waitFor], skipCrds: true });

    // Objects with finalizers the controller clears: created after it and deleted before it, so
    // deleting a pool terminates its nodes while Karpenter still runs.
    const objects = { parent: ctx.parent, provider: ctx.provider };
    const nodeClass = new k8s.apiextensions.CustomResource(
        `${name}-${NODE_CLASS}`,
        {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: NODE_CLASS },
            spec: nodeClassSpec({
                kubernetesVersion: ctx.kubernetesVersion,
                nodeRoleName: compute.nodeRole.name,
                subnetIds: compute.subnetIds,
                securityGroupId: compute.securityGroupId,
                tags: ctx.tags,
            }),
        },
        { ...objects, dependsOn: [release, compute.nodeAccess] },
    );
    const nodePools = Object.entries(compute.nodePools).map(
        ([pool, config]) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${pool}`,
                {
                    apiVersion: "karpenter.sh/v1",
                    kind: "NodePool",
                    metadata: { name: pool },
                    spec: nodePoolSpec(config, NODE_CLASS),
                },
                { ...objects, dependsOn: [release, nodeClass] },
            ),
    );
    return { release, nodePools };
}
