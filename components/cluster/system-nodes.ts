/**
 * With Karpenter, the node groups are the controllers' nodes and Karpenter's NodePools take the
 * apps: the groups carry the taint `CriticalAddonsOnly=true:NoSchedule`, which Karpenter's chart
 * and the CoreDNS and EBS CSI add-ons tolerate by default (karpenter 1.14.1 values.yaml
 * `tolerations`; the add-ons' configuration defaults), and a role label the controllers select.
 * Pods that tolerate nothing (the apps) therefore never fill the system nodes, and the
 * controllers never land on spot nodes Karpenter may reclaim. DaemonSets tolerate every taint and
 * keep running on every node.
 */
import type { NodeGroupConfig } from "../../stacks/platform-config";

export const NODE_ROLE_LABEL = "eks-platform/node-role";
export const SYSTEM_ROLE = "system";
export const SYSTEM_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;

export interface Toleration {
    key?: string;
    operator: "Exists" | "Equal";
    value?: string;
    effect?: string;
    tolerationSeconds?: number;
}

/** What a controller's pod spec carries to run on the system nodes, and only there. */
export interface SystemPlacement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
}

export function systemPlacement(): SystemPlacement {
    return {
        nodeSelector: { [NODE_ROLE_LABEL]: SYSTEM_ROLE },
        tolerations: [{ key: SYSTEM_TAINT.key, operator: "Exists", effect: SYSTEM_TAINT.effect }],
    };
}

/** A DaemonSet's tolerations: every taint, so it runs on every node (system, NodePools, tainted groups). */
export const EVERY_NODE: Toleration[] = [{ operator: "Exists" }];

/** A node group as a system group: its role label, and the system taint next to its own. */
export function asSystemGroup(cfg: NodeGroupConfig): NodeGroupConfig {
    const taints = cfg.taints.some((t) => t.key === SYSTEM_TAINT.key) ? cfg.taints : [...cfg.taints, { ...SYSTEM_TAINT }];
    return { ...cfg, labels: { ...cfg.labels, [NODE_ROLE_LABEL]: SYSTEM_ROLE }, taints };
}
