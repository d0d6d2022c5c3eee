import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringInput } from "../../stacks/schema/monitoring";
import type { Stage } from "../../stacks/config";
import type { MonitorThresholds } from "./datadog-queries";

export interface DatadogMonitorsArgs {
    /** The EKS cluster's name, as the agent tags it (`kube_cluster_name`): a plain string, so monitors never wait for the cluster. */
    clusterName: string;
    stage: Stage;
    /** Thresholds of the six monitors. */
    thresholds: MonitoringInput["datadog"];
    /** The stage's Slack handle, `@slack-<account>-<channel>`. */
    slackHandle: pulumi.Input<string>;
    /** Extra handles for critical alerts in prd (a pager). */
    pageHandles: string[];
    /** Runbook page; each monitor links to its own anchor. */
    runbookUrl: string;
    provider: datadog.Provider;
}

/** One monitor, as a plain object: what the tests check and the render writes. */
export interface MonitorDefinition {
    /** Stable key: the Pulumi name suffix and the runbook anchor. */
    key: string;
    name: string;
    query: string;
    thresholds: MonitorThresholds;
    /** What happened, where, what to check first, the runbook. The notification handles are added by `monitorMessage`. */
    what: string;
    where: string;
    checkFirst: string;
    notifyNoData: boolean;
    noDataTimeframe?: number;
}

export interface MonitorInput {
    clusterName: string;
    thresholds: MonitoringInput["datadog"];
}

/** The six monitors of the field report, with the defects of its sample queries fixed. */
export function monitorDefinitions({ clusterName, thresholds: t }: MonitorInput): MonitorDefinition[] {
    const scope = `kube_cluster_name:${clusterName}`;
    const byContainer = "by {kube_namespace,pod_name,kube_container_name}";
    const pod = "namespace {{kube_namespace.name}}, pod {{pod_name.name}}, container {{kube_container_name.name}}";
    return [
        {
            key: "crashloopbackoff",
            name: `[${clusterName}] Container in CrashLoopBackOff`,
            // default_zero: once the container recovers the series stops, and a zero resolves the alert.
            query: `max(last_1m):default_zero(max:kubernetes_state.container.status_report.count.waiting{${scope},reason:crashloopbackoff} ${byContainer}) >= ${t.crashLoopBackOff.critical}`,
            thresholds: t.crashLoopBackOff,
            what: "A container keeps crashing and Kubernetes is backing off its restarts.",
            where: pod,
            checkFirst: "`kubectl -n {{kube_namespace.name}} logs {{pod_name.name}} -c {{kube_container_name.name}} --previous`, then `kubectl describe pod` for the exit code and events (OOMKilled, failed probes, bad config).",
            notifyNoData: false,
        },
        {
            key: "kube-state-metrics",
            name: `[${clusterName}] Kubernetes state metrics stopped reporting`,
            // A cluster always has nodes: no node count at all means the KSM core check is not running.
            query: `avg(last_5m):sum:kubernetes_state.node.count{${scope}} < 1`,
            thresholds: { critical: 1 },
            what: "No kube-state metrics (node count) for the cluster: every other Kubernetes monitor is blind.",
            where: "the Datadog cluster agent (KSM core check) of the cluster",
            checkFirst: "`kubectl -n datadog get pods -l app=datadog-cluster-agent` and its logs; `kubectl -n datadog exec deploy/datadog-cluster-agent -- agent status` for the kubernetes_state_core check.",
            notifyNoData: true,
            noDataTimeframe: t.kubeStateMetricsNoDataMinutes,
        },
        {
            key: "container-restarts",
            name: `[${clusterName}] Container restarting`,
            // The restart count only grows: alert on how much it grew in 5 minutes.
            query: `change(max(last_5m),last_5m):max:kubernetes_state.container.restarts{${scope}} ${byContainer} >= ${t.containerRestarts.critical}`,
            thresholds: t.containerRestarts,
            what: "A container restarted repeatedly in the last 5 minutes.",
            where: pod,
            checkFirst: "`kubectl -n {{kube_namespace.name}} describe pod {{pod_name.name}}` for the last state (OOMKilled, Error, liveness probe) and `logs --previous`.",
            notifyNoData: false,
        },
        {
            key: "deployment-availability",
            name: `[${clusterName}] Deployment below half of its desired replicas`,
            query: `avg(last_5m):avg:kubernetes_state.deployment.replicas_available{${scope}} by {kube_namespace,kube_deployment} / avg:kubernetes_state.deployment.replicas_desired{${scope}} by {kube_namespace,kube_deployment} <= ${t.deploymentAvailability.critical}`,
            thresholds: t.deploymentAvailability,
            what: "Available replicas of a deployment fell to the threshold share of the desired ones.",
            where: "namespace {{kube_namespace.name}}, deployment {{kube_deployment.name}}",
            checkFirst: "`kubectl -n {{kube_namespace.name}} get pods -l app.kubernetes.io/name={{kube_deployment.name}}`: Pending (capacity, autoscaler), CrashLoopBackOff or failing readiness.",
            notifyNoData: false,
        },
        {
            key: "cpu-of-limit",
            name: `[${clusterName}] Container CPU near its limit`,
            // usage is in nanocores, limits in cores. Containers without a limit have no limit series and drop out.
            query: `avg(last_5m):sum:kubernetes.cpu.usage.total{${scope}} ${byContainer} / 1000000000 / sum:kubernetes.cpu.limits{${scope}} ${byContainer} * 100 >= ${t.cpuOfLimit.critical}`,
            thresholds: t.cpuOfLimit,
            what: "A container uses most of its CPU limit and is being throttled.",
            where: pod,
            checkFirst: "The app's latency and the HPA (`kubectl -n {{kube_namespace.name}} get hpa`); raise the limit or the replicas if load is real.",
            notifyNoData: false,
        },
        {
            key: "memory-of-limit",
            name: `[${clusterName}] Container memory near its limit`,
            // The working set is what the OOM killer compares with the limit.
            query: `avg(last_5m):sum:kubernetes.memory.working_set{${scope}} ${byContainer} / sum:kubernetes.memory.limits{${scope}} ${byContainer} * 100 >= ${t.memoryOfLimit.critical}`,
            thresholds: t.memoryOfLimit,
            what: "A container's memory working set approaches its limit: the next step is OOMKilled.",
            where: pod,
            checkFirst: "Memory over time on the namespace dashboard: a leak grows steadily, load comes and goes. Raise the limit or fix the leak.",
            notifyNoData: false,
        },
    ];
}

/** The notification text: what, where, what to check first, the runbook, and who is told. */
export function monitorMessage(definition: MonitorDefinition, clusterName: string, runbookUrl: string, slackHandle: string, pageHandles: string[]): string {
    const runbook = `${runbookUrl.split("#")[0]}#${definition.key}`;
    const page = pageHandles.length > 0 ? `\n{{#is_alert}}${pageHandles.join(" ")}{{/is_alert}}` : "";
    return [
        `**What:** ${definition.what}`,
        `**Where:** cluster ${clusterName}, ${definition.where}.`,
        `**Check first:** ${definition.checkFirst}`,
        `**Runbook:** ${runbook}`,
        "",
        `${slackHandle}${page}`,
    ].join("\n");
}

/** Critical alerts in prd are priority 1 (page); elsewhere 3. */
export function monitorPriority(stage: Stage): string {
    return stage === "prd" ? "1" : "3";
}

/**
 * The Kubernetes health monitors of the cluster, scoped by its `kube_cluster_name` tag and grouped
 * so an alert names the pod. They depend on the Slack handle and the Datadog provider only.
 */
export class DatadogMonitors extends pulumi.ComponentResource {
    readonly monitorIds: pulumi.Output<string[]>;

    constructor(name: string, args: DatadogMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:DatadogMonitors", name, {}, opts);
        const pageHandles = args.stage === "prd" ? args.pageHandles : [];
        const monitors = monitorDefinitions({ clusterName: args.clusterName, thresholds: args.thresholds }).map((definition) =>
            new datadog.Monitor(`${name}-${definition.key}`, {
                name: definition.name,
                type: "query alert",
                query: definition.query,
                message: pulumi.output(args.slackHandle).apply((handle) =>
                    monitorMessage(definition, args.clusterName, args.runbookUrl, handle, pageHandles)),
                monitorThresholds: {
                    critical: String(definition.thresholds.critical),
                    warning: definition.thresholds.warning === undefined ? undefined : String(definition.thresholds.warning),
                },
                notifyNoData: definition.notifyNoData,
                noDataTimeframe: definition.noDataTimeframe,
                requireFullWindow: false,
                includeTags: true,
                renotifyInterval: args.stage === "prd" ? 60 : 0,
                priority: monitorPriority(args.stage),
                tags: [`env:${args.stage}`, `kube_cluster_name:${args.clusterName}`, "service:eks-platform", "managed-by:pulumi"],
            }, { parent: this, provider: args.provider }));
        this.monitorIds = pulumi.all(monitors.map((m) => m.id));
        this.registerOutputs({ monitorIds: this.monitorIds });
    }
}
