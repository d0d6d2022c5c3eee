/**
 * Who may reach the cluster's API, as EKS access entries (authentication mode API): the people
 * who administer it, the CI identity that previews changes, and the nodes (managed groups and
 * Fargate get theirs from EKS; self-managed and Karpenter nodes join as EC2_LINUX). The identity that
 * creates the cluster (the CI deploy role) gets cluster admin from EKS itself: @pulumi/eks
 * always bootstraps the creator's admin permissions, so it has no entry here.
 */
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

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
    /** The role of self-managed nodes (they join as EC2_LINUX). */
    selfManagedNodeRoleArn?: pulumi.Input<string>;
    /** The role of Karpenter's nodes (they join as EC2_LINUX too). */
    karpenterNodeRoleArn?: pulumi.Input<string>;
}

/** Access entries by a stable key; config has refused duplicates and the deploy role among them. */
export function accessEntries(input: AccessEntryInput): Record<string, eks.types.input.AccessEntryArgs> {
    const entries: Record<string, eks.types.input.AccessEntryArgs> = {};
    input.adminRoleArns.forEach((principalArn, i) => {
        entries[`admin-${i}`] = {
            principalArn,
            accessPolicies: { admin: { policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } } },
        };
    });
    if (input.previewRoleArn) {
        entries["ci-preview"] = { principalArn: input.previewRoleArn, kubernetesGroups: [PREVIEW_GROUP] };
    }
    if (input.selfManagedNodeRoleArn) {
        entries["self-managed-nodes"] = { principalArn: input.selfManagedNodeRoleArn, type: "EC2_LINUX" };
    }
    if (input.karpenterNodeRoleArn) {
        entries["karpenter-nodes"] = { principalArn: input.karpenterNodeRoleArn, type: "EC2_LINUX" };
    }
    return entries;
}

/**
 * The kinds the program applies itself (Helm releases are rendered client-side in a preview):
 * the preview group may dry-run writes to these and nothing else. A spec fails when the program
 * applies a kind missing here.
 */
export const PREVIEW_WRITABLE: readonly { apiGroups: string[]; resources: string[] }[] = [
    { apiGroups: [""], resources: ["namespaces", "serviceaccounts", "configmaps", "secrets", "services"] },
    { apiGroups: ["apps"], resources: ["deployments"] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings"] },
    { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"] },
    { apiGroups: ["elbv2.k8s.aws"], resources: ["targetgroupbindings"] },
    { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"] },
    { apiGroups: ["karpenter.sh"], resources: ["nodepools"] },
    { apiGroups: ["karpenter.k8s.aws"], resources: ["ec2nodeclasses"] },
];

/**
 * What `pulumi preview` needs in the cluster. It reads the live state of what it diffs (and
 * Helm's release records), and diffs each object it applies by a server-side dry-run, which the
 * API server authorises exactly like the write it simulates: with read access alone the provider
 * falls back to a plan from the inputs, blind to admission and defaulting. It never needs to
 * delete (a preview only plans deletions), nor escalate, bind, impersonate or exec.
 */
export function previewClusterRoleRules() {
    return [
        { apiGroups: ["*"], resources: ["*"], verbs: ["get", "list", "watch"] },
        ...PREVIEW_WRITABLE.map((rule) => ({ ...rule, verbs: ["create", "update", "patch"] })),
    ];
}

/** The ClusterRole of the preview group and its binding. */
export function createPreviewRbac(name: string, provider: k8s.Provider, parent: pulumi.Resource): void {
    const labels = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "eks-platform" };
    const role = new k8s.rbac.v1.ClusterRole(`${name}-ci-preview`, {
        metadata: { name: PREVIEW_CLUSTER_ROLE, labels },
        rules: previewClusterRoleRules(),
    }, { parent, provider });
    new k8s.rbac.v1.ClusterRoleBinding(`${name}-ci-preview`, {
        metadata: { name: PREVIEW_CLUSTER_ROLE, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }],
    }, { parent, provider });
}
