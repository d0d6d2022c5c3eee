import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cidrKey } from "../../stacks/cidr";
import type { NodeGroupConfig } from "../../stacks/config";
import type { ServiceAccountOidc } from "../kube-system-addons/addon";
import { serviceTrustPolicy } from "../trust-policies";
import { createPreviewRbac, createPrincipalAccess, nodeAccessEntry } from "./access";
import { createComputeAddons, createNodeAddons } from "./core-addons";
import { createFargateProfiles } from "./fargate";
import { createManagedNodeGroup, createSelfManagedNodeGroup, NodeGroupContext } from "./node-groups";
import { asSystemGroup } from "./system-nodes";
import { createStorageClasses } from "./storage";

export interface EksClusterArgs {
    /** The EKS cluster's physical name (also in subnet and ASG discovery tags). */
    clusterName: string;
    /** Kubernetes minor version, "1.NN": a row of stacks/kubernetes-versions.ts. */
    kubernetesVersion: string;
    /** What EKS does when the minor leaves standard support: upgrade (STANDARD) or bill extended support (EXTENDED). */
    upgradePolicy: "STANDARD" | "EXTENDED";
    vpcId: pulumi.Input<string>;
    /** Private subnets: the control plane's ENIs and every node live here. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** Service IP range, not overlapping the VPC. */
    serviceCidr: string;
    /** Whether the API endpoint is reachable from the internet; the private endpoint is always on. */
    publicAccess: boolean;
    /** Who may reach the public endpoint. */
    publicAccessCidrs: string[];
    /** IAM roles granted cluster admin through access entries. */
    adminRoleArns: string[];
    /** The CI identity that runs `pulumi preview`: an entry with the preview group's rights. */
    previewRoleArn?: string;
    /**
     * Networks inside the VPC that CI runners reach the private endpoint from: admitted to the
     * control plane's security group on 443. Runners outside the VPC use the public endpoint.
     */
    privateEndpointClientCidrs: string[];
    /** Control-plane log types sent to CloudWatch. */
    logTypes: string[];
    /** Days CloudWatch keeps the control-plane logs (a value CloudWatch accepts). */
    logRetentionDays: number;
    /** Node groups by name; empty for a Fargate-only cluster. */
    nodeGroups: Record<string, NodeGroupConfig>;
    /** Karpenter gets a node role for its nodes, with an access entry. */
    autoscaler?: "karpenter" | "cluster-autoscaler";
    /** Namespaces served by Fargate; set only for a Fargate-only cluster. */
    fargateNamespaces?: string[];
    /** Protects the cluster and its secrets key from deletion (prd). */
    protect?: boolean;
    /** Tags on every AWS resource. */
    tags: Record<string, string>;
}

/** The node role's policies. No CNI policy: vpc-cni has a Pod Identity role of its own. */
export const NODE_POLICIES = [
    aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy,
    aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly,
    // Shell access through Session Manager instead of SSH keys.
    aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore,
];

/** The log group EKS writes a cluster's control-plane logs to (EKS user guide, control-plane-logs). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/**
 * The EKS cluster: private subnets, API access entries, KMS envelope encryption of secrets,
 * control-plane logs, its node groups, the Pod Identity agent for addon roles, and a Kubernetes
 * provider for the components that run inside it.
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly kubernetesVersion: string;
    /** Admin kubeconfig (a secret): for Lens or kubectl. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** The EKS-created security group of the control plane and every node. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** Names of the EKS managed node groups. */
    readonly managedNodeGroupNames: pulumi.Output<string[]>;
    /** Names of the self-managed Auto Scaling groups. */
    readonly selfManagedAsgNames: pulumi.Output<string[]>;
    /** The self-managed Auto Scaling groups by node group, for the node termination handler. */
    readonly selfManagedAsgs: { readonly group: string; readonly name: pulumi.Output<string> }[];
    /** The Pod Identity agent addon: addon pods get their AWS credentials through it. */
    readonly podIdentityAgent: aws.eks.Addon;
    /** CoreDNS: pods that resolve names (every controller calling AWS) need it running. */
    readonly coreDns: aws.eks.Addon;
    /** The API server's URL. */
    readonly endpoint: pulumi.Output<string>;
    /** The IAM OIDC provider of a Fargate-only cluster, for its addons' roles (Pod Identity cannot serve Fargate pods). */
    readonly serviceAccountOidc?: ServiceAccountOidc;
    /** The role of Karpenter's nodes, when Karpenter is the autoscaler. */
    readonly karpenterNodeRole?: aws.iam.Role;
    /** The EC2_LINUX access entry Karpenter's nodes join with: nothing may launch them before it. */
    readonly karpenterNodeAccess?: aws.eks.AccessEntry;
    /**
     * The compute pods run on: the node groups, or the Fargate profiles. Every workload waits
     * for it (a pod needs a node) and is deleted before it (a controller must outlive the
     * objects whose finalizers it clears).
     */
    readonly compute: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:cluster:EksCluster", name, {}, opts);

        // With Karpenter the groups are the controllers' nodes: tainted and labelled as such.
        const systemNodes = args.autoscaler === "karpenter" && Object.keys(args.nodeGroups).length > 0;
        const groups = Object.entries(args.nodeGroups).map(([group, cfg]): [string, NodeGroupConfig] => [
            group,
            systemNodes ? asSystemGroup(cfg) : cfg,
        ]);
        const fargateOnly = args.fargateNamespaces !== undefined;
        const managed = groups.filter(([, g]) => g.kind === "managed");
        const selfManaged = groups.filter(([, g]) => g.kind === "self-managed");

        const secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes secrets in ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags: args.tags,
            },
            { parent: this, protect: args.protect },
        );
        new aws.kms.Alias(
            `${name}-secrets`,
            {
                name: `alias/${args.clusterName}-secrets`,
                targetKeyId: secretsKey.keyId,
            },
            { parent: this },
        );

        const selfManagedRole = selfManaged.length > 0 ? this.nodeRole(`${name}-self-managed-nodes`, args.tags) : undefined;
        this.karpenterNodeRole = args.autoscaler === "karpenter" ? this.nodeRole(`${name}-karpenter-nodes`, args.tags) : undefined;

        // EKS would create this group itself on first log line, kept forever and left behind by
        // `pulumi destroy`; made first, EKS writes to it (EKS user guide, control-plane-logs).
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(
            `${name}-control-plane`,
            {
                name: controlPlaneLogGroupName(args.clusterName),
                retentionInDays: args.logRetentionDays,
                tags: args.tags,
            },
            { parent: this },
        );

        const cluster = new eks.Cluster(
            `${name}-cluster`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                privateSubnetIds: args.privateSubnetIds,
                nodeAssociatePublicIpAddress: false,
                kubernetesServiceIpAddressRange: args.serviceCidr,
                // With an authentication mode, @pulumi/eks makes the identity that creates the cluster
                // (the CI deploy role) cluster admin through EKS's bootstrap entry. Every other entry
                // is declared below, outside this protected component.
                authenticationMode: "API",
                encryptionConfigKeyArn: secretsKey.arn,
                enabledClusterLogTypes: args.logTypes,
                endpointPrivateAccess: true,
                endpointPublicAccess: args.publicAccess,
                publicAccessCidrs: args.publicAccess ? args.publicAccessCidrs : undefined,
                // EKS bills extended support (about 6x) past standard support unless told otherwise.
                upgradePolicy: { supportType: args.upgradePolicy },
                // The core add-ons are declared below at the table's versions, in the order nodes need.
                useDefaultVpcCni: true,
                kubeProxyAddonOptions: { enabled: false },
                corednsAddonOptions: { enabled: false },
                // Node groups are declared below; nodes and control plane share the EKS-created security group.
                skipDefaultNodeGroup: true,
                skipDefaultSecurityGroups: true,
                // Addons get AWS roles through EKS Pod Identity, which does not serve Fargate pods: a
                // Fargate-only cluster's addons use IAM roles for service accounts, through this provider.
                createOidcProvider: fargateOnly,
                deletionProtection: args.protect,
                tags: args.tags,
            },
            { parent: this, protect: args.protect, dependsOn: [controlPlaneLogs] },
        );

        const access = { componentName: name, clusterName: cluster.eksCluster.name, tags: args.tags, parent: this };
        createPrincipalAccess(access, { adminRoleArns: args.adminRoleArns, previewRoleArn: args.previewRoleArn });
        const selfManagedAccess = selfManagedRole && nodeAccessEntry(access, "self-managed-nodes", selfManagedRole.arn);
        this.karpenterNodeAccess = this.karpenterNodeRole && nodeAccessEntry(access, "karpenter-nodes", this.karpenterNodeRole.arn);

        const addonContext = {
            componentName: name,
            clusterName: cluster.eksCluster.name,
            kubernetesVersion: args.kubernetesVersion,
            tags: args.tags,
            parent: this,
        };
        const nodeAddons = createNodeAddons(addonContext);
        this.podIdentityAgent = nodeAddons.podIdentityAgent;

        const ctx: NodeGroupContext = {
            componentName: name,
            clusterName: args.clusterName,
            kubernetesVersion: args.kubernetesVersion,
            serviceCidr: args.serviceCidr,
            cluster,
            subnetIds: args.privateSubnetIds,
            tags: args.tags,
            parent: this,
            // A node becomes Ready only with pod networking.
            dependsOn: [nodeAddons.vpcCni, nodeAddons.kubeProxy, nodeAddons.podIdentityAgent],
        };
        const managedRole = managed.length > 0 ? this.nodeRole(`${name}-managed-nodes`, args.tags) : undefined;
        const managedGroups = managed.map(([group, cfg]) => createManagedNodeGroup(ctx, group, cfg, managedRole!));
        const instanceProfile =
            selfManagedRole &&
            new aws.iam.InstanceProfile(
                `${name}-self-managed-nodes`,
                {
                    role: selfManagedRole.name,
                    tags: args.tags,
                },
                { parent: this },
            );
        // A self-managed node joins only once its role has an entry.
        const selfManagedCtx = { ...ctx, dependsOn: [...ctx.dependsOn, ...(selfManagedAccess ? [selfManagedAccess] : [])] };
        const selfManagedGroups = selfManaged.map(([group, cfg]) => ({
            group,
            asg: createSelfManagedNodeGroup(selfManagedCtx, group, cfg, instanceProfile!),
        }));
        this.selfManagedAsgs = selfManagedGroups.map(({ group, asg }) => ({ group, name: asg.name }));
        const fargateProfiles = args.fargateNamespaces
            ? createFargateProfiles(
                  {
                      componentName: name,
                      clusterName: cluster.eksCluster.name,
                      subnetIds: args.privateSubnetIds,
                      tags: args.tags,
                      parent: this,
                  },
                  args.fargateNamespaces,
              )
            : [];
        this.compute = [...managedGroups, ...selfManagedGroups.map(({ asg }) => asg), ...fargateProfiles];
        const computeAddons = createComputeAddons(addonContext, this.compute, fargateOnly, systemNodes);
        this.coreDns = computeAddons.coreDns;

        // CI runners inside the VPC reach the private endpoint through the control plane's security group.
        // Named by the CIDR (the alias keeps rules named by position before).
        args.privateEndpointClientCidrs.forEach(
            (cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-api-from-ci-${cidrKey(cidr)}`,
                    {
                        securityGroupId: cluster.clusterSecurityGroupId,
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrIpv4: cidr,
                        description: "Kubernetes API from CI runners",
                    },
                    { parent: this, aliases: [{ name: `${name}-api-from-ci-${i}` }] },
                ),
        );

        this.clusterName = cluster.eksCluster.name;
        this.kubernetesVersion = args.kubernetesVersion;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
        this.managedNodeGroupNames = pulumi.all(managedGroups.map((group) => group.nodeGroup.nodeGroupName));
        this.selfManagedAsgNames = pulumi.all(this.selfManagedAsgs.map((asg) => asg.name));
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                enableServerSideApply: true,
            },
            { parent: this },
        );
        if (args.previewRoleArn) {
            createPreviewRbac(name, this.provider, this);
        }
        if (computeAddons.ebsCsiDriver) {
            createStorageClasses(name, this.provider, this, computeAddons.ebsCsiDriver);
        }
        this.endpoint = cluster.eksCluster.endpoint;
        this.serviceAccountOidc = fargateOnly ? { providerArn: cluster.oidcProviderArn, issuer: cluster.oidcIssuer } : undefined;

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            managedNodeGroupNames: this.managedNodeGroupNames,
            selfManagedAsgNames: this.selfManagedAsgNames,
        });
    }

    private nodeRole(name: string, tags: Record<string, string>): aws.iam.Role {
        const role = new aws.iam.Role(
            name,
            {
                assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
                tags,
            },
            { parent: this },
        );
        NODE_POLICIES.forEach((policyArn) => {
            const policyName = policyArn.split("/").pop()!;
            new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn }, { parent: this });
        });
        return role;
    }
}
