/**
 * An app's architectures must be ones the cluster can run its pods on: with Karpenter its
 * NodePools' (the node groups are system nodes, which apps do not tolerate); otherwise its node
 * groups'. A set nothing offers leaves every pod Pending.
 */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { PROJECT } from "../schema/stage";

type Architecture = "amd64" | "arm64";
const BOTH: Architecture[] = ["amd64", "arm64"];
/** Node groups name architectures as EC2 does; pods and NodePools as Kubernetes does (`kubernetes.io/arch`). */
const KUBERNETES_ARCH: Record<string, Architecture> = { x86_64: "amd64", arm64: "arm64" };

/** The architectures the cluster's app capacity offers, and where they come from; undefined on Fargate or unreadable config. */
export function offeredArchitectures(clusterInput: unknown): { offered: Set<Architecture>; source: string } | undefined {
    const cluster = validOrUndefined(
        z.looseObject({
            autoscaler: z.string().optional(),
            fargateOnly: z.boolean().optional(),
            nodePools: z.record(z.string(), z.looseObject({ architectures: z.array(z.enum(["amd64", "arm64"])).optional() })).optional(),
            nodeGroups: z.record(z.string(), z.looseObject({ architecture: z.string().optional() })).optional(),
        }),
        clusterInput ?? {},
    );
    if (!cluster || cluster.fargateOnly) {
        return undefined;
    }
    if ((cluster.autoscaler ?? "karpenter") === "karpenter") {
        const pools = Object.values(cluster.nodePools ?? {});
        return { offered: new Set(pools.flatMap((pool) => pool.architectures ?? BOTH)), source: "cluster.nodePools" };
    }
    const groups = Object.values(cluster.nodeGroups ?? {});
    return {
        offered: new Set(
            groups.map((group) => KUBERNETES_ARCH[group.architecture ?? "x86_64"]).filter((a): a is Architecture => a !== undefined),
        ),
        source: "cluster.nodeGroups",
    };
}

export function architectureProblems(clusterInput: unknown, appsInput: unknown): ConfigProblem[] {
    const capacity = offeredArchitectures(clusterInput);
    const apps = validOrUndefined(
        z.record(z.string(), z.looseObject({ architectures: z.array(z.enum(["amd64", "arm64"])).optional() })),
        appsInput ?? {},
    );
    if (!capacity || !apps) {
        return [];
    }
    const offered = [...capacity.offered].sort();
    return Object.entries(apps)
        .filter(([, app]) => app.architectures !== undefined && !app.architectures.some((arch) => capacity.offered.has(arch)))
        .map(([name, app]) => ({
            key: `${PROJECT}:apps.${name}.architectures`,
            value: app.architectures,
            expected: `expected an architecture ${capacity.source} offers (${offered.join(", ") || "none"}): no node the app may run on is ${app.architectures!.join(" or ")}, so its pods would stay Pending`,
        }));
}
