/**
 * Node groups of an EksCluster: pure helpers for what can be computed (tags, metadata options,
 * user data) and the functions that register a managed or a self-managed group.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { NodeGroupConfig } from "../../stacks/config";
import { amiParameter, amiType, blockDevices, managedUserData, selfManagedUserData, Taint } from "./user-data";

/** IMDSv2 only; the hop limit decides whether pods (one hop further than the node) can reach it. */
export function instanceMetadataOptions(hopLimit: number) {
    return { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: hopLimit, instanceMetadataTags: "disabled" };
}

/** The tags cluster-autoscaler's auto-discovery looks for on an Auto Scaling group. */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
    return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/**
 * Labels and taints announced on the ASG so cluster-autoscaler can scale a self-managed group up
 * from zero: with no node running, these tags are all it knows about the nodes it would add.
 */
export function autoscalerNodeTemplateTags(labels: Record<string, string>, taints: Taint[]): Record<string, string> {
    return {
        ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`k8s.io/cluster-autoscaler/node-template/label/${k}`, v])),
        ...Object.fromEntries(
            taints.map((t) => [`k8s.io/cluster-autoscaler/node-template/taint/${t.key}`, `${t.value ?? ""}:${t.effect}`]),
        ),
    };
}

/** Label on every node naming its group: Datadog turns it into a tag, dashboards split by it. */
export const NODE_GROUP_LABEL = "eks-platform/node-group";

/** The node labels of a group: the configured ones plus the group's name. */
export function nodeLabels(group: string, labels: Record<string, string>): Record<string, string> {
    return { ...labels, [NODE_GROUP_LABEL]: group };
}

/** Tag on self-managed nodes: the node termination handler drains only instances carrying it. */
export const TERMINATION_HANDLER_TAG = "aws-node-termination-handler/managed";

/** ASG tags copied to the instances it launches. */
const PROPAGATED_TAGS = new Set(["Name", TERMINATION_HANDLER_TAG]);

const EKS_TAINT_EFFECTS: Record<Taint["effect"], string> = {
    NoSchedule: "NO_SCHEDULE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
};

export function eksTaints(taints: Taint[]) {
    return taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECTS[t.effect] }));
}

function instanceTagSpecifications(tags: Record<string, string>) {
    return ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags }));
}

export interface NodeGroupContext {
    /** The EksCluster component's name: every child name starts with it. */
    componentName: string;
    clusterName: string;
    kubernetesVersion: string;
    serviceCidr: string;
    cluster: eks.Cluster;
    subnetIds: pulumi.Input<string[]>;
    tags: Record<string, string>;
    parent: pulumi.Resource;
    /** What nodes need before they can become Ready (pod networking). */
    dependsOn: pulumi.Resource[];
}

/**
 * An EKS managed node group on a launch template of ours (IMDSv2, encrypted gp3 volumes, the
 * kubelet's max pods for prefix delegation); EKS picks the AMI of the group's OS and architecture.
 */
export function createManagedNodeGroup(
    ctx: NodeGroupContext,
    group: string,
    cfg: NodeGroupConfig,
    nodeRole: aws.iam.Role,
): eks.ManagedNodeGroup {
    const name = `${ctx.componentName}-${group}`;
    const tags = { ...ctx.tags, Name: `${ctx.clusterName}-${group}` };
    const launchTemplate = new aws.ec2.LaunchTemplate(
        name,
        {
            description: `Nodes of ${ctx.clusterName}/${group}`,
            metadataOptions: instanceMetadataOptions(cfg.imdsHopLimit),
            blockDeviceMappings: blockDevices(cfg.os, cfg.diskSizeGiB),
            tagSpecifications: instanceTagSpecifications(tags),
            userData: Buffer.from(managedUserData(cfg.os)).toString("base64"),
            updateDefaultVersion: true,
            tags,
        },
        { parent: ctx.parent },
    );

    const nodeGroup = new eks.ManagedNodeGroup(
        name,
        {
            cluster: ctx.cluster,
            nodeGroupNamePrefix: `${ctx.clusterName}-${group}-`,
            nodeRole,
            subnetIds: ctx.subnetIds,
            version: ctx.kubernetesVersion,
            amiType: amiType(cfg.os, cfg.architecture),
            instanceTypes: cfg.instanceTypes,
            capacityType: cfg.capacityType,
            scalingConfig: { minSize: cfg.minSize, desiredSize: cfg.desiredSize, maxSize: cfg.maxSize },
            // The autoscaler owns the desired size once the group exists.
            ignoreScalingChanges: true,
            labels: nodeLabels(group, cfg.labels),
            taints: eksTaints(cfg.taints),
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            tags: { ...tags, ...autoscalerDiscoveryTags(ctx.clusterName) },
        },
        { parent: ctx.parent, dependsOn: ctx.dependsOn },
    );
    return nodeGroup;
}

/**
 * A self-managed Auto Scaling group: the capacity the node termination handler protects (spot).
 * Its nodes join through an EC2_LINUX access entry for `instanceProfile`'s role.
 */
export function createSelfManagedNodeGroup(
    ctx: NodeGroupContext,
    group: string,
    cfg: NodeGroupConfig,
    instanceProfile: aws.iam.InstanceProfile,
): aws.autoscaling.Group {
    const name = `${ctx.componentName}-${group}`;
    const ownership = { [`kubernetes.io/cluster/${ctx.clusterName}`]: "owned" };
    const tags = { ...ctx.tags, Name: `${ctx.clusterName}-${group}` };
    const eksCluster = ctx.cluster.eksCluster;
    const userData = pulumi
        .all([eksCluster.endpoint, eksCluster.certificateAuthority.data])
        .apply(([apiServerEndpoint, certificateAuthority]) =>
            Buffer.from(
                selfManagedUserData(
                    cfg.os,
                    { clusterName: ctx.clusterName, apiServerEndpoint, certificateAuthority, serviceCidr: ctx.serviceCidr },
                    { labels: nodeLabels(group, cfg.labels), taints: cfg.taints },
                ),
            ).toString("base64"),
        );

    const launchTemplate = new aws.ec2.LaunchTemplate(
        name,
        {
            description: `Nodes of ${ctx.clusterName}/${group}`,
            imageId: amiParameter(cfg.os, cfg.architecture, ctx.kubernetesVersion),
            iamInstanceProfile: { arn: instanceProfile.arn },
            vpcSecurityGroupIds: [ctx.cluster.clusterSecurityGroupId],
            metadataOptions: instanceMetadataOptions(cfg.imdsHopLimit),
            blockDeviceMappings: blockDevices(cfg.os, cfg.diskSizeGiB),
            // The ownership tag lets the AWS cloud provider recognise the instances as cluster nodes.
            tagSpecifications: instanceTagSpecifications({ ...tags, ...ownership }),
            userData,
            updateDefaultVersion: true,
            tags,
        },
        { parent: ctx.parent },
    );

    const spot = cfg.capacityType === "SPOT";
    const asgTags: Record<string, string> = {
        ...tags,
        ...ownership,
        [TERMINATION_HANDLER_TAG]: "",
        ...autoscalerDiscoveryTags(ctx.clusterName),
        ...autoscalerNodeTemplateTags(nodeLabels(group, cfg.labels), cfg.taints),
    };
    const asg = new aws.autoscaling.Group(
        name,
        {
            namePrefix: `${ctx.clusterName}-${group}-`,
            minSize: cfg.minSize,
            maxSize: cfg.maxSize,
            desiredCapacity: cfg.desiredSize,
            vpcZoneIdentifiers: ctx.subnetIds,
            // Spot: replace instances AWS flags for interruption before they go.
            capacityRebalance: spot,
            mixedInstancesPolicy: {
                launchTemplate: {
                    // The explicit number, never "$Latest": a new template version then changes the group,
                    // and its instance refresh replaces the nodes (new AMI path, new user data).
                    launchTemplateSpecification: {
                        launchTemplateId: launchTemplate.id,
                        version: pulumi.interpolate`${launchTemplate.latestVersion}`,
                    },
                    overrides: cfg.instanceTypes.map((instanceType) => ({ instanceType })),
                },
                instancesDistribution: spot
                    ? {
                          onDemandBaseCapacity: 0,
                          onDemandPercentageAboveBaseCapacity: 0,
                          spotAllocationStrategy: "price-capacity-optimized",
                      }
                    : { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
            },
            instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90 } },
            tags: Object.entries(asgTags).map(([key, value]) => ({
                key,
                value,
                propagateAtLaunch: PROPAGATED_TAGS.has(key) || key in ownership,
            })),
        },
        {
            parent: ctx.parent,
            dependsOn: ctx.dependsOn,
            // cluster-autoscaler owns the desired capacity once the group exists.
            ignoreChanges: ["desiredCapacity"],
        },
    );
    return asg;
}
