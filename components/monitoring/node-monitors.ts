/**
 * Monitors of the cluster's nodes and capacity: nodes NotReady or cordoned, node disks filling,
 * and requests approaching what the nodes can allocate. KSM core metrics (cluster agent) and the
 * kubelet check (node agent); CPU in cores and memory in bytes on both sides of each ratio.
 */
import { clusterScope, last, levels, MonitorDefinition, MonitorInput } from "./monitor-definition";

export function nodeMonitors({ clusterName, thresholds: t }: MonitorInput): MonitorDefinition[] {
    const scope = clusterScope(clusterName);
    const requests = (resource: "cpu" | "memory", settings: typeof t.clusterCpuRequests) =>
        `avg(${last(settings.windowMinutes)}):sum:kubernetes_state.container.${resource}_requested{${scope}} / sum:kubernetes_state.node.${resource}_allocatable{${scope}} * 100 >= ${settings.critical}`;
    const capacityCheck =
        "Pending pods (`kubectl get pods -A --field-selector=status.phase=Pending`) and the autoscaler: Karpenter's NodePool limits (`kubectl get nodepools`) or the node groups' maxSize may be reached; raise them or lower requests.";
    return [
        {
            key: "node-not-ready",
            name: `[${clusterName}] Node not ready`,
            // KSM submits one series per node and condition, tagged with its current status: a
            // NotReady node has status:false, one that stopped reporting status:unknown; never both,
            // so one filter takes either. min over the window: not ready the whole time, not a node
            // briefly unready while it joins or while Karpenter removes it.
            query: `min(${last(t.nodeNotReady.windowMinutes)}):default_zero(sum:kubernetes_state.node.by_condition{${scope},condition:ready,!status:true} by {node}) >= ${t.nodeNotReady.critical}`,
            thresholds: levels(t.nodeNotReady),
            what: `A node has been NotReady (or stopped reporting) for ${t.nodeNotReady.windowMinutes} minutes; its pods are not being looked after.`,
            where: "node {{node.name}}",
            checkFirst:
                "`kubectl describe node {{node.name}}` conditions and events (kubelet stopped, network, disk or memory pressure); the EC2 instance's status checks. Karpenter or the node group replaces an unhealthy node.",
            notifyNoData: false,
        },
        {
            key: "schedulable-nodes",
            name: `[${clusterName}] Nodes cordoned`,
            // Datadog's recommended "unschedulable nodes" monitor: node.status is the cordon state, not
            // readiness; each node has one series, tagged schedulable or unschedulable. With every node
            // cordoned no schedulable series is left at all and default_zero has nothing to fill: the
            // query has no data, so no data alerts (the kube-state-metrics monitor tells a dead KSM apart).
            query: `max(${last(t.schedulableNodes.windowMinutes)}):default_zero(sum:kubernetes_state.node.status{${scope},status:schedulable} * 100 / sum:kubernetes_state.node.status{${scope}}) < ${t.schedulableNodes.critical}`,
            thresholds: levels(t.schedulableNodes),
            what: "Too few of the cluster's nodes accept new pods: many are cordoned (a drain, an upgrade or a disruption that did not finish). No data: no node accepts pods at all, or kube-state-metrics stopped.",
            where: "the cluster's nodes",
            checkFirst:
                "`kubectl get nodes` for SchedulingDisabled; a stuck drain (a PodDisruptionBudget that allows no eviction) or a node upgrade in progress.",
            notifyNoData: true,
            noDataTimeframe: t.schedulableNodes.windowMinutes,
        },
        {
            key: "node-disk",
            name: `[${clusterName}] Node disk filling up`,
            // The node filesystem (nodefs) holds ephemeral storage: emptyDir volumes, container logs and
            // writable layers. usage_pct is a fraction (kubelet metadata.csv).
            // Per node (the agent's host, on EKS its EC2 instance): each full node alerts, named.
            query: `max(${last(t.nodeDisk.windowMinutes)}):max:kubernetes.node.filesystem.usage_pct{${scope}} by {host} * 100 >= ${t.nodeDisk.critical}`,
            thresholds: levels(t.nodeDisk),
            what: "A node's filesystem, where pods' ephemeral storage (emptyDir, logs, writable layers) lives, is nearly full; the kubelet evicts pods at DiskPressure.",
            where: "node (host) {{host.name}}",
            checkFirst:
                "`kubectl get nodes -o wide | grep {{host.name}}` (or the node whose providerID ends in it), `kubectl describe node <node>` for DiskPressure; the pods with the largest emptyDir or logs on it. Raise the node group's `diskSizeGiB` if it is simply too small.",
            notifyNoData: false,
        },
        {
            key: "cluster-cpu-requests",
            name: `[${clusterName}] Cluster CPU requests near allocatable`,
            query: requests("cpu", t.clusterCpuRequests),
            thresholds: levels(t.clusterCpuRequests),
            what: "The pods' CPU requests fill nearly all CPU the nodes can allocate, for long: new pods will stay Pending unless nodes are added.",
            where: "the whole cluster",
            checkFirst: capacityCheck,
            notifyNoData: false,
        },
        {
            key: "cluster-memory-requests",
            name: `[${clusterName}] Cluster memory requests near allocatable`,
            query: requests("memory", t.clusterMemoryRequests),
            thresholds: levels(t.clusterMemoryRequests),
            what: "The pods' memory requests fill nearly all memory the nodes can allocate, for long: new pods will stay Pending unless nodes are added.",
            where: "the whole cluster",
            checkFirst: capacityCheck,
            notifyNoData: false,
        },
    ];
}
