/** Queries over a run's EKS access entries, by logical name. */
import { CLUSTER_ADMIN_POLICY } from "../../components/cluster/access";
import { ProgramRun, resourcesOfType } from "../../offline/program-run";

export function accessEntries(run: ProgramRun): Record<string, Record<string, any>> {
    return Object.fromEntries(resourcesOfType(run, "aws:eks/accessEntry:AccessEntry").map((r) => [r.name, r.inputs]));
}

/** The principals with the cluster-admin access policy, in config order. */
export function adminPrincipals(run: ProgramRun): string[] {
    return resourcesOfType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
        .filter((r) => r.inputs.policyArn === CLUSTER_ADMIN_POLICY && (r.inputs.accessScope as any)?.type === "cluster")
        .map((r) => r.inputs.principalArn as string);
}
