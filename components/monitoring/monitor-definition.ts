/** One Datadog monitor as plain data: what the specs check, the render writes and the component creates. */
import type { DatadogThresholds } from "../../stacks/schema/datadog-monitors";

export interface MonitorDefinition {
    /** Stable key: the Pulumi name suffix and the runbook anchor. */
    key: string;
    name: string;
    query: string;
    thresholds: { critical: number; warning?: number };
    /** What happened, where, what to check first. The runbook and the handles are added by `monitorMessage`. */
    what: string;
    where: string;
    checkFirst: string;
    notifyNoData: boolean;
    noDataTimeframe?: number;
    /**
     * The key of a monitor whose alert covers this one's: this one then notifies through a
     * composite `<this> && !<that>` per group, so a workload that crash-loops is one alert, not
     * one per symptom (its restarts, its exit reason). Both must group by the same tags.
     */
    quietWhile?: string;
}

export interface MonitorInput {
    /** The cluster's `kube_cluster_name`. */
    clusterName: string;
    thresholds: DatadogThresholds;
}

/** The tag filter of every query: this cluster only. */
export const clusterScope = (clusterName: string) => `kube_cluster_name:${clusterName}`;

/**
 * Multi-alert per workload, not per pod: a rollout of N bad pods is one alert, naming the pods'
 * owner (a Deployment's ReplicaSet, a StatefulSet, a DaemonSet, a Job). KSM core metrics carry the
 * owner as `created_by_kind`/`created_by_name` (its kube_pod_info label join,
 * DataDog/datadog-agent pkg/collector/corechecks/cluster/ksm/kubernetes_state_defaults.go); the
 * kubelet check's metrics carry the agent tagger's `kube_ownerref_kind`/`kube_ownerref_name`.
 */
export const BY_WORKLOAD = "by {kube_namespace,created_by_kind,created_by_name}";
export const WORKLOAD_WHERE = "namespace {{kube_namespace.name}}, {{created_by_kind.name}} {{created_by_name.name}}";
/** The same for the kubelet check's metrics, and the container, whose limit or last state the alert is about. */
export const BY_WORKLOAD_CONTAINER = "by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}";
export const WORKLOAD_CONTAINER_WHERE =
    "namespace {{kube_namespace.name}}, {{kube_ownerref_kind.name}} {{kube_ownerref_name.name}}, container {{kube_container_name.name}}";
/** The command that lists the alerting workload's pods, given the tag that carries the owner's name. */
export function workloadPods(ownerTag: "created_by_name" | "kube_ownerref_name"): string {
    return `\`kubectl -n {{kube_namespace.name}} get pods -o custom-columns=POD:.metadata.name,OWNER:.metadata.ownerReferences[0].name,NODE:.spec.nodeName | grep {{${ownerTag}.name}}\``;
}

/** `last_<n>m`, the window a monitor evaluates. */
export const last = (minutes: number) => `last_${minutes}m`;

/** Critical and warning of a monitor's settings, without its window. */
export function levels(settings: { critical: number; warning?: number }): { critical: number; warning?: number } {
    return settings.warning === undefined ? { critical: settings.critical } : { critical: settings.critical, warning: settings.warning };
}
