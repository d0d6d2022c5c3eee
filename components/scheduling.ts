/**
 * Topology spread constraints, one per domain. `matchLabelKeys: [pod-template-hash]` counts only
 * the pods of the same ReplicaSet: without it, during a rollout the old ReplicaSet's pods count
 * too and the new pods pile where the old ones are not (Kubernetes, "Pod Topology Spread
 * Constraints"; beta and on by default since 1.27, KEP-3243, so on every EKS version the platform
 * supports).
 */
export interface SpreadDomains {
    zone?: "DoNotSchedule" | "ScheduleAnyway";
    node?: "DoNotSchedule" | "ScheduleAnyway";
}

export function spreadConstraints(selector: Record<string, string>, domains: SpreadDomains) {
    const keys = { zone: "topology.kubernetes.io/zone", node: "kubernetes.io/hostname" } as const;
    return (["zone", "node"] as const)
        .filter((domain) => domains[domain] !== undefined)
        .map((domain) => ({
            maxSkew: 1,
            topologyKey: keys[domain],
            whenUnsatisfiable: domains[domain]!,
            labelSelector: { matchLabels: selector },
            matchLabelKeys: ["pod-template-hash"],
        }));
}
