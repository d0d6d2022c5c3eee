import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { BurnRateTier, burnRate, errorBudget, Slo } from "../../stacks/schema/slo";
import { NODE_GROUP_TAG, NODE_POOL_TAG } from "../kube-system-addons/datadog-agent";
import { responses } from "./datadog-slos";
import { windowLabel } from "./slo-alarms";

export interface DatadogDashboardsArgs {
    /** The EKS cluster's name: the default of the dashboards' cluster variable. */
    clusterName: string;
    /** One dashboard per namespace: each app's and kube-system. */
    namespaces: string[];
    /** Per namespace of an app: its service level panel's inputs. */
    services: Record<string, ServiceInput<pulumi.Input<string>>>;
    provider: datadog.Provider;
}

/** What an app's service level panel shows: its SLO and the burn rate its alerts watch. */
export interface ServiceInput<T = string> {
    app: string;
    /** The target group's `arnSuffix`: the `targetgroup` tag of its ALB metrics. */
    targetGroup: T;
    sloId: T;
    slo: Slo;
    tiers: BurnRateTier[];
}

interface Widget {
    definition: Record<string, unknown>;
}

const SCOPE = "{$cluster,$namespace}";

function timeseries(title: string, queries: string[], displayType: "line" | "bars" | "area" = "line"): Widget {
    return {
        definition: { type: "timeseries", title, show_legend: true, requests: queries.map((q) => ({ q, display_type: displayType })) },
    };
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

/**
 * Containers OOM-killed and image pulls failing: what the monitors alert on, over time. The kill
 * reads the kubelet's last terminated state: the current one clears within seconds, at the restart.
 */
function failures(): Widget {
    const waiting = (reason: string) =>
        `sum:kubernetes_state.container.status_report.count.waiting{$cluster,$namespace,reason:${reason}} by {pod_name}`;
    return group("Failures", [
        timeseries(
            "OOMKilled containers (last terminated state)",
            ["sum:kubernetes.containers.last_state.terminated{$cluster,$namespace,reason:oomkilled} by {kube_container_name}"],
            "bars",
        ),
        timeseries("Image pull failures (ErrImagePull, ImagePullBackOff)", [waiting("errimagepull"), waiting("imagepullbackoff")], "bars"),
    ]);
}

/**
 * The app's SLO with its budget left, and its burn rate over each alert tier's long window: the
 * 5XX share of its target group's requests divided by the error budget (1: the budget lasts
 * exactly the SLO window), with each tier's alerting burn rate marked.
 */
export function servicePanel(service: ServiceInput): Widget {
    const budget = errorBudget(service.slo.availabilityPercent);
    // Trailing windows, as the alarms see them (moving_rollup), not calendar-aligned buckets.
    const trailing = (classes: string[], seconds: number) =>
        classes.map((c) => `moving_rollup(${responses([service.targetGroup], [c])}, ${seconds}, 'sum')`).join(" + ");
    const burn = (tier: BurnRateTier) => {
        const seconds = tier.longWindowMinutes * 60;
        return `${trailing(["5xx"], seconds)} / (${trailing(["2xx", "3xx", "4xx", "5xx"], seconds)}) / ${budget}`;
    };
    return group(`Service level: ${service.app}`, [
        {
            definition: {
                type: "slo",
                title: `${service.app} availability (${service.slo.availabilityPercent}% over ${service.slo.windowDays} days)`,
                slo_id: service.sloId,
                view_type: "detail",
                view_mode: "overall",
                time_windows: [`${service.slo.windowDays}d`],
                show_error_budget: true,
            },
        },
        {
            definition: {
                ...timeseries(
                    `Error budget burn rate (${service.tiers.map((t) => windowLabel(t.longWindowMinutes)).join(", ")})`,
                    service.tiers.map(burn),
                ).definition,
                markers: service.tiers.map((tier) => ({
                    value: `y = ${burnRate(tier, service.slo.windowDays)}`,
                    display_type: tier.severity === "page" ? "error dashed" : "warning dashed",
                    label: `${tier.severity} (${windowLabel(tier.longWindowMinutes)})`,
                })),
            },
        },
    ]);
}

/** The dashboard JSON (Datadog dashboard API) of one namespace: the field report's four groups, failures, and an app's service level. */
export function namespaceDashboard(clusterName: string, namespace: string, service?: ServiceInput): Record<string, unknown> {
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
                timeseries(
                    "Waiting containers by reason",
                    [`sum:kubernetes_state.container.status_report.count.waiting${SCOPE} by {reason}`],
                    "bars",
                ),
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
                timeseries(
                    "Containers by the reason their last run ended",
                    [`sum:kubernetes.containers.last_state.terminated${SCOPE} by {reason}`],
                    "bars",
                ),
            ]),
            failures(),
            ...(service ? [servicePanel(service)] : []),
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
            const service = args.services[namespace];
            const json = service
                ? pulumi
                      .all([service.targetGroup, service.sloId])
                      .apply(([targetGroup, sloId]) =>
                          JSON.stringify(namespaceDashboard(args.clusterName, namespace, { ...service, targetGroup, sloId })),
                      )
                : JSON.stringify(namespaceDashboard(args.clusterName, namespace));
            const dashboard = new datadog.DashboardJson(
                `${name}-${namespace}`,
                {
                    dashboard: json,
                },
                { parent: this, provider: args.provider },
            );
            this.urls[namespace] = dashboard.url;
        }
        this.registerOutputs({ urls: this.urls });
    }
}
