/**
 * Monitors of the cluster's workloads: containers that crash, cannot pull their image, are
 * OOM-killed or end in error, restart, fail, or run short of replicas or of their limits. They
 * cover Datadog's recommended Kubernetes monitors (integrations-core kubernetes/assets/monitors:
 * CrashloopBackOff, ImagePullBackOff, OOMKilled, failed pods, pods restarting, deployment and
 * StatefulSet replicas) with the platform's scope, grouping and stage thresholds.
 */
import {
    BY_WORKLOAD,
    BY_WORKLOAD_CONTAINER,
    clusterScope,
    last,
    levels,
    MonitorDefinition,
    MonitorInput,
    WORKLOAD_CONTAINER_WHERE,
    WORKLOAD_WHERE,
    workloadPods,
} from "./monitor-definition";

/**
 * How many of a workload's containers the kubelet reports waiting in CrashLoopBackOff, 0 once it
 * clears: the kubelet check's `kubernetes.containers.state.waiting`, tagged `reason`
 * (DataDog/datadog-agent pkg/collector/corechecks/containers/kubelet/provider/pod, its crashed-pods
 * test), grouped as the restart monitors are, so their composites can match it group by group.
 */
function crashLooping(scope: string): string {
    return `default_zero(sum:kubernetes.containers.state.waiting{${scope},reason:crashloopbackoff} ${BY_WORKLOAD_CONTAINER})`;
}

/**
 * A workload's container that restarted in the window after its last run ended for one of
 * `reasons`: the increase of its restart count times its last terminated state (1 while that
 * state holds). Both from the kubelet check, so they are collected in the same run of the same
 * agent and a first kill cannot fall between two sources' buckets. The current terminated state
 * lasts only until the restart, seconds after an OOM kill; the last state stays, and the restart
 * dates it.
 */
function restartedAfter(scope: string, reasons: string[]): string {
    const lastState =
        reasons.length === 1
            ? `{${scope},reason:${reasons[0]}}`
            : `{${scope.replace(/,/g, " AND ")} AND reason IN (${reasons.join(", ")})}`;
    return `default_zero(diff(sum:kubernetes.containers.restarts{${scope}} ${BY_WORKLOAD_CONTAINER})) * default_zero(max:kubernetes.containers.last_state.terminated${lastState} ${BY_WORKLOAD_CONTAINER})`;
}

export function workloadMonitors({ clusterName, thresholds: t }: MonitorInput): MonitorDefinition[] {
    const scope = clusterScope(clusterName);
    return [
        {
            key: "crashloopbackoff",
            name: `[${clusterName}] Container in CrashLoopBackOff`,
            // default_zero: once the container recovers the series stops, and a zero resolves the alert.
            query: `max(${last(t.crashLoopBackOff.windowMinutes)}):${crashLooping(scope)} >= ${t.crashLoopBackOff.critical}`,
            thresholds: levels(t.crashLoopBackOff),
            what: "A workload's container keeps crashing and Kubernetes is backing off its restarts (its restart, OOMKilled and exit-reason alerts stay quiet meanwhile: this is the one).",
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst: `${workloadPods("kube_ownerref_name")}, then \`kubectl -n {{kube_namespace.name}} logs <pod> --previous\` and \`kubectl describe pod <pod>\` for the exit code and events (OOMKilled, failed probes, bad config).`,
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
            checkFirst:
                "`kubectl -n datadog get pods -l app=datadog-cluster-agent` and its logs; `kubectl -n datadog exec deploy/datadog-cluster-agent -- agent status` for the kubernetes_state_core check.",
            notifyNoData: true,
            noDataTimeframe: t.kubeStateMetricsNoDataMinutes,
        },
        {
            key: "container-restarts",
            name: `[${clusterName}] Container restarting`,
            // The restart count only grows: alert on how much it grew in the window.
            // The kubelet's count, summed over the workload's pods: how often its container restarted.
            query: `change(max(${last(t.containerRestarts.windowMinutes)}),${last(t.containerRestarts.windowMinutes)}):sum:kubernetes.containers.restarts{${scope}} ${BY_WORKLOAD_CONTAINER} >= ${t.containerRestarts.critical}`,
            thresholds: levels(t.containerRestarts),
            what: `A workload's container restarted repeatedly (across its pods) in the last ${t.containerRestarts.windowMinutes} minutes.`,
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst: `${workloadPods("kube_ownerref_name")}, then \`kubectl describe pod <pod>\` for the last state (OOMKilled, Error, liveness probe) and \`logs <pod> -c {{kube_container_name.name}} --previous\`.`,
            notifyNoData: false,
            quietWhile: "crashloopbackoff",
        },
        {
            key: "deployment-availability",
            name: `[${clusterName}] Deployment below half of its desired replicas`,
            query: `avg(${last(t.deploymentAvailability.windowMinutes)}):avg:kubernetes_state.deployment.replicas_available{${scope}} by {kube_namespace,kube_deployment} / avg:kubernetes_state.deployment.replicas_desired{${scope}} by {kube_namespace,kube_deployment} < ${t.deploymentAvailability.critical}`,
            thresholds: levels(t.deploymentAvailability),
            what: "Available replicas of a deployment fell below the threshold share of the desired ones.",
            where: "namespace {{kube_namespace.name}}, deployment {{kube_deployment.name}}",
            checkFirst:
                "`kubectl -n {{kube_namespace.name}} get pods -l app.kubernetes.io/name={{kube_deployment.name}}`: Pending (capacity, autoscaler), CrashLoopBackOff or failing readiness.",
            notifyNoData: false,
        },
        {
            key: "cpu-of-limit",
            name: `[${clusterName}] Container CPU near its limit`,
            // usage is in nanocores, limits in cores. Containers without a limit have no limit series and
            // drop out. max over the workload's pods: its busiest pod (their limits are the same).
            query: `avg(${last(t.cpuOfLimit.windowMinutes)}):max:kubernetes.cpu.usage.total{${scope}} ${BY_WORKLOAD_CONTAINER} / 1000000000 / max:kubernetes.cpu.limits{${scope}} ${BY_WORKLOAD_CONTAINER} * 100 >= ${t.cpuOfLimit.critical}`,
            thresholds: levels(t.cpuOfLimit),
            what: "A workload's container uses most of its CPU limit (in its busiest pod) and is being throttled.",
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst:
                "The app's latency and the HPA (`kubectl -n {{kube_namespace.name}} get hpa`); raise the limit or the replicas if load is real.",
            notifyNoData: false,
        },
        {
            key: "memory-of-limit",
            name: `[${clusterName}] Container memory near its limit`,
            // The working set is what the OOM killer compares with the limit; the workload's fullest pod.
            query: `avg(${last(t.memoryOfLimit.windowMinutes)}):max:kubernetes.memory.working_set{${scope}} ${BY_WORKLOAD_CONTAINER} / max:kubernetes.memory.limits{${scope}} ${BY_WORKLOAD_CONTAINER} * 100 >= ${t.memoryOfLimit.critical}`,
            thresholds: levels(t.memoryOfLimit),
            what: "A workload's container approaches its memory limit (working set, in its fullest pod): the next step is OOMKilled.",
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst:
                "Memory over time on the namespace dashboard: a leak grows steadily, load comes and goes. Raise the limit or fix the leak.",
            notifyNoData: false,
        },
        {
            key: "image-pull",
            name: `[${clusterName}] Container cannot pull its image`,
            // Both reasons in one filter: a container is in ErrImagePull on each try and in
            // ImagePullBackOff between tries, never both at once (KSM allowedWaitingReasons).
            query: `max(${last(t.imagePullBackOff.windowMinutes)}):default_zero(sum:kubernetes_state.container.status_report.count.waiting{${scope} AND reason IN (errimagepull, imagepullbackoff)} ${BY_WORKLOAD}) >= ${t.imagePullBackOff.critical}`,
            thresholds: levels(t.imagePullBackOff),
            what: "A container waits on an image it cannot pull (ErrImagePull, ImagePullBackOff): the rollout is stuck.",
            where: WORKLOAD_WHERE,
            checkFirst: `${workloadPods("created_by_name")}, then \`kubectl describe pod <pod>\` events: a tag or digest that does not exist, ECR permissions of the node role, or no route to the registry.`,
            notifyNoData: false,
        },
        {
            key: "oomkilled",
            name: `[${clusterName}] Container OOMKilled`,
            // Datadog's recommended monitor reads the current terminated state, which an OOM-killed
            // container leaves within seconds; a restart with OOMKilled as its last state is caught.
            query: `max(${last(t.oomKilled.windowMinutes)}):${restartedAfter(scope, ["oomkilled"])} >= ${t.oomKilled.critical}`,
            thresholds: levels(t.oomKilled),
            what: "A workload's container was killed for using more memory than its limit, and restarted.",
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst:
                "Memory of the container on the namespace dashboard before the kill; raise `resources.limits.memory` or find the leak. `kubectl describe pod` shows Last State: OOMKilled.",
            notifyNoData: false,
            quietWhile: "crashloopbackoff",
        },
        {
            key: "terminated-abnormally",
            name: `[${clusterName}] Container terminated abnormally`,
            // The terminated reasons besides OOMKilled (allowedTerminatedReasons). A restart dates it,
            // so a finished Job's failed pod does not stay red (the failed-pods monitor has those).
            query: `max(${last(t.terminatedAbnormally.windowMinutes)}):${restartedAfter(scope, ["error", "containercannotrun"])} >= ${t.terminatedAbnormally.critical}`,
            thresholds: levels(t.terminatedAbnormally),
            what: "A container restarted after ending with an error exit code, or after it could not be started at all (ContainerCannotRun).",
            where: WORKLOAD_CONTAINER_WHERE,
            checkFirst: `${workloadPods("kube_ownerref_name")}, then \`kubectl -n {{kube_namespace.name}} logs <pod> -c {{kube_container_name.name}} --previous\` and \`describe pod <pod>\` for the exit code; ContainerCannotRun is a bad command or entrypoint.`,
            notifyNoData: false,
            quietWhile: "crashloopbackoff",
        },
        {
            key: "failed-pods",
            name: `[${clusterName}] Pods failing in a namespace`,
            // Datadog's recommended form: how many more pods are in phase Failed than a window ago.
            query: `change(avg(${last(t.failedPods.windowMinutes)}),${last(t.failedPods.windowMinutes)}):default_zero(sum:kubernetes_state.pod.status_phase{${scope},pod_phase:failed} by {kube_namespace}) > ${t.failedPods.critical}`,
            thresholds: levels(t.failedPods),
            what: `More than the threshold of pods entered phase Failed in ${t.failedPods.windowMinutes} minutes.`,
            where: "namespace {{kube_namespace.name}}",
            checkFirst:
                "`kubectl -n {{kube_namespace.name}} get pods --field-selector=status.phase=Failed` and `describe` one: evicted (node pressure), a failing Job, or a node lost.",
            notifyNoData: false,
        },
        {
            key: "statefulset-replicas",
            name: `[${clusterName}] StatefulSet replicas not ready`,
            query: `max(${last(t.statefulSetReplicas.windowMinutes)}):sum:kubernetes_state.statefulset.replicas_desired{${scope}} by {kube_namespace,kube_stateful_set} - sum:kubernetes_state.statefulset.replicas_ready{${scope}} by {kube_namespace,kube_stateful_set} >= ${t.statefulSetReplicas.critical}`,
            thresholds: levels(t.statefulSetReplicas),
            what: "A StatefulSet has fewer ready replicas than desired (quiet while the cluster runs none).",
            where: "namespace {{kube_namespace.name}}, StatefulSet {{kube_stateful_set.name}}",
            checkFirst:
                "`kubectl -n {{kube_namespace.name}} get pods` of the StatefulSet: a Pending pod waiting for its volume's zone, or a crashing one blocking the ordered rollout.",
            notifyNoData: false,
        },
    ];
}
