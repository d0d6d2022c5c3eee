/**
 * Who may reach the cluster's API, as EKS access entries (authentication mode API): the people
 * who administer it, the CI identity that previews changes, and the nodes (managed groups and
 * Fargate get theirs from EKS; self-managed and Karpenter nodes join as EC2_LINUX). The identity that
 * creates the cluster (the CI deploy role) gets cluster admin from EKS itself: @pulumi/eks
 * always bootstraps the creator's admin permissions, so it has no entry here.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { roleName } from "../../stacks/schema/fields";

/** The EKS access policy that makes a principal cluster admin. */
export const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** The Kubernetes group of the CI preview identity; its rights come from PREVIEW_CLUSTER_ROLE's rules. */
export const PREVIEW_GROUP = "eks-platform:ci-preview";
export const PREVIEW_CLUSTER_ROLE = "eks-platform:ci-preview";

export interface AccessEntryInput {
    /** People and break-glass roles: cluster admin. */
    adminRoleArns: string[];
    /** The CI identity that runs `pulumi preview`. */
    previewRoleArn?: string;
}

/** An access entry of a person or CI identity, named by the principal, never by its position in a list. */
export interface PrincipalAccess {
    /** Logical name: `admin-<role name>` or `ci-preview`. */
    readonly key: string;
    readonly principalArn: string;
    /** Kubernetes groups bound by RBAC (the preview group). */
    readonly kubernetesGroups?: string[];
    /** EKS access policies associated cluster-wide. */
    readonly policyArns: string[];
}

/** Admins and the preview identity; config has refused duplicates and the deploy role among them. */
export function principalAccess(input: AccessEntryInput): PrincipalAccess[] {
    return [
        ...input.adminRoleArns.map((principalArn) => ({
            key: `admin-${roleName(principalArn)}`,
            principalArn,
            policyArns: [CLUSTER_ADMIN_POLICY],
        })),
        ...(input.previewRoleArn
            ? [{ key: "ci-preview", principalArn: input.previewRoleArn, kubernetesGroups: [PREVIEW_GROUP], policyArns: [] }]
            : []),
    ];
}

export interface AccessEntryContext {
    readonly componentName: string;
    readonly clusterName: pulumi.Input<string>;
    readonly tags: Record<string, string>;
    readonly parent: pulumi.Resource;
}

/**
 * The people's and CI's access entries, beside the cluster rather than inside the remote
 * eks.Cluster: its children inherit its `protect`, and access must stay editable in prd.
 */
export function createPrincipalAccess(ctx: AccessEntryContext, input: AccessEntryInput): void {
    for (const access of principalAccess(input)) {
        const name = `${ctx.componentName}-${access.key}`;
        const entry = accessEntry(ctx, access.key, access.principalArn, "STANDARD", access.kubernetesGroups);
        for (const policyArn of access.policyArns) {
            new aws.eks.AccessPolicyAssociation(
                `${name}-${policyArn.split("/").pop()}`,
                {
                    clusterName: ctx.clusterName,
                    principalArn: entry.principalArn,
                    policyArn,
                    accessScope: { type: "cluster" },
                },
                { parent: ctx.parent },
            );
        }
    }
}

/** The EC2_LINUX entry nodes of a role join with (self-managed and Karpenter nodes): they wait for it. */
export function nodeAccessEntry(ctx: AccessEntryContext, key: string, roleArn: pulumi.Input<string>): aws.eks.AccessEntry {
    return accessEntry(ctx, key, roleArn, "EC2_LINUX");
}

function accessEntry(
    ctx: AccessEntryContext,
    key: string,
    principalArn: pulumi.Input<string>,
    type: "STANDARD" | "EC2_LINUX",
    kubernetesGroups?: string[],
): aws.eks.AccessEntry {
    return new aws.eks.AccessEntry(
        `${ctx.componentName}-${key}`,
        {
            clusterName: ctx.clusterName,
            principalArn,
            kubernetesGroups,
            type,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
}

/**
 * The kinds the program applies and a preview reads back, Secrets excepted: the preview group may
 * get, list and watch these and nothing else. A spec fails when the program applies a kind that
 * is neither here nor a Secret.
 */
export const PREVIEW_READABLE: readonly { apiGroups: string[]; resources: string[] }[] = [
    { apiGroups: [""], resources: ["namespaces", "serviceaccounts", "configmaps", "services"] },
    { apiGroups: ["apps"], resources: ["deployments"] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings", "roles", "rolebindings"] },
    { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"] },
    { apiGroups: ["elbv2.k8s.aws"], resources: ["targetgroupbindings"] },
    { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"] },
    { apiGroups: ["karpenter.sh"], resources: ["nodepools"] },
    { apiGroups: ["karpenter.k8s.aws"], resources: ["ec2nodeclasses"] },
];

/**
 * What a pull request's `pulumi preview` may do in the cluster: read what the program applies,
 * Secrets excepted, and nothing more. PR code runs with this identity, so any right here is a
 * right every PR author has for real: no write (a server-side dry-run is authorised as the write
 * it simulates), no Secret (Helm keeps its releases in Secrets, service-account tokens live there).
 * pulumi-kubernetes falls back to a plan from the inputs when a dry-run or a read is forbidden
 * (provider.go Create/Update, `apierrors.IsForbidden` during preview); see docs/access.md for what
 * the preview then cannot show. Discovery (/api, /apis, /openapi) every authenticated user has.
 */
export function previewClusterRoleRules() {
    return PREVIEW_READABLE.map((rule) => ({ ...rule, verbs: ["get", "list", "watch"] }));
}

/** The ClusterRole of the preview group and its binding. */
export function createPreviewRbac(name: string, provider: k8s.Provider, parent: pulumi.Resource): void {
    const labels = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "eks-platform" };
    const role = new k8s.rbac.v1.ClusterRole(
        `${name}-ci-preview`,
        {
            metadata: { name: PREVIEW_CLUSTER_ROLE, labels },
            rules: previewClusterRoleRules(),
        },
        { parent, provider },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-ci-preview`,
        {
            metadata: { name: PREVIEW_CLUSTER_ROLE, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }],
        },
        { parent, provider },
    );
}
