/**
 * Inputs a provider replaces a resource on (deletes and creates it again) rather than updating
 * it in place, by Pulumi type and input path, for every type the program declares.
 *
 * Sources, at the pinned versions:
 * - AWS (@pulumi/aws 7.48.0 bridges terraform-provider-aws v6.63.0 or later, per the pulumi-aws
 *   release notes): the `ForceNew` fields and `RequiresReplace` plan modifiers of each resource
 *   (internal/service/<service>/<resource>.go), read at v6.58.0 and checked at v6.63.0; pulumi-aws
 *   adds no ForceNew overrides (provider/resources.go). A change of aws:region replaces every
 *   regional resource (forceNewIfRegionChanges); that is decided from the config, not here.
 * - Datadog (@pulumi/datadog 5.11.0, terraform-provider-datadog v4.19.0): resource_datadog_*.go.
 * - Kubernetes (@pulumi/kubernetes 4.34.2): provider/pkg/provider/diff.go, forceNewProperties:
 *   metadata.name and metadata.namespace of every kind, plus the fields below; Secret and
 *   ConfigMap data replace because the program leaves enableSecretMutable and
 *   enableConfigMapMutable off. helm_release.go: a Release replaces on name and namespace.
 * - @pulumi/eks 4.3.0 (nodejs/eks/nodes/nodegroup.ts createManagedNodeGroup, cluster/cluster.ts)
 *   and @pulumi/awsx 3.9.0 (awsx/ec2/vpc.ts): the inputs they pass to the resources above.
 */

export interface ReplacingInputs {
    /** Input paths whose change replaces the resource (a change below a path counts; `*` is any one segment, such as a list index). */
    readonly paths: readonly string[];
    /** Paths that replace when removed only (adding them updates in place). */
    readonly whenRemoved?: readonly string[];
    /** What is replaced, when it is not the resource itself (a component's children). */
    readonly replaces?: string;
}

const NAMED = ["name", "namePrefix"];

export const REPLACING_INPUTS: Readonly<Record<string, ReplacingInputs>> = {
    // @pulumi/eks components, through aws.eks.NodeGroup and aws.eks.Cluster.
    "eks:index:ManagedNodeGroup": {
        paths: [
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "clusterName",
            "cluster",
            "nodeRoleArn",
            "nodeRole",
            "subnetIds",
            "instanceTypes",
            "capacityType",
            "amiType",
            "diskSize",
            "remoteAccess",
            "launchTemplate.id",
            "launchTemplate.name",
        ],
        replaces: "the node group (its nodes are drained and new ones launched)",
    },
    "eks:index:Cluster": {
        paths: ["name", "serviceRole", "kubernetesServiceIpAddressRange", "ipFamily"],
        whenRemoved: ["encryptionConfigKeyArn"],
        replaces: "the EKS cluster, and with it everything in it",
    },
    // awsx ec2.Vpc: the VPC on its range, its subnets (and their NAT gateways) on zones and ranges.
    // A subnet is named after its spec's name and type and placed by its ranges (awsx/ec2/vpc.ts:
    // aws.ec2.Subnet(spec.subnetName, { cidrBlock, availabilityZone })); a spec's tags are the
    // subnets' tags, which update in place.
    "awsx:ec2:Vpc": {
        paths: [
            "cidrBlock",
            "ipv4IpamPoolId",
            "ipv4NetmaskLength",
            "availabilityZoneNames",
            "subnetSpecs.*.type",
            "subnetSpecs.*.name",
            "subnetSpecs.*.cidrBlocks",
            "subnetSpecs.*.cidrMask",
            "subnetSpecs.*.size",
            "natGateways.elasticIpAllocationIds",
        ],
        replaces: "the VPC or its subnets and NAT gateways",
    },
    "aws:eks/nodeGroup:NodeGroup": {
        paths: [
            "amiType",
            "capacityType",
            "clusterName",
            "diskSize",
            "instanceTypes",
            "launchTemplate.id",
            "launchTemplate.name",
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "remoteAccess",
            "subnetIds",
        ],
    },
    "aws:eks/cluster:Cluster": {
        paths: ["name", "roleArn", "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig"],
        whenRemoved: ["encryptionConfig"],
    },
    "aws:eks/addon:Addon": { paths: ["addonName", "clusterName", "namespaceConfig"] },
    "aws:eks/accessEntry:AccessEntry": { paths: ["clusterName", "principalArn", "type"] },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { paths: ["clusterName", "policyArn", "principalArn", "accessScope"] },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": { paths: ["clusterName", "namespace", "serviceAccount"] },
    "aws:lb/targetGroup:TargetGroup": {
        paths: [...NAMED, "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType", "targetControlPort"],
    },
    "aws:lb/loadBalancer:LoadBalancer": { paths: [...NAMED, "internal", "loadBalancerType", "customerOwnedIpv4Pool"] },
    "aws:lb/listener:Listener": { paths: ["loadBalancerArn"] },
    "aws:lb/listenerRule:ListenerRule": { paths: ["listenerArn"] },
    "aws:ec2/launchTemplate:LaunchTemplate": { paths: NAMED },
    "aws:ec2/securityGroup:SecurityGroup": { paths: [...NAMED, "description", "vpcId"] },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { paths: ["securityGroupId"] },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { paths: ["securityGroupId"] },
    "aws:ec2/subnetCidrReservation:SubnetCidrReservation": { paths: ["cidrBlock", "description", "reservationType", "subnetId"] },
    "aws:iam/role:Role": { paths: [...NAMED, "path"] },
    "aws:iam/rolePolicy:RolePolicy": { paths: [...NAMED, "role"] },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { paths: ["role", "policyArn"] },
    "aws:kms/key:Key": { paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"] },
    "aws:kms/alias:Alias": { paths: NAMED },
    "aws:cloudwatch/logGroup:LogGroup": { paths: [...NAMED, "logGroupClass"] },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { paths: ["name"] },
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": { paths: ["alarmName", "actionsEnabled"] },
    "aws:cloudwatch/eventRule:EventRule": { paths: [...NAMED, "eventBusName"] },
    "aws:cloudwatch/eventTarget:EventTarget": { paths: ["rule", "targetId", "eventBusName"] },
    "aws:sqs/queue:Queue": { paths: [...NAMED, "fifoQueue"] },
    "aws:sqs/queuePolicy:QueuePolicy": { paths: ["queueUrl"] },
    "aws:sns/topic:Topic": { paths: [...NAMED, "fifoTopic"] },
    "aws:sns/topicPolicy:TopicPolicy": { paths: ["arn"] },
    "aws:sns/topicSubscription:TopicSubscription": { paths: ["topic", "protocol", "endpoint"] },
    "aws:lambda/function:Function": { paths: ["name", "packageType", "tenancyConfig"] },
    // internal/service/lambda/function_event_invoke_config.go: function_name and qualifier are ForceNew.
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": { paths: ["functionName", "qualifier"] },
    "aws:lambda/permission:Permission": {
        paths: [
            "action",
            "function",
            "principal",
            "statementId",
            "statementIdPrefix",
            "qualifier",
            "sourceArn",
            "sourceAccount",
            "eventSourceToken",
            "principalOrgId",
            "functionUrlAuthType",
        ],
    },
    "aws:s3/bucket:Bucket": { paths: ["bucket", "bucketPrefix", "bucketNamespace"] },
    "aws:s3/bucketPolicy:BucketPolicy": { paths: ["bucket"] },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { paths: ["bucket"] },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { paths: ["bucket"] },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { paths: ["bucket"] },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { paths: ["bucket", "expectedBucketOwner"] },
    "aws:ssm/parameter:Parameter": { paths: ["name", "dataType"] },
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": { paths: ["configurationName"] },
    // The EKS API cannot update a Fargate profile (CloudFormation AWS::EKS::FargateProfile lists
    // ClusterName, FargateProfileName, PodExecutionRoleArn, Subnets and Selectors as create-only).
    "aws:eks/fargateProfile:FargateProfile": {
        paths: ["clusterName", "fargateProfileName", "podExecutionRoleArn", "subnetIds", "selectors"],
    },
    // terraform-provider-aws, the nearest stored versions to the pinned v6.63 (v6.63.0 itself could
    // not be read): iam/instance_profile.go (2026, commit 013f1736) ForceNew name, name_prefix,
    // path; autoscaling/group.go (commit 00a919d1) name, name_prefix and initial_lifecycle_hook;
    // autoscaling/lifecycle_hook.go (commit 00a35305, v6.36) name only: autoscaling_group_name
    // is updated in place by PutLifecycleHook.
    "aws:iam/instanceProfile:InstanceProfile": { paths: [...NAMED, "path"] },
    "aws:autoscaling/group:Group": { paths: [...NAMED, "initialLifecycleHooks"] },
    "aws:autoscaling/lifecycleHook:LifecycleHook": { paths: ["name"] },
    // terraform-provider-random v3.9.0 (what @pulumi/random 4.21's go.mod pins), resource_password.go
    // passwordSchemaV3: RequiresReplace on every character-set argument; keepers when a value is
    // set, overrideSpecial on any change but "" to null (both counted as replacing here).
    "random:index/randomPassword:RandomPassword": {
        paths: [
            "keepers",
            "length",
            "special",
            "upper",
            "lower",
            "number",
            "numeric",
            "minLower",
            "minUpper",
            "minNumeric",
            "minSpecial",
            "overrideSpecial",
        ],
    },
    "datadog:index/monitor:Monitor": { paths: ["type"] },
    "datadog:index/serviceLevelObjective:ServiceLevelObjective": { paths: ["type"] },
    "datadog:slack/channel:Channel": { paths: ["accountName"] },
    "kubernetes:apps/v1:Deployment": { paths: ["spec.selector"] },
    "kubernetes:core/v1:Service": { paths: ["spec.clusterIP"] },
    "kubernetes:core/v1:Secret": { paths: ["type", "data", "stringData"] },
    "kubernetes:core/v1:ConfigMap": { paths: ["data", "binaryData"] },
    "kubernetes:storage.k8s.io/v1:StorageClass": { paths: ["parameters", "provisioner"] },
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": { paths: ["roleRef"] },
    "kubernetes:helm.sh/v3:Release": { paths: ["name", "namespace"] },
};

/**
 * Types looked up and found to replace on nothing but what every type of their kind does
 * (a Kubernetes object's name and namespace), or on nothing at all; providers and components
 * (the program's own, yaml ConfigFile) have no inputs of their own that replace.
 */
export const NO_REPLACING_INPUTS: readonly string[] = [
    "datadog:index/dashboardJson:DashboardJson",
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    "kubernetes:karpenter.sh/v1:NodePool",
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    "kubernetes:storage.k8s.io/v1:StorageClassPatch",
    "kubernetes:yaml/v2:ConfigFile",
];

/** Every Kubernetes object is replaced when its name or namespace changes. */
const KUBERNETES_IDENTITY = ["metadata.name", "metadata.namespace"];

/** The input paths that replace a resource of this type when they change. */
export function replacingPaths(type: string): readonly string[] {
    const own = REPLACING_INPUTS[type]?.paths ?? [];
    return type.startsWith("kubernetes:") ? [...KUBERNETES_IDENTITY, ...own] : own;
}

/** Whether an input path is the pattern's path or below it (`*` matches any one segment). */
export function pathWithin(path: string, pattern: string): boolean {
    const segments = path.split(".");
    const wanted = pattern.split(".");
    return wanted.length <= segments.length && wanted.every((segment, i) => segment === "*" || segment === segments[i]);
}

/** Paths that replace this type only when they are removed. */
export function replacingWhenRemoved(type: string): readonly string[] {
    return REPLACING_INPUTS[type]?.whenRemoved ?? [];
}

/** What a replacement of this type replaces, said for a reviewer. */
export function replacedPart(type: string): string {
    return REPLACING_INPUTS[type]?.replaces ?? "it";
}

/** Types whose replacement is not tied to a region (IAM is global). */
export function regional(type: string): boolean {
    return (type.startsWith("aws:") && !type.startsWith("aws:iam/")) || type.startsWith("eks:") || type.startsWith("awsx:");
}
