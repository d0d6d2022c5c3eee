/**
 * The EKS-managed add-ons every cluster runs, at the exact versions of the cluster's minor
 * (stacks/kubernetes-versions.ts), never "most recent": they change only when the table does.
 *
 * Order is what the add-ons need: vpc-cni, kube-proxy and the Pod Identity agent are DaemonSets,
 * healthy with no node to run on, and a node becomes Ready only once they run, so they come
 * before the compute; CoreDNS is a Deployment, degraded until a node runs it, so it comes after.
 * EKS installs self-managed copies at cluster creation; the managed ones take them over.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksManagedAddon, kubernetesMinor } from "../../stacks/kubernetes-versions";
import { podIdentityTrustPolicy } from "../trust-policies";
import { SYSTEM_TAINT, systemPlacement } from "./system-nodes";

/** vpc-cni's service account: the aws-node DaemonSet. */
export const VPC_CNI_SERVICE_ACCOUNT = "aws-node";

export interface CoreAddonsContext {
    /** The EksCluster component's name: every child name starts with it. */
    readonly componentName: string;
    readonly clusterName: pulumi.Input<string>;
    readonly kubernetesVersion: string;
    readonly tags: Record<string, string>;
    readonly parent: pulumi.Resource;
}

/**
 * vpc-cni hands each node /28 prefixes instead of single secondary IPs (prefix delegation), so a
 * node holds up to MAX_PODS pods whatever its ENI count, and keeps one spare prefix warm
 * (aws/amazon-vpc-cni-k8s README: ENABLE_PREFIX_DELEGATION, WARM_PREFIX_TARGET; string values).
 */
export function vpcCniConfiguration(): Record<string, unknown> {
    return { env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" } };
}

/** CoreDNS's configuration: on a Fargate-only cluster its pods must ask for Fargate. */
export function coreDnsConfiguration(fargateOnly: boolean, systemNodes = false): Record<string, unknown> | undefined {
    if (fargateOnly) {
        return { computeType: "Fargate" };
    }
    // A list replaces the add-on's default whole: its two default tolerations are kept (CoreDNS
    // add-on configuration schema: CriticalAddonsOnly Exists, control-plane NoSchedule).
    return systemNodes
        ? {
              nodeSelector: systemPlacement().nodeSelector,
              tolerations: [
                  { key: SYSTEM_TAINT.key, operator: "Exists" },
                  { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
              ],
          }
        : undefined;
}

/**
 * The EBS CSI driver's controller on the system nodes; its node plugin tolerates every taint by
 * default (`node.tolerateAllTaints`). The add-on takes the driver chart's values; the controller's
 * default tolerations are kept (CriticalAddonsOnly, and NoExecute for 300 s).
 */
export function ebsCsiConfiguration(systemNodes: boolean): Record<string, unknown> | undefined {
    return systemNodes
        ? {
              controller: {
                  nodeSelector: systemPlacement().nodeSelector,
                  tolerations: [
                      { key: SYSTEM_TAINT.key, operator: "Exists" },
                      { operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
                  ],
              },
          }
        : undefined;
}

function addon(
    ctx: CoreAddonsContext,
    name: EksManagedAddon,
    extra: Partial<aws.eks.AddonArgs>,
    opts: pulumi.CustomResourceOptions = {},
): aws.eks.Addon {
    // eks-pod-identity-agent -> <component>-pod-identity-agent, as it was first named.
    return new aws.eks.Addon(
        `${ctx.componentName}-${name.replace(/^(eks|aws)-/, "")}`,
        {
            clusterName: ctx.clusterName,
            addonName: name,
            addonVersion: kubernetesMinor(ctx.kubernetesVersion).addons[name],
            // Take over the self-managed copy EKS installed at creation; the table wins on updates.
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: ctx.tags,
            ...extra,
        },
        { parent: ctx.parent, ...opts },
    );
}

export interface NodeAddons {
    readonly podIdentityAgent: aws.eks.Addon;
    readonly vpcCni: aws.eks.Addon;
    readonly kubeProxy: aws.eks.Addon;
}

/**
 * The add-ons nodes need to become Ready. vpc-cni assigns pod IPs with a role of its own through
 * Pod Identity (EKS best practice), so the node role carries no CNI policy. Removing these
 * managed add-ons keeps their software running (`preserve`): without it pods lose networking.
 */
/**
 * An EKS add-on's role through EKS Pod Identity with the AWS managed policy made for it; the
 * add-on waits for the attachment. `name` names the resources, `addon` the description.
 */
function managedPolicyRole(ctx: CoreAddonsContext, name: string, serviceAccount: string, policyArn: string, addon = name) {
    const role = new aws.iam.Role(
        `${ctx.componentName}-${name}`,
        {
            description: `${addon} (kube-system/${serviceAccount}) through EKS Pod Identity`,
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const policy = new aws.iam.RolePolicyAttachment(`${ctx.componentName}-${name}`, { role: role.name, policyArn }, { parent: ctx.parent });
    return { role, policy };
}

export function createNodeAddons(ctx: CoreAddonsContext): NodeAddons {
    const podIdentityAgent = addon(ctx, "eks-pod-identity-agent", {});
    const { role, policy } = managedPolicyRole(ctx, "vpc-cni", VPC_CNI_SERVICE_ACCOUNT, aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy);
    const vpcCni = addon(
        ctx,
        "vpc-cni",
        {
            podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: VPC_CNI_SERVICE_ACCOUNT }],
            // Before any node exists, so every node's max pods assumes prefixes.
            configurationValues: JSON.stringify(vpcCniConfiguration()),
            preserve: true,
        },
        { dependsOn: [policy, podIdentityAgent] },
    );
    const kubeProxy = addon(ctx, "kube-proxy", { preserve: true });
    return { podIdentityAgent, vpcCni, kubeProxy };
}

/** The EBS CSI driver's controller service account (its node plugin needs no AWS access). */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

export interface ComputeAddons {
    readonly coreDns: aws.eks.Addon;
    /** Absent on a Fargate-only cluster: Fargate pods cannot mount EBS volumes. */
    readonly ebsCsiDriver?: aws.eks.Addon;
}

/**
 * The add-ons whose controllers are Deployments, once the compute that runs them exists: CoreDNS,
 * and the EBS CSI driver with a Pod Identity role holding AWS's managed policy for it
 * (service-role/AmazonEBSCSIDriverPolicy, the add-on's recommended managed policy).
 */
export function createComputeAddons(
    ctx: CoreAddonsContext,
    compute: pulumi.Resource[],
    fargateOnly: boolean,
    systemNodes: boolean,
): ComputeAddons {
    const configuration = coreDnsConfiguration(fargateOnly, systemNodes);
    const coreDns = addon(
        ctx,
        "coredns",
        {
            preserve: true,
            configurationValues: configuration ? JSON.stringify(configuration) : undefined,
        },
        { dependsOn: compute },
    );
    if (fargateOnly) {
        return { coreDns };
    }
    const { role, policy } = managedPolicyRole(
        ctx,
        "ebs-csi-driver",
        EBS_CSI_SERVICE_ACCOUNT,
        aws.iam.ManagedPolicy.AmazonEBSCSIDriverPolicy,
        "aws-ebs-csi-driver",
    );
    const ebsCsi = ebsCsiConfiguration(systemNodes);
    const ebsCsiDriver = addon(
        ctx,
        "aws-ebs-csi-driver",
        {
            podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
            configurationValues: ebsCsi ? JSON.stringify(ebsCsi) : undefined,
        },
        { dependsOn: [...compute, policy] },
    );
    return { coreDns, ebsCsiDriver };
}
