/** metrics-server: the resource metrics API that HorizontalPodAutoscalers and `kubectl top` read. No AWS access. */
import * as k8s from "@pulumi/kubernetes";
import type { ContainerResources } from "../../stacks/config";
import { spreadConstraints } from "../scheduling";
import { AddonContext, AddonSettings, ChartPin, defaultReplicas, helmRelease, mergeValues } from "./addon";

/** https://github.com/kubernetes-sigs/metrics-server/blob/metrics-server-helm-chart-3.13.1/charts/metrics-server/Chart.yaml */
export const CHART: ChartPin = {
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.13.1",
};
export const NAMESPACE = "kube-system";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "100m", memory: "200Mi" },
    limits: { cpu: "500m", memory: "400Mi" },
};

/**
 * Its port on Fargate. The chart's `containerPort` (default 10250) is also its `--secure-port`
 * (chart 3.13.1 templates/deployment.yaml), and Fargate reserves 10250: "This port is reserved on
 * Fargate. Replace references to port 10250 ... with another port, such as 10251" (EKS user
 * guide, metrics-server). The Service targets the named port, so nothing else changes.
 */
export const FARGATE_PORT = 10251;

/** The chart's selector labels for the release this program names `metrics-server` (chart 3.13.1 _helpers.tpl). */
export const RELEASE_SELECTOR = { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" };

export function metricsServerValues(
    replicas: number,
    resources: ContainerResources,
    overrides: Record<string, unknown>,
    fargateOnly = false,
): Record<string, unknown> {
    return mergeValues(
        {
            ...(fargateOnly ? { containerPort: FARGATE_PORT } : {}),
            replicas,
            resources,
            podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
            // Two replicas on one node would fall together. On nodes: DoNotSchedule, which with a single
            // eligible node still places both (one domain, no skew); across zones where it can.
            ...(replicas > 1
                ? { topologySpreadConstraints: spreadConstraints(RELEASE_SELECTOR, { node: "DoNotSchedule", zone: "ScheduleAnyway" }) }
                : {}),
        },
        overrides,
    );
}

export function registerMetricsServer(ctx: AddonContext, settings: AddonSettings): k8s.helm.v3.Release {
    const values = metricsServerValues(
        settings.replicas ?? defaultReplicas(ctx.stage),
        settings.resources ?? DEFAULT_RESOURCES,
        settings.values,
        ctx.fargateOnly,
    );
    return helmRelease(ctx, "metrics-server", CHART, NAMESPACE, values);
}
