/**
 * Who reaches the cluster API, and from where: rules that span `eks-platform:cluster` and
 * `eks-platform:ci`. Each would otherwise fail at `pulumi up` (EKS refuses a second access entry
 * for a principal with ResourceInUseException) or leave CI unable to reach the endpoint.
 */
import { z } from "zod";
import { cidrContains, parseCidr } from "../cidr";
import { ConfigProblem, validOrUndefined } from "../problems";
import { ciSchema } from "../schema/ci";
import { cidrBlock, iamRoleArn, roleName } from "../schema/fields";
import { PROJECT } from "../schema/stage";

export function accessProblems(clusterInput: unknown, ciInput: unknown, networkInput: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const cluster = (clusterInput ?? {}) as Record<string, any>;
    const admins = validOrUndefined(z.array(iamRoleArn), cluster.adminRoleArns ?? []);
    const ci = validOrUndefined(ciSchema, ciInput);
    const vpcCidr = validOrUndefined(cidrBlock, (networkInput as Record<string, unknown> | undefined)?.cidr);
    const publicAccess = validOrUndefined(z.boolean(), cluster.endpoint?.publicAccess);
    const publicCidrs = validOrUndefined(z.array(cidrBlock), cluster.endpoint?.publicAccessCidrs ?? []);
    const adminsKey = `${PROJECT}:cluster.adminRoleArns`;

    if (admins) {
        const duplicates = admins.filter((arn, i) => admins.indexOf(arn) !== i);
        if (duplicates.length > 0) {
            problems.push({
                key: adminsKey,
                value: [...new Set(duplicates)],
                expected: "expected each role once: EKS allows one access entry per principal",
            });
        }
        // Each admin's entry is named by its role name, so a list edit touches that admin only.
        const unique = [...new Set(admins)];
        const shared = unique.filter((arn) => unique.filter((other) => roleName(other) === roleName(arn)).length > 1);
        if (shared.length > 0) {
            problems.push({
                key: adminsKey,
                value: shared,
                expected: "expected roles with distinct names (the part after the last '/'): each admin's access entry is named by it",
            });
        }
    }
    if (!ci) {
        return problems;
    }
    if (admins?.includes(ci.deployRoleArn)) {
        problems.push({
            key: adminsKey,
            value: ci.deployRoleArn,
            expected:
                "expected the deploy role (ci.deployRoleArn) not to be listed: it creates the cluster, so EKS already made it admin, and a second entry fails with ResourceInUseException",
        });
    }
    if (ci.previewRoleArn !== undefined && (admins?.includes(ci.previewRoleArn) || ci.previewRoleArn === ci.deployRoleArn)) {
        problems.push({
            key: `${PROJECT}:ci.previewRoleArn`,
            value: ci.previewRoleArn,
            expected: "expected a role of its own, neither an admin nor the deploy role: EKS allows one access entry per principal",
        });
    }
    if (vpcCidr && publicAccess !== undefined && publicCidrs) {
        const vpc = parseCidr(vpcCidr)!;
        const unreachable = ci.runnerCidrs.filter((cidr) => {
            const range = parseCidr(cidr)!;
            return !cidrContains(vpc, range) && !(publicAccess && publicCidrs.some((p) => cidrContains(parseCidr(p)!, range)));
        });
        if (unreachable.length > 0) {
            problems.push({
                key: `${PROJECT}:ci.runnerCidrs`,
                value: unreachable,
                expected: publicAccess
                    ? `expected runner networks inside the VPC (${vpcCidr}, private endpoint) or inside cluster.endpoint.publicAccessCidrs: CI could not reach the API endpoint`
                    : `expected runner networks inside the VPC (${vpcCidr}): the endpoint is private only, so CI could not reach it`,
            });
        }
    }
    return problems;
}
