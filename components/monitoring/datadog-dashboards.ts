import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { NODE_GROUP_TAG, NODE_POOL_TAG } from "../kube-system-addons/datadog-agent";

export interface DatadogDashboardsArgs {
    /** The EKS cluster's name: the default of the dashboards' cluster variable. */
    clusterName: string;
    /** One dashboard per namespace: each app's and kube-system. */
    namespaces: string[];
    provider: datadog.Provider;
}

interface Widget {
    definition: Record<string, unknown>;
}

const SCOPE = "{$cluster,$namespace}";

function timeseries(title: string, queries: string[], displayType: "line" | "bars" | "area" = "line"): Widget {
    return { definition: { type: "timeseries", title, show_legend: true, requests: queries.map((q) => ({ q, display_type: displayType })) } };
}

function group(title: string, widgets: Widget[]): Widget {
    return { definition: { type: "group", title, layout_type: "ordered", widgets } };
}

/** `desired - ready` of a workload kind, by its name: what is not ready right now. */
function notReady(kind: string, desired: string, ready: string, tag: string): Widget {
    const metric = (name: string) => `sum:kubernetes_state.${kind}.${name}${SCOPE} by {${tag}}`;
    return timeseries(`Not-ready ${kind} replicas (desired - ready)`, [`${metric(desired)} - ${metric(ready)}`], "bars");
}

/**
 * This namespace's requests as a share of the allocatable capacity of each node group (managed
 * and self-managed nodes) and each Karpenter NodePool (its nodes), in percent.
 */
function allocation(title: string, requested: string, allocatable: string): Widget {
    const by = `by {${NODE_GROUP_TAG},${NODE_POOL_TAG}}`;
    return timeseries(title, [`sum:${requested}${SCOPE} ${by} / sum:${allocatable}{$cluster} ${by} * 100`]);
}

/** The dashboard JSON (Datadog dashboard API) of one namespace: the field report's four groups. */
export function namespaceDashboard(clusterName: string, namespace: string): Record<string, unknown> {
    return {
        title: `${clusterName} / ${namespace}`,
        description: `Workloads of namespace ${namespace} on ${clusterName}. Managed by eks-platform (Pulumi): changes made here are overwritten.`,
        layout_type: "ordered",
        template_variables: [
            { name: "cluster", prefix: "kube_cluster_name", defaults: [clusterName] },
            { name: "namespace", prefix: "kube_namespace", defaults: [namespace] },
        ],
        widgets: [
            group("Container status", [
                timeseries("Running containers", [`sum:kubernetes_state.container.running${SCOPE}`]),
                timeseries("Waiting containers by reason", [`sum:kubernetes_state.container.status_report.count.waiting${SCOPE} by {reason}`], "bars"),
            ]),
            group("Not-ready replicas", [
                notReady("replicaset", "replicas_desired", "replicas_ready", "kube_replica_set"),
                notReady("statefulset", "replicas_desired", "replicas_ready", "kube_stateful_set"),
                notReady("daemonset", "desired", "ready", "kube_daemon_set"),
            ]),
            group("Allocation per node group and NodePool (requests / allocatable)", [
                allocation("Pods (% of allocatable pods)", "kubernetes.pods.running", "kubernetes_state.node.pods_allocatable"),
                allocation("CPU requests (% of allocatable)", "kubernetes.cpu.requests", "kubernetes_state.node.cpu_allocatable"),
                allocation("Memory requests (% of allocatable)", "kubernetes.memory.requests", "kubernetes_state.node.memory_allocatable"),
            ]),
            group("Horizontal pod autoscalers", [
                timeseries("HPA desired vs running replicas", [
                    `sum:kubernetes_state.hpa.desired_replicas${SCOPE} by {horizontalpodautoscaler}`,
                    `sum:kubernetes_state.hpa.current_replicas${SCOPE} by {horizontalpodautoscaler}`,
                ]),
                timeseries("Terminated containers by reason", [`sum:kubernetes_state.container.status_report.count.terminated${SCOPE} by {reason}`], "bars"),
            ]),
        ],
    };
}

/** Every query string of a dashboard, for the query check. */
export function dashboardQueries(dashboard: Record<string, unknown>): string[] {
    const queries: string[] = [];
    const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
            node.forEach(walk);
        } else if (node !== null && typeof node === "object") {
            for (const [key, value] of Object.entries(node)) {
                if (key === "q" && typeof value === "string") {
                    queries.push(value);
                } else {
                    walk(value);
                }
            }
        }
    };
    walk(dashboard);
    return queries;
}

/** One Datadog dashboard per namespace, with cluster and namespace template variables. */
export class DatadogDashboards extends pulumi.ComponentResource {
    readonly urls: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: DatadogDashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:DatadogDashboards", name, {}, opts);
        this.urls = {};
        for (const namespace of args.namespaces) {
            const dashboard = new datadog.DashboardJson(`${name}-${namespace}`, {
                dashboard: JSON.stringify(namespaceDashboard(args.clusterName, namespace)),
            }, { parent: this, provider: args.provider });
            this.urls[namespace] = dashboard.url;
        }
        this.registerOutputs({ urls: this.urls });
    }
}
