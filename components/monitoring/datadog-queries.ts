/**
 * The Datadog metrics and tags the platform's monitors and dashboards may use, and a check that
 * every query uses only those, balances its brackets, treats counters as counters and keeps its
 * thresholds consistent. A query on a metric or tag that does not exist never fires, and Datadog
 * does not say so.
 *
 * Names are those of DataDog/integrations-core `kubernetes_state_core/metadata.csv` (KSM core check
 * in the cluster agent) and `kubelet/metadata.csv` (node agent); tags those of the KSM core check's
 * label mapping and the agent's tagger, plus the node labels the agent is configured to tag
 * (node group, Karpenter NodePool).
 */
import { NODE_GROUP_TAG, NODE_POOL_TAG } from "../kube-system-addons/datadog-agent";

/** The ALB metrics of Datadog's AWS integration the SLOs and dashboards read. */
export const ALB_METRICS = [
    "aws.applicationelb.httpcode_target_2xx",
    "aws.applicationelb.httpcode_target_3xx",
    "aws.applicationelb.httpcode_target_4xx",
    "aws.applicationelb.httpcode_target_5xx",
] as const;

export const KNOWN_METRICS: ReadonlySet<string> = new Set([
    // kube-state-metrics core check
    "kubernetes_state.container.status_report.count.waiting",
    "kubernetes_state.container.status_report.count.terminated",
    "kubernetes_state.container.restarts",
    "kubernetes_state.container.running",
    "kubernetes_state.container.waiting",
    "kubernetes_state.container.terminated",
    "kubernetes_state.container.ready",
    "kubernetes_state.container.cpu_requested",
    "kubernetes_state.container.memory_requested",
    "kubernetes_state.container.cpu_limit",
    "kubernetes_state.container.memory_limit",
    "kubernetes_state.deployment.replicas_desired",
    "kubernetes_state.deployment.replicas_available",
    "kubernetes_state.deployment.replicas_unavailable",
    "kubernetes_state.replicaset.replicas_desired",
    "kubernetes_state.replicaset.replicas_ready",
    "kubernetes_state.statefulset.replicas_desired",
    "kubernetes_state.statefulset.replicas_ready",
    "kubernetes_state.daemonset.desired",
    "kubernetes_state.daemonset.ready",
    "kubernetes_state.hpa.desired_replicas",
    "kubernetes_state.hpa.current_replicas",
    "kubernetes_state.hpa.min_replicas",
    "kubernetes_state.hpa.max_replicas",
    "kubernetes_state.node.count",
    "kubernetes_state.node.cpu_allocatable",
    "kubernetes_state.node.memory_allocatable",
    "kubernetes_state.node.pods_allocatable",
    "kubernetes_state.node.by_condition",
    "kubernetes_state.node.status",
    "kubernetes_state.pod.status_phase",
    "kubernetes_state.pod.count",
    "kubernetes_state.pod.ready",
    // kubelet check
    "kubernetes.cpu.usage.total",
    "kubernetes.cpu.limits",
    "kubernetes.cpu.requests",
    "kubernetes.memory.working_set",
    "kubernetes.memory.usage",
    "kubernetes.memory.limits",
    "kubernetes.memory.requests",
    "kubernetes.pods.running",
    "kubernetes.containers.running",
    "kubernetes.containers.restarts",
    "kubernetes.containers.state.terminated",
    "kubernetes.containers.state.waiting",
    "kubernetes.containers.last_state.terminated",
    "kubernetes.node.filesystem.usage_pct",
    // Datadog's AWS integration (ApplicationELB namespace): CloudWatch's metrics in snake case,
    // HTTPCode_Target_5XX_Count as httpcode_target_5xx. Needs that integration in the Datadog org.
    ...ALB_METRICS,
]);

export const KNOWN_TAGS: ReadonlySet<string> = new Set([
    "kube_cluster_name",
    "kube_namespace",
    "pod_name",
    "kube_container_name",
    "container_name",
    "kube_deployment",
    "kube_replica_set",
    "kube_stateful_set",
    "kube_daemon_set",
    // A pod's owner: KSM core's kube_pod_info join, and the agent tagger's on kubelet metrics.
    "created_by_kind",
    "created_by_name",
    "kube_ownerref_kind",
    "kube_ownerref_name",
    // Datadog's reserved tag of the agent's host (on EKS, the node's EC2 instance), on every kubelet metric.
    "host",
    "horizontalpodautoscaler",
    "node",
    "reason",
    "env",
    "service",
    "version",
    "kube_service",
    "pod_phase",
    "condition",
    "status",
    // Datadog's AWS integration tags ALB metrics with their CloudWatch dimensions, lowercased.
    "targetgroup",
    "loadbalancer",
    NODE_GROUP_TAG,
    NODE_POOL_TAG,
]);

/** Gauges that only ever grow (until the container is recreated): compare their increase, never their value. */
export const CUMULATIVE_METRICS: ReadonlySet<string> = new Set(["kubernetes_state.container.restarts", "kubernetes.containers.restarts"]);

const RATE_FUNCTIONS = ["change(", "pct_change(", "diff(", "monotonic_diff(", "derivative(", "per_second(", "per_minute(", "per_hour("];

/** Counts of healthy things: alerting at or below a healthy count fires while everything is fine. */
const HEALTHY_COUNTS = /\.(running|ready|replicas_available|replicas_ready|desired)$/;

const METRIC = /([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\{([^}]*)\}/g;
const GROUP_BY = /by\s*\{([^}]*)\}/g;
const THRESHOLD = /(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

function balanced(query: string): string[] {
    const pairs: Record<string, string> = { ")": "(", "}": "{", "]": "[" };
    const stack: string[] = [];
    for (const ch of query) {
        if ("({[".includes(ch)) {
            stack.push(ch);
        } else if (ch in pairs) {
            if (stack.pop() !== pairs[ch]) {
                return [`unbalanced '${ch}'`];
            }
        }
    }
    return stack.length > 0 ? [`unclosed '${stack[stack.length - 1]}'`] : [];
}

function tagKey(term: string): string | undefined {
    const t = term
        .trim()
        .replace(/^[(\s]+|[)\s]+$/g, "")
        .replace(/^(!|NOT\s+)/, "");
    if (t === "" || t === "*" || t.startsWith("$")) {
        return undefined;
    }
    return t.split(":")[0];
}

/**
 * The tag keys of a scope, in either of Datadog's filter syntaxes: symbolic (`a:1,!b:2`) or
 * functional (`a:1 AND b IN (x, y)`), which one scope may not mix (Datadog, advanced filtering).
 */
function scopeKeys(scope: string): { keys: string[]; problems: string[] } {
    const functional = /\s(AND|OR)\s|\sIN\s*\(|^NOT\s/.test(scope);
    const lists = scope.replace(/\s+(NOT\s+)?IN\s*\([^)]*\)/g, ":in");
    const symbolic = lists.includes(",") || /(^|[\s(])!/.test(lists);
    const problems = functional && symbolic ? [`{${scope}} mixes , or ! with AND, OR or IN, which Datadog refuses`] : [];
    const keys = lists
        .split(/,|\s+AND\s+|\s+OR\s+/)
        .map(tagKey)
        .filter((k): k is string => k !== undefined);
    return { keys, problems };
}

/** Monitor windows `last_<n>m` take 1 to 10080 minutes (Datadog monitors API, metric alert query). */
const WINDOW = /last_(\d+)m\b/g;

/** Problems of one query (monitor or widget); empty when it is sound. */
export function checkQuery(query: string): string[] {
    const problems = balanced(query);
    for (const [, minutes] of query.matchAll(WINDOW)) {
        if (Number(minutes) < 1 || Number(minutes) > 10080) {
            problems.push(`window last_${minutes}m is outside 1 to 10080 minutes`);
        }
    }
    const metrics = [...query.matchAll(METRIC)];
    if (metrics.length === 0) {
        problems.push("no metric{scope} found");
    }
    for (const [, metric, scope] of metrics) {
        if (!KNOWN_METRICS.has(metric)) {
            problems.push(`unknown metric ${metric}`);
        }
        const { keys, problems: syntax } = scopeKeys(scope);
        problems.push(...syntax);
        for (const key of keys) {
            if (!KNOWN_TAGS.has(key)) {
                problems.push(`unknown tag ${key} in {${scope}}`);
            }
        }
        if (CUMULATIVE_METRICS.has(metric) && !RATE_FUNCTIONS.some((f) => query.includes(f))) {
            problems.push(`${metric} is a cumulative counter: alert on its increase (change, diff, monotonic_diff), not its value`);
        }
    }
    for (const [, groups] of query.matchAll(GROUP_BY)) {
        for (const key of groups.split(",").map((g) => g.trim())) {
            if (!KNOWN_TAGS.has(key)) {
                problems.push(`unknown tag ${key} in by {${groups}}`);
            }
        }
    }
    return problems;
}

export interface MonitorThresholds {
    critical: number;
    warning?: number;
}

/**
 * Problems of a monitor: its query's, plus a threshold in the query equal to the critical one,
 * a warning that fires before the critical one, and no threshold that fires while all is well.
 */
export function checkMonitorQuery(query: string, thresholds: MonitorThresholds): string[] {
    const problems = checkQuery(query);
    const match = THRESHOLD.exec(query);
    if (!match) {
        return [...problems, "no comparison with a threshold at the end of the query"];
    }
    const [, comparator, value] = match;
    if (Number(value) !== thresholds.critical) {
        problems.push(`query threshold ${value} differs from the critical threshold ${thresholds.critical}`);
    }
    const rising = comparator.startsWith(">");
    if (
        thresholds.warning !== undefined &&
        (rising ? thresholds.warning >= thresholds.critical : thresholds.warning <= thresholds.critical)
    ) {
        problems.push(`warning ${thresholds.warning} does not fire before critical ${thresholds.critical} (${comparator})`);
    }
    const single = [...query.matchAll(METRIC)];
    if (!query.includes("/") && single.length === 1 && HEALTHY_COUNTS.test(single[0][1]) && !rising && Number(value) >= 1) {
        problems.push(`${comparator} ${value} on ${single[0][1]} fires while a single replica is healthy: alert on no data, or on a ratio`);
    }
    if (rising && Number(value) <= 0 && comparator === ">=") {
        problems.push(`>= ${value} always fires`);
    }
    return problems;
}
