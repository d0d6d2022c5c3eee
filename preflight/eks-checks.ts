/**
 * EKS: the Kubernetes minor is offered with the support dates the per-minor table holds, every
 * pinned managed add-on build exists for it, and each cluster name is free (or the stack's own).
 */
import { DescribeClusterCommand, DescribeClusterVersionsCommand, paginateDescribeAddonVersions } from "@aws-sdk/client-eks";
import { EKS_MANAGED_ADDONS, KUBERNETES_MINORS } from "../stacks/kubernetes-versions";
import type { PreflightContext } from "./context";
import { namedResources, ownedBy } from "./needs";
import { CheckResult, fail, guarded, pass, unlessMissing, warn } from "./result";

const AREA = "eks";
const TABLE = "stacks/kubernetes-versions.ts";

/** A date as the table writes it (UTC, YYYY-MM-DD). */
const day = (date: Date | undefined) => date?.toISOString().slice(0, 10);

function versions(context: PreflightContext): string[] {
    return [...new Set(context.config.slots.map((slot) => slot.cluster.kubernetesVersion))];
}

async function versionOffered(context: PreflightContext, version: string): Promise<CheckResult[]> {
    const check = `Kubernetes ${version} offered`;
    return guarded(AREA, check, "eks:DescribeClusterVersions", async () => {
        // includeAll: a minor in extended support is offered too (the default list may leave it out).
        const answer = await context.clients.eks.send(new DescribeClusterVersionsCommand({ clusterVersions: [version], includeAll: true }));
        const offered = answer.clusterVersions?.find((v) => v.clusterVersion === version);
        if (!offered) {
            return fail(
                AREA,
                check,
                `EKS does not offer ${version} in ${context.config.region}`,
                "pick a minor `aws eks describe-cluster-versions` lists",
            );
        }
        const table = KUBERNETES_MINORS[version];
        const [standard, extended] = [day(offered.endOfStandardSupportDate), day(offered.endOfExtendedSupportDate)];
        if (standard !== table.endOfStandardSupport || extended !== table.endOfExtendedSupport) {
            return warn(
                AREA,
                check,
                `EKS ends standard support on ${standard} and extended support on ${extended}; ${TABLE} says ${table.endOfStandardSupport} and ${table.endOfExtendedSupport}`,
                `correct ${version}'s dates in ${TABLE}: cost, the support-window policy and the config checks read them`,
            );
        }
        return pass(
            AREA,
            check,
            `${offered.status ?? offered.versionStatus ?? "offered"}, standard support to ${standard}, extended to ${extended}, as ${TABLE} says`,
        );
    });
}

async function addonBuild(context: PreflightContext, version: string, addon: (typeof EKS_MANAGED_ADDONS)[number]): Promise<CheckResult[]> {
    const pinned = KUBERNETES_MINORS[version].addons[addon];
    const check = `add-on ${addon} ${pinned} for ${version}`;
    return guarded(AREA, check, "eks:DescribeAddonVersions", async () => {
        const builds: string[] = [];
        for await (const page of paginateDescribeAddonVersions(
            { client: context.clients.eks },
            { kubernetesVersion: version, addonName: addon },
        )) {
            for (const found of page.addons ?? []) {
                builds.push(...(found.addonVersions ?? []).map((v) => v.addonVersion!).filter(Boolean));
            }
        }
        if (builds.includes(pinned)) {
            return pass(AREA, check, "offered");
        }
        return fail(
            AREA,
            check,
            builds.length === 0
                ? `EKS offers no ${addon} build for ${version}`
                : `not offered; EKS offers ${builds.slice(0, 3).join(", ")}${builds.length > 3 ? ", ..." : ""}`,
            `pin one of the offered builds for ${version} in ${TABLE}`,
        );
    });
}

async function clusterNameFree(context: PreflightContext, name: string, tags: Record<string, string>): Promise<CheckResult[]> {
    const check = `cluster name ${name}`;
    return guarded(AREA, check, "eks:DescribeCluster", async () => {
        const existing = await unlessMissing(context.clients.eks.send(new DescribeClusterCommand({ name })), "ResourceNotFoundException");
        if (!existing) {
            return pass(AREA, check, "free");
        }
        return ownedBy(existing.cluster?.tags, tags)
            ? pass(AREA, check, `exists and is this stack's (tags Project and Stack match)`)
            : fail(
                  AREA,
                  check,
                  "taken by a cluster this stack did not create",
                  "set cluster.name to a free name, or delete the other cluster",
              );
    });
}

export async function eksChecks(context: PreflightContext): Promise<CheckResult[]> {
    const clusters = namedResources(context.resources).filter((r) => r.kind === "cluster");
    const results = await Promise.all([
        ...versions(context).flatMap((version) => [
            versionOffered(context, version),
            ...EKS_MANAGED_ADDONS.map((addon) => addonBuild(context, version, addon)),
        ]),
        ...clusters.map((c) => clusterNameFree(context, c.name, c.tags)),
    ]);
    return results.flat();
}
