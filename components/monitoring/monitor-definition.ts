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
}

export interface MonitorInput {
    /** The cluster's `kube_cluster_name`. */
    clusterName: string;
    thresholds: DatadogThresholds;
}

/** The tag filter of every query: this cluster only. */
export const clusterScope = (clusterName: string) => `kube_cluster_name:${clusterName}`;

/** Multi-alert per container, so an alert names it. */
export const BY_CONTAINER = "by {kube_namespace,pod_name,kube_container_name}";
export const CONTAINER_WHERE = "namespace {{kube_namespace.name}}, pod {{pod_name.name}}, container {{kube_container_name.name}}";

/** `last_<n>m`, the window a monitor evaluates. */
export const last = (minutes: number) => `last_${minutes}m`;

/** Critical and warning of a monitor's settings, without its window. */
export function levels(settings: { critical: number; warning?: number }): { critical: number; warning?: number } {
    return settings.warning === undefined ? { critical: settings.critical } : { critical: settings.critical, warning: settings.warning };
}
