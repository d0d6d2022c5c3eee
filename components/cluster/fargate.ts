/** Fargate profiles of a Fargate-only cluster: pure helpers for the selectors, and the function that registers them. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SELECTORS_PER_PROFILE } from "../../stacks/checks/names";
import { serviceTrustPolicy } from "../trust-policies";

export { SELECTORS_PER_PROFILE };

/** The namespaces, in groups of at most SELECTORS_PER_PROFILE: one profile each. */
export function fargateSelectorGroups(namespaces: readonly string[]): string[][] {
    const unique = [...new Set(namespaces)];
    const groups: string[][] = [];
    for (let i = 0; i < unique.length; i += SELECTORS_PER_PROFILE) {
        groups.push(unique.slice(i, i + SELECTORS_PER_PROFILE));
    }
    return groups;
}

/**
 * A profile is named by the first namespace it selects, not its position: a profile whose
 * namespaces are unchanged keeps its name. (Its selectors cannot change in place: EKS replaces a
 * profile whose selectors change, so adding or removing a namespace re-creates the groups after it.)
 */
export function fargateProfileKey(group: readonly string[]): string {
    return group[0];
}

export interface FargateContext {
    /** The EksCluster component's name: every child name starts with it. */
    componentName: string;
    clusterName: pulumi.Input<string>;
    subnetIds: pulumi.Input<string[]>;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}

/**
 * A pod execution role and the profiles that run every pod of `namespaces` on Fargate. EKS gives
 * the role its FARGATE_LINUX access entry itself. Returned so workloads can wait for them.
 */
export function createFargateProfiles(ctx: FargateContext, namespaces: readonly string[]): aws.eks.FargateProfile[] {
    const role = new aws.iam.Role(
        `${ctx.componentName}-fargate-pods`,
        {
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks-fargate-pods.amazonaws.com")),
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const policy = new aws.iam.RolePolicyAttachment(
        `${ctx.componentName}-fargate-pods`,
        {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AmazonEKSFargatePodExecutionRolePolicy,
        },
        { parent: ctx.parent },
    );
    return fargateSelectorGroups(namespaces).map(
        (group, i) =>
            new aws.eks.FargateProfile(
                `${ctx.componentName}-fargate-${fargateProfileKey(group)}`,
                {
                    clusterName: ctx.clusterName,
                    podExecutionRoleArn: role.arn,
                    subnetIds: ctx.subnetIds,
                    selectors: group.map((namespace) => ({ namespace })),
                    tags: ctx.tags,
                },
                { parent: ctx.parent, dependsOn: [policy], aliases: [{ name: `${ctx.componentName}-fargate-${i}` }] },
            ),
    );
}
